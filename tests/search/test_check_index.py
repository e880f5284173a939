"""check_index: what each indexed document holds (its content digest) against the database, the
index-task backlog; --repair queues the differences for the writer."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, IndexTask, Paragraph, RelatedLink
from articles.search import indexing
from tests.factories import make_article, make_related

pytestmark = pytest.mark.django_db


def test_reports_missing_stale_extra_and_repair_queues_them(search_index, capsys):
    kept = make_article(title="خبر باق")
    stale = make_article(title="خبر قديم")
    gone = make_article(title="خبر سيحذف")
    call_command("build_index", procs=1, verbosity=0)
    assert indexing.diff_index() == (set(), set(), set())
    assert IndexTask.objects.count() == 0  # the build applied what was queued before it read

    with indexing.suspended():  # changes the queue never hears of: what check_index is for
        missing = make_article(title="خبر جديد")
        Article.objects.filter(pk=stale.pk).update(title="خبر معدل")
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)
    assert indexing.diff_index() == ({missing.pk}, {stale.pk}, {gone.pk})

    with pytest.raises(CommandError, match=r"^The index is out of step with the database; run check_index --repair\.$"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert f"missing: 1 ({missing.pk})" in out
    assert f"stale: 1 ({stale.pk})" in out
    assert f"extra: 1 ({gone.pk})" in out
    assert "index queue: empty; NO WRITER RUNNING (start manage.py run_indexer)" in out

    call_command("check_index", repair=True)
    assert "Repair: 3 articles queued; the index writer (run_indexer) applies them." in capsys.readouterr().out
    assert sorted(IndexTask.objects.values_list("object_id", flat=True)) == sorted([missing.pk, stale.pk, gone.pk])
    assert indexing.diff_index() == ({missing.pk}, {stale.pk}, {gone.pk})  # queued, not applied

    indexing.flush()  # what the writer does
    assert indexing.diff_index() == (set(), set(), set())
    assert IndexTask.objects.count() == 0
    call_command("check_index")
    assert "The index matches the database." in capsys.readouterr().out
    assert kept.pk


def test_inline_edits_that_leave_modified_alone_are_stale_until_the_writer_drains(search_index, capsys, settings):
    """A paragraph edited and a related link deleted (neither touches Article.modified), writer stopped."""
    body = make_article(title="خبر الفقرة", paragraphs=["الفقرة الأولى", "الفقرة الثانية"])
    linked = make_article(title="خبر الروابط")
    link = make_related(linked, "قمة الرياض")
    call_command("build_index", procs=1, verbosity=0)
    call_command("check_index")
    assert "The index matches the database." in capsys.readouterr().out

    settings.NEWSARCHIVE_SEARCH_EAGER = False  # no writer: the tasks stay queued
    modified = {a.pk: Article.objects.get(pk=a.pk).modified for a in (body, linked)}
    paragraph = Paragraph.objects.get(article=body, position=1)
    paragraph.text = "فقرة معدلة عن جدة"
    paragraph.save()
    RelatedLink.objects.get(pk=link.pk).delete()
    assert {a.pk: Article.objects.get(pk=a.pk).modified for a in (body, linked)} == modified

    assert indexing.diff_index() == (set(), {body.pk, linked.pk}, set())
    with pytest.raises(CommandError):
        call_command("check_index")
    out = capsys.readouterr().out
    assert f"stale: 2 ({min(body.pk, linked.pk)} {max(body.pk, linked.pk)})" in out
    assert "index queue: 2 tasks, oldest " in out

    indexing.flush()
    assert indexing.diff_index() == (set(), set(), set())
    call_command("check_index")
    out = capsys.readouterr().out
    assert "stale: 0" in out and "index queue: empty" in out
    assert "The index matches the database." in out


def test_renamed_section_is_stale_until_its_rename_task_is_applied(search_index, capsys, settings):
    article = make_article(title="خبر القسم")
    call_command("build_index", procs=1, verbosity=0)
    settings.NEWSARCHIVE_SEARCH_EAGER = False
    section = article.section
    section.name = "قسم جديد"
    section.save()
    assert list(IndexTask.objects.values_list("kind", "object_id")) == [("section", section.pk)]
    assert indexing.diff_index() == (set(), {article.pk}, set())
    indexing.flush()
    assert indexing.diff_index() == (set(), set(), set())
    assert IndexTask.objects.count() == 0


def test_failed_tasks_are_reported_with_their_error_and_fail_the_check(search_index, capsys, monkeypatch, settings):
    good = make_article(title="خبر سليم")
    bad = make_article(title="خبر معطوب")
    call_command("build_index", procs=1, verbosity=0)
    settings.NEWSARCHIVE_SEARCH_EAGER = False
    good.save()
    bad.save()
    real = indexing.sync_articles

    def failing(pks):  # a fault in one article's document, as a bad record would give
        if bad.pk in set(pks):
            raise ValueError(f"cannot index article {bad.pk}")
        return real(pks)

    monkeypatch.setattr(indexing, "sync_articles", failing)
    indexing.flush()
    task = IndexTask.objects.get()  # the good one was applied on its own, the bad one kept
    assert (task.object_id, task.attempts, task.last_error) == (bad.pk, 1, f"ValueError: cannot index article {bad.pk}")
    assert task.not_before is not None

    with pytest.raises(CommandError, match=r"1 index task\(s\) failed; see their errors above\."):
        call_command("check_index")
    out = capsys.readouterr().out
    assert f"  failed: article {bad.pk}, 1 attempt(s), last error: ValueError: cannot index article {bad.pk}" in out


def test_no_index_is_a_precise_error_not_a_traceback(search_index):
    assert not search_index.exists()
    with pytest.raises(CommandError, match=r"No readable search index: .*Run manage.py build_index\."):
        call_command("check_index")
