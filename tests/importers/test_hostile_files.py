"""Hostile import files: every line separator, far dates, bad slugs, script URLs, bombs, deep nesting, bad bytes.

Whatever a file holds, the good records are imported, each bad one is reported with its file and line (or zip
member), the files after it are imported too, and every page of the site still renders.
"""

import json
import zipfile
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from articles.importers import run_import
from articles.models import Article, Brief, Publication, Section
from articles.textrules import year_in_range
from tests.factories import make_article, make_publication, make_section
from tests.importers.test_jsonl_roundtrip import export_import_export
from tests.importers.test_saudinewsnet import RECORDS

pytestmark = pytest.mark.django_db

# Every character str.splitlines() splits on, besides \n and \r.
SEPARATORS = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
NEXT_YEAR = date.today().year + 1


def article(n: int, **fields) -> dict:
    data = {
        "type": "article",
        "title": f"خبر رقم {n}",
        "source_url": f"https://example.org/{n}",
        "published_at": "2015-07-21T10:00:00+00:00",
        "status": "published",
        "section": {"name": "سياسة", "slug": "سياسة"},
        "publication": {"name": "واس", "slug": "was", "website": "https://www.spa.gov.sa"},
        "paragraphs": [{"kind": "p", "text": f"نص الخبر رقم {n}."}],
    }
    data.update(fields)
    return data


def jsonl(tmp_path, lines, name="x.jsonl") -> str:
    path = tmp_path / name
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return str(path)


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def errors(report) -> list[tuple[str, int | None, str]]:
    return [(e.file, e.record_no, e.message) for e in report.errors]


def assert_site_renders(client) -> None:
    """Home, section and publication pages, the sitemaps, feeds, every article page and the admin list."""
    urls = [reverse("articles:home"), "/sitemap.xml", reverse("articles:feed_rss"), reverse("articles:feed_atom")]
    urls += [section.get_absolute_url() for section in Section.objects.all()]
    urls += [publication.get_absolute_url() for publication in Publication.objects.all()]
    urls += [reverse("articles:sitemap", kwargs={"section": name}) for name in ("articles", "sections")]
    for item in Article.objects.published():
        urls += [item.get_absolute_url(), reverse("articles:article_short", kwargs={"pk": item.pk})]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
    admin = User.objects.create_superuser("hostile-check", "h@example.org", "x")
    client.force_login(admin)
    for url in [reverse("admin:articles_article_changelist"), reverse("admin:articles_section_changelist")]:
        assert client.get(url).status_code == 200, url
    for item in Article.objects.all():
        assert client.get(reverse("admin:articles_article_change", args=[item.pk])).status_code == 200
    client.logout()
    admin.delete()


# --- 6. Line separators survive export and import ---------------------------------------------------------------


def test_export_import_export_keeps_every_line_separator(tmp_path, client):
    for i, sep in enumerate(SEPARATORS):
        make_article(
            title=f"عنوان{sep}رقم {i}",
            byline=f"كاتب{sep}",
            lead=f"ملخص{sep}سطر",
            source_url=f"https://example.org/sep/{i}",
            paragraphs=[f"فقرة{sep}أولى", "ثانية"],
        )
    before = sorted(Article.objects.values_list("title", "byline", "lead"))
    first = export_import_export(tmp_path)  # raises if the import reports any error; asserts identical bytes
    assert sorted(Article.objects.values_list("title", "byline", "lead")) == before
    assert Article.objects.count() == len(SEPARATORS)
    # The export escapes them, so tools that split lines on them (str.splitlines, editors) see one record a line.
    text = first.read_text(encoding="utf-8")
    assert len(text.splitlines()) == len(SEPARATORS) and not any(sep in text for sep in SEPARATORS[:3])
    assert_site_renders(client)


def test_an_export_with_raw_line_separators_imports(tmp_path):
    # Exports written before they were escaped hold U+2028, U+2029 and U+0085 raw inside JSON strings.
    lines = [dumps(article(i, title=f"عنوان{sep}رقم {i}")) for i, sep in enumerate(SEPARATORS[:3])]
    report = run_import([jsonl(tmp_path, lines)])
    assert (report.created, errors(report)) == (3, [])
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(
        f"عنوان{sep}رقم {i}" for i, sep in enumerate(SEPARATORS[:3])
    )


# --- 7. Bad slugs and dates --------------------------------------------------------------------------------------


