"""The exact text of every importer error an operator can meet, with the file and record it names."""

import json
import zipfile
from datetime import date

import pytest
from django.db import connection

from articles.importers import run_import
from articles.models import Article
from tests.importers.test_hostile_files import article, dumps, errors, jsonl
from tests.importers.test_saudinewsnet import RECORDS

pytestmark = pytest.mark.django_db

NEXT_YEAR = date.today().year + 1


def one_error(report) -> tuple[int | None, str]:
    assert len(report.errors) == 1, report.errors
    return report.errors[0].record_no, report.errors[0].message


# --- Seed pages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\n  \n\n", "empty page"),
        ("سياسة\nعنوان\nدمشق - علي\n", "a page needs a section, a title, a 'city - author' line and a body"),
        ("سياسة\nعنوان\nدمشق - علي\nمقالات مرتبطة\nعنوان آخر\n", "the page has no body text"),
    ],
    ids=["empty", "too-short", "no-body"],
)
def test_invalid_seed_pages(tmp_path, text, message):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    report = run_import([path])
    assert errors(report) == [(str(path), 1, message)]
    assert str(report.errors[0]) == f"{path}, record 1: {message}"
    assert report.skipped == 1 and not Article.objects.exists()


def test_undecodable_seed_page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes("سياسة\nعنوان".encode() + b"\xff\n")
    report = run_import([path])
    assert errors(report) == [(str(path), None, "cannot read file: not valid UTF-8: byte 0xff at byte 22 of the file")]
    assert str(report.errors[0]) == f"{path}: cannot read file: not valid UTF-8: byte 0xff at byte 22 of the file"


# --- JSONL -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"published_at": "yesterday"}, "invalid published_at 'yesterday'"),
        ({"published_at": 20150721}, "invalid published_at 20150721"),
        ({"published_at": "2015-07-21T10:00:00"}, "published_at '2015-07-21T10:00:00' has no time zone"),
        ({"updated_at": "2015-07-21"}, "updated_at '2015-07-21' has no time zone"),
        (
            {"published_at": "1799-12-31T23:59:59+00:00"},
            f"published_at '1799-12-31T23:59:59+00:00' is outside the years 1800 to {NEXT_YEAR}",
        ),
        ({"title": 123}, "field 'title' must be a string, got int"),
        ({"title": None}, "missing field 'title'"),
        ({"byline": ["علي"]}, "field 'byline' must be a string, got list"),
        ({"source_url": {"href": "x"}}, "field 'source_url' must be a string, got dict"),
        ({"section": "سياسة"}, "field 'section' must be an object, got str"),
        ({"section": {"slug": "x"}}, "missing field 'section.name'"),
        ({"section": {"name": 5}}, "field 'section.name' must be a string, got int"),
        (
            {"section": {"name": "س", "position": -1}},
            "field 'section.position' must be a whole number from 0 to 32767, got -1",
        ),
        ({"publication": {"name": "و", "website": 7}}, "field 'publication.website' must be a string, got int"),
        ({"paragraphs": "نص"}, "field 'paragraphs' must be a list, got str"),
        ({"paragraphs": ["نص"]}, "field 'paragraphs[0]' must be an object, got str"),
        ({"paragraphs": [{"kind": "p", "text": ["x"]}]}, "field 'paragraphs[0].text' must be a string, got list"),
        ({"paragraphs": [{"kind": "q", "text": "x"}]}, "field 'paragraphs[0].kind' must be 'p' or 'h', got 'q'"),
        ({"related": [{"title": "x", "target": "y"}]}, "field 'related[0].target' must be an object, got str"),
        ({"status": "live"}, "unknown status 'live' (expected 'draft' or 'published')"),
        ({"title": "\ud800"}, "field 'title' holds an unpaired surrogate, which cannot be stored"),
        ({"type": "video"}, "unknown type 'video'"),
    ],
)
def test_invalid_jsonl_records(tmp_path, fields, message):
    path = jsonl(tmp_path, [dumps(article(1)), json.dumps(article(2, **fields))])
    report = run_import([path])
    assert errors(report) == [(path, 2, message)]
    assert str(report.errors[0]) == f"{path}, line 2: {message}"
    assert list(Article.objects.values_list("source_url", flat=True)) == ["https://example.org/1"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "line is not a JSON object but list"),
        ('"خبر"', "line is not a JSON object but str"),
        ("42", "line is not a JSON object but int"),
        ("null", "line is not a JSON object but NoneType"),
        ("{oops", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"type": "article"', "not JSON: Expecting ',' delimiter: line 1 column 19 (char 18)"),
        ('{"type": "brief"}', "missing field 'text'"),
        ('{"type": "brief", "text": "خبر", "published_at": "غدا"}', "invalid published_at 'غدا'"),
    ],
)
def test_lines_that_are_not_records(tmp_path, line, message):
    path = jsonl(tmp_path, ["", line, dumps(article(3))])
    report = run_import([path])
    assert errors(report) == [(path, 2, message)]
    assert report.created == 1


