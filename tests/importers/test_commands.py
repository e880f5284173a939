"""The import command's output: warnings, the summary line, dry run."""

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.importers.test_saudinewsnet import RECORDS, write

pytestmark = pytest.mark.django_db


def test_summary_and_warnings(tmp_path, capsys, seed_main):
    call_command("import_articles", str(write(tmp_path, RECORDS)), str(seed_main))
    out = capsys.readouterr().out
    assert "6 created / 0 updated / 0 unchanged / 0 skipped / 0 errors (2 files)" in out
    assert "warning: " in out and "empty title, derived from the body" in out


def test_dry_run_saves_nothing(tmp_path, capsys):
    call_command("import_articles", str(write(tmp_path, RECORDS)), dry_run=True)
    assert "dry run, nothing saved: 4 created" in capsys.readouterr().out
    assert Article.objects.count() == 0


def test_quiet(tmp_path, capsys):
    call_command("import_articles", str(write(tmp_path, RECORDS)), verbosity=0)
    assert capsys.readouterr().out == ""
    assert Article.objects.count() == 4


def test_format_override(tmp_path, capsys):
    path = tmp_path / "data.txt"
    path.write_text("[]", encoding="utf-8")
    call_command("import_articles", str(path), format="saudinewsnet")
    assert "0 created" in capsys.readouterr().out