def test_bad_slugs_and_far_dates_are_reported_and_the_site_renders(tmp_path, client):
    path = jsonl(
        tmp_path,
        [
            dumps(article(1)),
            dumps(article(2, section={"name": "كرة القدم", "slug": "كرة القدم/المحلية"})),
            dumps(article(3, publication={"name": "صحيفة", "slug": "sa hifa/1"})),
            dumps(article(4, published_at="9999-12-31T23:00:00+00:00")),
            dumps(article(5, updated_at="0001-01-01T00:00:00+00:00")),
            dumps({"type": "brief", "text": "خبر عاجل", "published_at": "9999-01-01T00:00:00+00:00"}),
            dumps(article(7, section={"name": "؟؟", "slug": "!!"})),
            dumps(article(8, published_at=f"{NEXT_YEAR}-06-01T00:00:00+00:00", status="draft")),
        ],
    )
    report = run_import([path])
    assert errors(report) == [
        (path, 4, "published_at '9999-12-31T23:00:00+00:00' is outside the years 1800 to " + str(NEXT_YEAR)),
        (path, 5, "updated_at '0001-01-01T00:00:00+00:00' is outside the years 1800 to " + str(NEXT_YEAR)),
        (path, 6, "published_at '9999-01-01T00:00:00+00:00' is outside the years 1800 to " + str(NEXT_YEAR)),
        (path, 7, "section slug '!!' is not a valid slug, and neither the slug nor the name '؟؟' give one"),
    ]
    assert [(w.record_no, w.message) for w in report.warnings] == [
        (2, "section slug 'كرة القدم/المحلية' is not a valid slug: using 'كرة-القدمالمحلية'"),
        (3, "publication slug 'sa hifa/1' is not a valid slug: using 'sa-hifa1'"),
    ]
    assert str(report.errors[0]) == (
        f"{path}, line 4: published_at '9999-12-31T23:00:00+00:00' is outside the years 1800 to {NEXT_YEAR}"
    )
    assert sorted(Article.objects.values_list("source_url", flat=True)) == [
        f"https://example.org/{n}" for n in (1, 2, 3, 8)
    ]
    assert Section.objects.get(name="كرة القدم").slug == "كرة-القدمالمحلية"
    assert not Brief.objects.exists()
    assert_site_renders(client)


def test_models_never_store_a_slug_that_cannot_be_linked(client):
    section = make_section(name="رياضة", slug="رياضة/محلية")
    publication = make_publication(name="صحيفة الوطن", slug="al watan")
    untitled = make_section(name="؟!")
    assert (section.slug, publication.slug) == ("رياضةمحلية", "al-watan")
    assert untitled.slug == f"section-{untitled.pk}"
    make_article(section=section, publication=publication)
    make_article(section=untitled)
    assert_site_renders(client)


# --- 8. http(s) URLs only ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "ftp://x.org/"]
)
def test_script_urls_are_rejected_and_never_linked(tmp_path, client, url):
    path = jsonl(
        tmp_path,
        [
            dumps(article(1, source_url=url)),
            dumps(article(2, publication={"name": "صحيفة", "slug": "sahifa", "website": url})),
        ],
    )
    report = run_import([path])
    assert errors(report) == [(path, 1, f"source_url {url!r} is not an http(s) URL")]
    assert [(w.record_no, w.message) for w in report.warnings] == [
        (2, f"publication website {url!r} is not an http(s) URL: left empty")
    ]
    publication = Publication.objects.get(name="صحيفة")
    assert publication.website == ""
    pages = [client.get(publication.get_absolute_url()), client.get(Article.objects.get().get_absolute_url())]
    for page in pages:
        assert page.status_code == 200
        assert f'href="{url.strip()[:6].lower()}' not in page.content.decode().lower()
    record = dict(RECORDS[0], url=url)
    corpus = tmp_path / "2015-07-21.json"
    corpus.write_text(json.dumps([record]), encoding="utf-8")
    assert errors(run_import([corpus])) == [(str(corpus), 1, f"url {url.strip()!r} is not an http(s) URL")]


def test_models_refuse_script_urls():
    from django.core.exceptions import ValidationError

    for bad in ["javascript:alert(1)", "data:text/html,x"]:
        with pytest.raises(ValidationError) as caught:
            Article(title="عنوان", source_url=bad).full_clean(exclude=["section", "publication"])
        assert caught.value.message_dict["source_url"] == ["أدخل رابطًا صحيحًا يبدأ بـ http:// أو https://."]
        with pytest.raises(ValidationError) as caught:
            Publication(name="صحيفة", slug="s", website=bad).full_clean()
        assert caught.value.message_dict["website"] == ["أدخل رابطًا صحيحًا يبدأ بـ http:// أو https://."]


