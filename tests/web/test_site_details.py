"""The API's description, CORS on /api/, robots.txt, the favicon, month names, the font's coverage."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from articles.search.forms import SearchForm
from articles.templatetags.archive import ar_date
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def routes(patterns=None, prefix: str = "") -> list[str]:
    """Every URL route of the project, as '/api/articles/<int:pk>/'."""
    out = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            out += routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            out.append("/" + prefix + str(entry.pattern))
    return out


class TestOpenApi:
    def test_describes_every_route_under_api(self, client):
        response = client.get("/api/openapi.json")
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        spec = response.json()
        assert spec["openapi"].startswith("3.")
        assert spec["servers"] == [{"url": "http://testserver"}]
        api_routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r) for r in routes() if r.startswith("/api/")}
        # pk in the route is "id" in the description (the name clients see in the JSON).
        api_routes = {r.replace("{pk}", "{id}") for r in api_routes}
        assert set(spec["paths"]) == api_routes
        assert api_routes >= {"/api/", "/api/openapi.json", "/api/search/", "/api/articles/{id}/"}

    def test_every_search_parameter_is_described(self, client):
        spec = client.get("/api/openapi.json").json()
        parameters = spec["paths"]["/api/search/"]["get"]["parameters"]
        assert [p["name"] for p in parameters] == list(SearchForm(allow_page_size=True).fields)
        by_name = {p["name"]: p for p in parameters}
        assert by_name["q"]["required"] is True
        assert by_name["sort"]["schema"]["enum"] == ["relevance", "newest", "oldest"]
        assert by_name["page_size"]["schema"]["maximum"] == 50
        assert all(p["description"] for p in parameters)
        article = spec["paths"]["/api/articles/{id}/"]["get"]
        assert [p["name"] for p in article["parameters"]] == ["id"] and set(article["responses"]) == {"200", "404"}

    def test_the_described_article_matches_the_api(self, client, seed_article):
        spec = client.get("/api/openapi.json").json()
        data = client.get(f"/api/articles/{seed_article['article'].pk}/").json()
        assert set(spec["components"]["schemas"]["Article"]["properties"]) == set(data)

    def test_human_page(self, client):
        response = client.get("/api/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>واجهة البرمجة (API)</h1>" in html
        for path in ("GET /api/search/", "GET /api/articles/{id}/", "GET /api/openapi.json"):
            assert f"<code>{path}</code></h2>" in html
        assert "<td><code>q</code> (مطلوب)</td>" in html
        assert 'href="/api/openapi.json"' in html


class TestCors:
    def test_no_cors_header_by_default(self, client):
        response = client.get("/api/openapi.json", HTTP_ORIGIN="https://research.example")
        assert "Access-Control-Allow-Origin" not in response

    def test_only_configured_origins(self, client, settings):
        settings.API_CORS_ORIGINS = ["https://research.example"]
        ok = client.get("/api/search/?q=x", HTTP_ORIGIN="https://research.example")
        assert ok["Access-Control-Allow-Origin"] == "https://research.example"
        assert "Origin" in ok["Vary"]
        other = client.get("/api/search/?q=x", HTTP_ORIGIN="https://other.example")
        assert "Access-Control-Allow-Origin" not in other and "Origin" in other["Vary"]
        page = client.get("/", HTTP_ORIGIN="https://research.example")
        assert "Access-Control-Allow-Origin" not in page  # pages are not part of the API

    def test_preflight_allows_reads_only(self, client, settings):
        settings.API_CORS_ORIGINS = ["https://research.example"]
        read = client.options(
            "/api/search/", HTTP_ORIGIN="https://research.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        )
        assert read.status_code == 204
        assert read["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        write = client.options(
            "/api/search/", HTTP_ORIGIN="https://research.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
        )
        assert "Access-Control-Allow-Origin" not in write and "Access-Control-Allow-Methods" not in write

    def test_any_origin(self, client, settings):
        settings.API_CORS_ORIGINS = ["*"]
        response = client.get("/api/openapi.json", HTTP_ORIGIN="https://anyone.example")
        assert response["Access-Control-Allow-Origin"] == "*"


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /admin/\nDisallow: /search/\nDisallow: /api/\n\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in client.get("/").content.decode()
    svg = (Path(settings.BASE_DIR) / "static" / "img" / "favicon.svg").read_text()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


class TestMonthNames:
    @pytest.mark.parametrize(
        ("month", "name"),
        [
            (1, "يناير"),
            (2, "فبراير"),
            (3, "مارس"),
            (4, "أبريل"),
            (5, "مايو"),
            (6, "يونيو"),
            (7, "يوليو"),
            (8, "أغسطس"),
            (9, "سبتمبر"),
            (10, "أكتوبر"),
            (11, "نوفمبر"),
            (12, "ديسمبر"),
        ],
    )
    def test_ar_date(self, month, name):
        assert ar_date(aware(2025, month, 4, 9)) == f"4 {name}، 2025"

    def test_pages_write_abril_with_hamza_above(self, client):
        article = make_article(title="مقال أبريل", published_at=aware(2025, 4, 4, 9))
        html = client.get(article.get_absolute_url()).content.decode()
        assert '<time datetime="2025-04-04T09:00:00+03:00">4 أبريل، 2025</time>' in html
        assert '<a href="/2025/4/">أبريل 2025</a>' in client.get("/").content.decode()  # the archive months
        month = client.get("/2025/4/").content.decode()
        assert "إبريل" not in month and "أبريل" in month


def unicode_ranges(css: str) -> list[tuple[int, int]]:
    ranges = []
    for block in re.findall(r"unicode-range:([^;]+);", css):
        for part in block.replace("\n", " ").split(","):
            start, _, end = part.strip().removeprefix("U+").partition("-")
            ranges.append((int(start, 16), int(end or start, 16)))
    return ranges


def test_web_font_covers_latin_digits_and_punctuation():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "fonts.css").read_text()
    covered = unicode_ranges(css)
    for char in "0123456789%()-.,:;!?\"'/":
        assert any(a <= ord(char) <= b for a, b in covered), f"{char!r} not in any @font-face unicode-range"
    for path in re.findall(r'url\("\.\./fonts/([^"]+)"\)', css):
        assert (Path(settings.BASE_DIR) / "static" / "fonts" / path).is_file()
