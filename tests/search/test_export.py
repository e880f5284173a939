"""CSV and JSONL export of a result set: streamed, bounded, the API's fields, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import override_settings
from haystack import connections

from articles.search.export import export_filename, safe_cell
from tests.factories import make_article
from tests.search import test_views
from tests.search.test_api import HIT_KEYS
from tests.search.test_views import aware

search_index_dir = test_views.search_index_dir
search_archive = test_views.search_archive

pytestmark = pytest.mark.django_db

CSV_HEADER = [
    "id",
    "url",
    "source_url",
    "title",
    "section_slug",
    "section_name",
    "publication_slug",
    "publication_name",
    "published_at",
    "snippet",
    "score",
]


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in body(response).splitlines()]


def test_jsonl_rows_are_the_api_results_in_the_same_order(client, search_archive):
    params = {"q": "أسعار", "sort": "newest"}
    response = client.get("/search/export.jsonl", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    rows = jsonl(response)
    api = client.get("/api/search/", params).json()["results"]
    assert rows == api
    assert [list(row) for row in rows] == [HIT_KEYS, HIT_KEYS]
    assert [row["id"] for row in rows] == [search_archive["match"].pk, search_archive["oil"].pk]
    assert response["X-Result-Count"] == "2"
    assert response["X-Export-Rows"] == "2"
    assert response["X-Export-Limit"] == "1000"
    assert response["Cache-Control"] == "no-store"


def test_csv_header_rows_and_plain_text_snippet(client, search_archive):
    astana = search_archive["astana"]
    response = client.get("/search/export.csv", {"q": "وزراء الخارجية"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert text.startswith("\ufeffid,url,")  # the byte-order mark spreadsheets need for Arabic
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == CSV_HEADER
    record = dict(zip(header, row, strict=True))
    assert float(record.pop("score")) > 0
    assert record == {
        "id": str(astana.pk),
        "url": f"/2015/7/21/{astana.pk}/",
        "source_url": "https://example.com/astana",
        "title": "لقاء وزراء الخارجية في أستانة",
        "section_slug": "politics",
        "section_name": "سياسة",
        "publication_slug": "alriyadh",
        "publication_name": "الرياض",
        "published_at": "2015-07-21T10:00:00+03:00",
        "snippet": "اجتمع وزراء الخارجية في العاصمة الكازاخستانية لبحث الأزمة السورية.",
    }


def test_content_disposition_names_a_safe_file(client, search_archive):
    response = client.get("/search/export.csv", {"q": 'أسعار "النفط"/../../etc -x'})
    disposition = response["Content-Disposition"]
    filename = export_filename('أسعار "النفط"/../../etc -x', "csv")
    assert filename.startswith("بحث-أسعار-النفط-etc-x-") and filename.endswith(".csv")
    assert "/" not in filename and '"' not in filename and ".." not in filename
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert disposition == f"attachment; filename*=utf-8''{quote(filename)}"
    assert export_filename("!!!", "jsonl").startswith("بحث-results-")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+966 11", "'+966 11"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("عنوان = عادي", "عنوان = عادي"),
        (12, 12),
        (-1.5, -1.5),
    ],
)
def test_formula_cells_are_defused(value, cell):
    assert safe_cell(value) == cell


def test_a_formula_in_a_title_reaches_the_csv_as_text(client, index_dir):
    make_article(title="=1+1 جدول الأسعار", published_at=aware(2015, 1, 1, 9, 0), paragraphs=["-2+3 أسعار اليوم"])
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    text = body(client.get("/search/export.csv", {"q": "الأسعار"}))
    _header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row[3] == "'=1+1 جدول الأسعار"
    assert row[9] == "'-2+3 أسعار اليوم"
    # JSONL is data, not a spreadsheet: the title as it is.
    assert jsonl(client.get("/search/export.jsonl", {"q": "الأسعار"}))[0]["title"] == "=1+1 جدول الأسعار"


def test_export_is_bounded_and_pages_through_the_engine(client, index_dir):
    for n in range(230):
        make_article(title=f"تقرير رقم {n}", published_at=aware(2015, 1 + n % 12, 1 + n % 28, 8, n % 60))
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    full = jsonl(client.get("/search/export.jsonl", {"q": "تقرير", "sort": "oldest", "page": "3"}))
    assert len(full) == 230  # three engine pages of 100, from the first result whatever the page
    assert len({row["id"] for row in full}) == 230
    dates = [row["published_at"] for row in full]
    assert dates == sorted(dates)
    with override_settings(SEARCH_EXPORT_MAX_ROWS=150):
        response = client.get("/search/export.jsonl", {"q": "تقرير", "sort": "oldest"})
        rows = jsonl(response)
    assert len(rows) == 150
    assert rows == full[:150]
    assert (response["X-Result-Count"], response["X-Export-Rows"], response["X-Export-Limit"]) == ("230", "150", "150")
    with override_settings(SEARCH_EXPORT_MAX_ROWS=150):
        lines = body(client.get("/search/export.csv", {"q": "تقرير"})).splitlines()
    assert len(lines) == 151  # header + 150


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "اكتب كلمة أو عبارة للبحث."),
        ({"q": "أسعار", "date_from": "2015-02-30"}, "التاريخ غير صحيح"),
        ({"q": "أسعار", "section": "no-such"}, "القسم المطلوب غير موجود."),
    ],
)
@pytest.mark.parametrize("path", ["/search/export.csv", "/search/export.jsonl"])
def test_bad_parameters_are_a_400_with_the_arabic_message(client, search_archive, path, params, message):
    response = client.get(path, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()
    assert not response.has_header("Content-Disposition")


def test_no_results_is_an_empty_file_with_its_header(client, search_archive):
    response = client.get("/search/export.csv", {"q": "زلزال"})
    assert response.status_code == 200
    assert body(response) == "\ufeff" + ",".join(CSV_HEADER) + "\r\n"
    assert response["X-Result-Count"] == "0"
    assert body(client.get("/search/export.jsonl", {"q": "زلزال"})) == ""


def test_unreadable_index_is_a_503_before_any_byte(client, db, search_index_dir):
    search_index_dir.mkdir(parents=True)
    (search_index_dir / "_MAIN_1.toc").write_bytes(b"not a whoosh index")
    connections.reload("default")
    response = client.get("/search/export.jsonl", {"q": "أسعار"})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "البحث غير متاح الآن" in response.content.decode()