# --- 9. Bombs, nesting, bad bytes ----------------------------------------------------------------------------------


def zip_with(path, members: dict[str, bytes | int]) -> None:
    """A zip; a member given as an int is that many zero bytes, written in chunks (a 200 MB member is 200 kB)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as out:
                chunk = b"\0" * (1 << 20)
                for _ in range(content // len(chunk)):
                    out.write(chunk)


@override_settings(IMPORT_MAX_FILE_BYTES=1_000_000)
def test_a_zip_bomb_member_is_refused_and_the_rest_imports(tmp_path, client):
    bomb = tmp_path / "2015-07-21.zip"
    zip_with(
        bomb,
        {
            "a.json": json.dumps(RECORDS[:2]).encode(),
            "bomb.json": 200 * (1 << 20),
            "c.json": json.dumps(RECORDS[2:3]).encode(),
        },
    )
    assert bomb.stat().st_size < 2_000_000
    after = tmp_path / "2015-07-22.json"
    after.write_text(json.dumps(RECORDS[3:]), encoding="utf-8")
    report = run_import([bomb, after])
    assert errors(report) == [
        (
            str(bomb),
            None,
            "member 'bomb.json' is 209,715,200 bytes uncompressed, more than the limit of 1,000,000 bytes"
            " (NEWSARCHIVE_IMPORT_MAX_FILE_BYTES)",
        )
    ]
    assert sorted(Article.objects.values_list("source_url", flat=True)) == sorted(r["url"] for r in RECORDS)
    # Record numbers run on across members, so c.json's record is record 3 of the zip.
    assert report.created == 4
    assert_site_renders(client)


@override_settings(IMPORT_MAX_FILE_BYTES=1_000)
def test_a_plain_json_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "2015-07-21.json"
    big.write_text(json.dumps(RECORDS), encoding="utf-8")
    size = big.stat().st_size
    assert errors(run_import([big])) == [
        (
            str(big),
            None,
            f"cannot read file: {size:,} bytes, more than the limit of 1,000 bytes (NEWSARCHIVE_IMPORT_MAX_FILE_BYTES)",
        )
    ]


def test_a_zip_member_that_lies_about_its_size_is_reported(tmp_path):
    path = tmp_path / "2015-07-21.zip"
    payload = json.dumps(RECORDS[1:2]).encode()
    zip_with(path, {"a.json": json.dumps(RECORDS[:1]).encode(), "b.json": payload})
    # Shrink b.json's declared size in both headers: zipfile then stops early and the CRC check fails.
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo("b.json").header_offset
    central = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 4)  # the second entry is b.json's
    for at in (local + 22, central + 24):  # "uncompressed size" in the local and the central header
        assert raw[at : at + 4] == len(payload).to_bytes(4, "little")
        raw[at : at + 4] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    report = run_import([path])
    assert errors(report) == [
        (str(path), None, "member 'b.json': cannot read: BadZipFile: Bad CRC-32 for file 'b.json'")
    ]
    assert list(Article.objects.values_list("source_url", flat=True)) == [RECORDS[0]["url"]]


def test_a_line_nested_50000_levels_is_reported_and_the_next_files_import(tmp_path, client):
    deep = "[" * 50_000 + "]" * 50_000
    first = jsonl(
        tmp_path, [dumps(article(1)), f'{{"type": "article", "title": {deep}}}', dumps(article(3))], "a.jsonl"
    )
    second = jsonl(tmp_path, [dumps(article(4))], "b.jsonl")
    report = run_import([first, second])
    assert errors(report) == [(first, 2, "JSON nested too deeply to read (RecursionError)")]
    assert sorted(Article.objects.values_list("source_url", flat=True)) == [
        f"https://example.org/{n}" for n in (1, 3, 4)
    ]
    assert_site_renders(client)


@override_settings(IMPORT_MAX_LINE_BYTES=10_000)
def test_an_overlong_line_is_skipped_without_reading_it_whole(tmp_path):
    long_line = dumps(article(2, lead="ا" * 20_000))
    path = jsonl(tmp_path, [dumps(article(1)), long_line, dumps(article(3))])
    report = run_import([path])
    size = len(long_line.encode()) + 1
    assert errors(report) == [
        (
            path,
            2,
            f"line is {size:,} bytes long, more than the limit of 10,000 bytes (NEWSARCHIVE_IMPORT_MAX_LINE_BYTES)",
        )
    ]
    assert report.created == 2


def test_one_bad_byte_rejects_only_its_line(tmp_path, client):
    bad = dumps(article(2)).encode().replace("خبر رقم 2".encode(), b"\xff\xfe")
    path = jsonl(tmp_path, [dumps(article(1)), bad, dumps(article(3))])
    column = bad.index(b"\xff") + 1
    report = run_import([path])
    assert errors(report) == [(path, 2, f"not valid UTF-8: byte 0xff at byte {column} of the line")]
    assert sorted(Article.objects.values_list("source_url", flat=True)) == [f"https://example.org/{n}" for n in (1, 3)]
    assert_site_renders(client)


def test_one_bad_byte_in_a_corpus_file_rejects_only_its_record(tmp_path):
    path = tmp_path / "2015-07-21.json"
    raw = json.dumps(RECORDS, ensure_ascii=False).encode()
    path.write_bytes(raw.replace("الدولار".encode(), b"\xff", 1))
    report = run_import([path])
    assert errors(report) == [(str(path), 3, "field 'title' is not valid UTF-8 (byte 0xff)")]
    assert report.created == 3


def test_the_command_reports_lines_and_keeps_going(tmp_path, capsys):
    first = jsonl(tmp_path, [dumps(article(1)), "[" * 50_000, b"\xff"], "a.jsonl")
    second = jsonl(tmp_path, [dumps(article(4))], "b.jsonl")
    with pytest.raises(Exception, match="2 records skipped, 2 errors"):
        call_command("import_articles", first, second)
    out, err = capsys.readouterr()
    assert f"error: {first}, line 2: JSON nested too deeply to read (RecursionError)" in err
    assert f"error: {first}, line 3: not valid UTF-8: byte 0xff at byte 1 of the line" in err
    assert "2 created / 0 updated / 0 unchanged / 2 skipped / 2 errors (2 files)" in out


# --- Rows stored before the rules ---------------------------------------------------------------------------------


def test_the_migration_repairs_rows_stored_before_the_rules(client):
    import importlib

    from django.apps import apps
    from django.db import connection

    repair = importlib.import_module("articles.migrations.0005_import_hardening").repair
    section = make_section(name="سياسة", slug="siyasa")
    publication = make_publication(name="واس", slug="was")
    far = make_article(title="بعيد", section=section, publication=publication)
    near = make_article(title="قريب", section=section, publication=publication, source_url="https://example.org/n")
    brief = Brief.objects.create(text="خبر")
    # Raw SQL: the model fields would refuse or clean every one of these values.
    with connection.cursor() as cursor:
        for sql, params in [
            (
                "UPDATE articles_article SET title = %s, source_url = %s, published_at = %s WHERE id = %s",
                ["بعيد\x0bجدا", "javascript:alert(1)", "9999-12-31 20:00:00", far.pk],
            ),
            ("UPDATE articles_paragraph SET text = %s WHERE article_id = %s", ["نص\x1f\x01", near.pk]),
            ("UPDATE articles_section SET slug = %s, name = %s WHERE id = %s", ["سي اسة/1", "سياسة\x01", section.pk]),
            (
                "UPDATE articles_publication SET website = %s, slug = %s WHERE id = %s",
                ["data:text/html,x", "", publication.pk],
            ),
            ("UPDATE articles_brief SET published_at = %s WHERE id = %s", ["9999-01-01 00:00:00", brief.pk]),
        ]:
            cursor.execute(sql, params)
    repair(apps, SimpleNamespace(connection=connection))  # all the migration reads of its schema editor
    far.refresh_from_db()
    assert (far.title, far.source_url, far.published_at, far.status, far.needs_review) == (
        "بعيدجدا",
        None,
        None,
        "draft",
        True,
    )
    assert near.paragraphs.get().text == "نص"
    section.refresh_from_db()
    publication.refresh_from_db()
    assert (section.name, section.slug) == ("سياسة", "سي-اسة1")
    assert (publication.website, publication.slug) == ("", "واس")
    brief.refresh_from_db()
    assert not brief.is_active and year_in_range(brief.published_at)
    assert_site_renders(client)
