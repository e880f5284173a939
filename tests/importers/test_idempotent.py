"""Importing twice creates nothing new; a changed record updates in place."""

import json

import pytest

from articles.importers import run_import
from articles.models import Article, Paragraph
from tests.importers.test_saudinewsnet import RECORDS, write

pytestmark = pytest.mark.django_db


def test_import_twice_no_duplicates(tmp_path, seed_main, seed_body_only):
    path = write(tmp_path, RECORDS)
    first = run_import([path, seed_main, seed_body_only])
    assert (first.created, first.updated, first.unchanged) == (7, 0, 0)
    paragraphs = Paragraph.objects.count()
    second = run_import([path, seed_main, seed_body_only])
    assert (second.created, second.updated, second.unchanged, second.skipped) == (0, 0, 7, 0)
    assert Article.objects.count() == 7 and Paragraph.objects.count() == paragraphs


def test_changed_record_updates(tmp_path):
    path = write(tmp_path, RECORDS)
    run_import([path])
    sabq = Article.objects.get(source_url="http://sabq.org/SiDgde")
    first_paragraph = sabq.paragraphs.first().pk
    changed = [dict(RECORDS[0], title="عنوان مصحح", content=RECORDS[0]["content"] + "\nفقرة جديدة."), *RECORDS[1:]]
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    report = run_import([path])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    sabq.refresh_from_db()
    assert sabq.title == "عنوان مصحح"
    assert [p.text for p in sabq.paragraphs.all()][-1] == "فقرة جديدة."
    # One paragraph per non-empty line of the changed record, rewritten (new rows).
    lines = [line for line in changed[0]["content"].split("\n") if line.strip()]
    assert sabq.paragraphs.count() == len(lines) and sabq.paragraphs.first().pk != first_paragraph


def test_unchanged_body_keeps_paragraph_rows(tmp_path):
    path = write(tmp_path, RECORDS)
    run_import([path])
    ids = list(Paragraph.objects.values_list("pk", flat=True))
    changed = [dict(RECORDS[0], title="عنوان آخر"), *RECORDS[1:]]
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert run_import([path]).updated == 1
    assert list(Paragraph.objects.values_list("pk", flat=True)) == ids


def test_same_record_twice_in_one_file(tmp_path):
    report = run_import([write(tmp_path, [RECORDS[0], RECORDS[0]])])
    assert (report.created, report.unchanged) == (1, 1)
