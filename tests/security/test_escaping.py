"""Article text is data: <script>, javascript: links and event handlers come out as text everywhere."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.security.conftest import HOSTILE_PARAGRAPHS, HOSTILE_TITLE

pytestmark = pytest.mark.django_db


class ActiveMarkup(HTMLParser):
    """Collects what a browser would execute or load from an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag in ("iframe", "object", "embed", "img") and tag != "img" or (tag == "img" and "onerror" in attrs):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}={value}]")


def active(html: str) -> ActiveMarkup:
    parser = ActiveMarkup()
    parser.feed(html)
    parser.close()
    return parser


def test_article_page_shows_markup_as_text(client, archive):
    hostile = archive["hostile"]
    response = client.get(hostile.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    found = active(html)
    assert found.found == []
    # The only scripts are the site's own files and JSON-LD data blocks.
    for attrs in found.scripts:
        assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/ld+json", attrs
    assert "<script>alert" not in html and "</script>نص" not in html
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in html
    assert HOSTILE_PARAGRAPHS[0] in response.content.decode().replace("&lt;", "<").replace("&gt;", ">").replace(
        "&#x27;", "'"
    )


def ld_json_blocks(html: str) -> list[str]:
    blocks, rest = [], html
    while '<script type="application/ld+json">' in rest:
        rest = rest.split('<script type="application/ld+json">', 1)[1]
        block, rest = rest.split("</script>", 1)
        blocks.append(block)
    return blocks


def test_json_ld_cannot_close_its_script(client, archive):
    html = client.get(archive["hostile"].get_absolute_url()).content.decode()
    for block in ld_json_blocks(html):
        assert "<" not in block
        assert json.loads(block)  # still valid data


@pytest.mark.parametrize("url", ["/feeds/latest/rss/", "/feeds/latest/atom/", "/feeds/section/gulf/rss/"])
def test_feeds_carry_no_executable_markup(client, archive, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    by_tag: dict[str, list[str]] = {}
    for el in root.iter():
        by_tag.setdefault(el.tag.rsplit("}", 1)[-1], []).append(el.text or "")
    # Titles are plain text (Atom type="text", RSS by convention): the exact title, as characters.
    assert HOSTILE_TITLE in by_tag["title"]
    # description / summary / content are read as HTML by feed readers: after XML decoding, nothing active.
    html_fields = by_tag.get("description", []) + by_tag.get("summary", []) + by_tag.get("content", [])
    assert any("alert" in text for text in html_fields), "the hostile body is not in the feed"
    for text in html_fields:
        found = active(text)
        assert found.found == [] and found.scripts == [], (url, text)


def test_api_returns_text_not_markup(client, archive):
    hostile = archive["hostile"]
    response = client.get(f"/api/articles/{hostile.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    # The article's fields are plain text, exactly as written, for clients to escape: none is HTML.
    assert data["title"] == HOSTILE_TITLE
    assert [p["text"] for p in data["paragraphs"]] == HOSTILE_PARAGRAPHS
    assert [key for key in data if "html" in key] == []

    # The search results' one HTML field, the snippet, is escaped text with <mark> around matches.
    hits = client.get("/api/search/", {"q": "سكربت"}).json()
    assert [hit["id"] for hit in hits["results"]] == [hostile.pk]
    snippet = hits["results"][0]["snippet"]
    assert "<mark>سكربت</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    found = active(snippet)
    assert found.found == [] and found.scripts == [], snippet


def test_search_page_highlights_without_unescaping(client, archive):
    response = client.get("/search/", {"q": "سكربت"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>" in html
    found = active(html)
    assert found.found == []
    assert all(attrs.get("src", "").startswith("/static/") or attrs.get("type") for attrs in found.scripts)
    assert "<script>alert" not in html
