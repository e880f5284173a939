"""Bad records are reported with file and record number and skipped; the rest of the file imports."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.importers import run_import
from articles.models import Article
from tests.importers.test_saudinewsnet import RECORDS, write

pytestmark = pytest.mark.django_db


def bad_file(tmp_path):
    no_content = {k: v for k, v in RECORDS[1].items() if k != "content"}
    bad_date = dict(RECORDS[2], date_extracted="2015-13-45 99:00:00")
    return write(tmp_path, [RECORDS[0], no_content, "not an object", bad_date, RECORDS[3]])


def test_bad_records_reported_and_skipped(tmp_path):
    path = bad_file(tmp_path)
    report = run_import([path])
    assert (report.created, report.skipped) == (2, 3)
    assert [(e.file, e.record_no, e.message) for e in report.errors] == [
        (str(path), 2, "missing field 'content'"),
        (str(path), 3, "record is not a JSON object but str"),
        (str(path), 4, "invalid date_extracted '2015-13-45 99:00:00' (expected YYYY-MM-DD hh:mm:ss)"),
    ]
    assert str(report.errors[0]) == f"{path}, record 2: missing field 'content'"
    assert set(Article.objects.values_list("source_url", flat=True)) == {RECORDS[0]["url"], RECORDS[3]["url"]}


def test_command_exits_non_zero_on_bad_records(tmp_path, capsys):
    path = bad_file(tmp_path)
    with pytest.raises(CommandError, match="3 records skipped, 3 errors"):
        call_command("import_articles", str(path))
    out, err = capsys.readouterr()
    assert f"error: {path}, record 2: missing field 'content'" in err
    assert "2 created / 0 updated / 0 unchanged / 3 skipped / 3 errors (1 files)" in out
    assert Article.objects.count() == 2


@pytest.mark.corpus
def test_truncated_zip(tmp_path, corpus_dir):
    broken = tmp_path / "2015-07-21.zip"
    broken.write_bytes((corpus_dir / "2015-07-23.zip").read_bytes()[:5000])
    good = write(tmp_path, RECORDS[:1], name="2015-07-22.json")
    report = run_import([tmp_path])
    assert [(e.file, e.record_no) for e in report.errors] == [(str(broken), None)]
    assert report.errors[0].message.startswith("cannot read file: BadZipFile")
    assert report.created == 1 and not report.ok
    assert Article.objects.get().source_url == RECORDS[0]["url"]
    assert good.exists()


def test_truncated_json(tmp_path):
    path = tmp_path / "2015-07-21.json"
    path.write_text(json.dumps(RECORDS, ensure_ascii=False)[:-40], encoding="utf-8")
    report = run_import([path])
    assert report.errors[0].record_no is None and "JSONDecodeError" in report.errors[0].message
    assert Article.objects.count() == 0


def test_json_that_is_not_an_array(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"url": "x"}', encoding="utf-8")
    report = run_import([path])
    assert (
        report.errors[0].message
        == "cannot read file: RecordInvalid: x.json: expected a JSON array of articles, got dict"
    )


def test_missing_path(tmp_path, capsys):
    missing = tmp_path / "nope"
    report = run_import([missing])
    assert [(e.file, e.record_no, e.message) for e in report.errors] == [
        (str(missing), None, "no such file or directory")
    ]
    with pytest.raises(CommandError):
        call_command("import_articles", str(missing))
    assert f"error: {missing}: no such file or directory" in capsys.readouterr().err


def test_bad_jsonl_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"type": "brief", "text": "خبر"}\n{oops\n\n{"type": "video"}\n', encoding="utf-8")
    report = run_import([path])
    assert [(e.record_no, e.message.split(":")[0]) for e in report.errors] == [
        (2, "not JSON"),
        (4, "unknown type 'video'"),
    ]
