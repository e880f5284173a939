"""Export -> import into an empty database -> export again gives the same bytes."""

from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, Section
from tests.importers.test_saudinewsnet import RECORDS, write


def _wipe():
    RelatedLink.objects.all().delete()
    Paragraph.objects.all().delete()
    Article.objects.all().delete()
    Brief.objects.all().delete()
    Section.objects.all().delete()
    Publication.objects.all().delete()


def export_import_export(tmp_path) -> Path:
    """Export, import the export into an emptied database, export again; both files must be equal."""
    first = tmp_path / "first.jsonl"
    call_command("export_articles", str(first), verbosity=0)
    _wipe()
    call_command("import_articles", str(first), verbosity=0)
    second = tmp_path / "second.jsonl"
    call_command("export_articles", str(second), verbosity=0)
    assert first.read_bytes() == second.read_bytes()
    return first


@pytest.mark.django_db
def test_roundtrip_byte_identical(tmp_path, seed_main, seed_body_only):
    call_command("import_articles", str(write(tmp_path, RECORDS)), str(seed_main), str(seed_body_only), verbosity=0)
    # A related link with a target, to check targets survive without primary keys.
    target = Article.objects.get(source_url=RECORDS[0]["url"])
    RelatedLink.objects.filter(position=0).update(target=target)
    first = export_import_export(tmp_path)
    lines = first.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 7 + 5  # articles, then briefs
    assert RelatedLink.objects.get(position=0).target.source_url == RECORDS[0]["url"]


@pytest.mark.django_db
def test_export_to_stdout(capsys, seed_main):
    call_command("import_articles", str(seed_main), verbosity=0)
    call_command("export_articles", "-")
    out = capsys.readouterr().out
    # Articles by date, the undated seed article (published_at null) first, then the briefs.
    assert out.count("\n") == 2 + 5 and out.startswith('{"byline":"علي حسن"')


@pytest.mark.corpus
@pytest.mark.django_db
def test_roundtrip_corpus_sample(tmp_path, corpus_dir):
    call_command("import_articles", str(corpus_dir), sample=60, verbosity=0)
    first = export_import_export(tmp_path)
    assert len(first.read_bytes().splitlines()) == 60