def test_undecodable_jsonl_lines(tmp_path):
    path = jsonl(tmp_path, [b'{"type": "brief", "text": "\xd8"}', b"\xef\xbb\xbf" + dumps(article(1)).encode()])
    # A byte order mark is only skipped at the start of the file: on line 2 it is a bad start.
    report = run_import([path])
    assert errors(report) == [
        (path, 1, "not valid UTF-8: byte 0xd8 at byte 28 of the line"),
        (path, 2, "not JSON: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
    ]


def test_a_record_that_fails_at_save_time(tmp_path):
    # Two sections with different names and one slug: only the database's unique constraint catches it.
    path = jsonl(
        tmp_path,
        [
            dumps(article(1, section={"name": "رياضة", "slug": "sport"})),
            dumps(article(2, section={"name": "الرياضة", "slug": "sport"})),
            dumps(article(3, section={"name": "رياضة", "slug": "sport"})),
        ],
    )
    report = run_import([path])
    record_no, message = one_error(report)
    if connection.vendor == "sqlite":
        assert message == "IntegrityError: UNIQUE constraint failed: articles_section.slug"
    else:
        assert message.startswith(
            'IntegrityError: duplicate key value violates unique constraint "articles_section_slug'
        )
    assert record_no == 2 and report.skipped == 1
    assert sorted(Article.objects.values_list("source_url", flat=True)) == [
        "https://example.org/1",
        "https://example.org/3",
    ]


# --- SaudiNewsNet ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"content": 5}, "field 'content' must be a string, got int"),
        ({"title": ["x"]}, "field 'title' must be a string, got list"),
        ({"url": " "}, "empty 'url'"),
        ({"url": "javascript:alert(1)"}, "url 'javascript:alert(1)' is not an http(s) URL"),
        ({"date_extracted": "21/07/2015"}, "invalid date_extracted '21/07/2015' (expected YYYY-MM-DD hh:mm:ss)"),
        (
            {"date_extracted": "9999-01-01 00:00:00"},
            f"date_extracted '9999-01-01 00:00:00' is outside the years 1800 to {NEXT_YEAR}",
        ),
        ({"title": "\udcff"}, "field 'title' is not valid UTF-8 (byte 0xff)"),
    ],
)
def test_invalid_corpus_records(tmp_path, fields, message):
    path = tmp_path / "2015-07-21.json"
    path.write_text(json.dumps([RECORDS[0], dict(RECORDS[1], **fields)]), encoding="ascii")  # escapes "\udcff"
    report = run_import([path])
    assert errors(report) == [(str(path), 2, message)]
    assert str(report.errors[0]) == f"{path}, record 2: {message}"
    assert report.created == 1


def test_a_zip_member_that_is_not_an_array(tmp_path):
    path = tmp_path / "2015-07-21.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.json", json.dumps({"url": "x"}))
        archive.writestr("b.json", "[{oops")
        archive.writestr("c.json", json.dumps(RECORDS[:1]))
    report = run_import([path])
    assert errors(report) == [
        (
            str(path),
            None,
            "member 'a.json': cannot read: RecordInvalid: a.json: expected a JSON array of articles, got dict",
        ),
        (
            str(path),
            None,
            "member 'b.json': cannot read: JSONDecodeError: Expecting property name enclosed in double quotes:"
            " line 1 column 3 (char 2)",
        ),
    ]
    assert str(report.errors[0]).startswith(f"{path}: member 'a.json': ")
    assert report.created == 1 and report.skipped == 0


def test_not_a_zip(tmp_path):
    path = tmp_path / "2015-07-21.zip"
    path.write_bytes(b"PK not really")
    assert errors(run_import([path])) == [(str(path), None, "cannot read file: BadZipFile: File is not a zip file")]
