"""The index queue in one process: tasks are written in the change's transaction, applied by the
writer's passes (queue.drain_once), newest version wins, nothing is deleted before the index commit.

Eager mode is off here (``no_writer``): as on the site, a save only queues; the test plays the writer.
"""

import logging
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from articles.models import Article, IndexTask, Paragraph, RelatedLink, Section
from articles.search import indexing, queue
from articles.search.backend import arabic_whoosh_backend
from articles.search.query import SearchParams, run_search
from tests.factories import make_article, make_publication, make_section
from tests.searchutil import index_lock_held_elsewhere, lock_is_held


def found(q: str, **params) -> list[int]:
    return sorted(int(h.pk) for h in run_search(SearchParams(q=q, page_size=100, **params)).hits)


def count(q: str, **params) -> int:
    return run_search(SearchParams(q=q, **params)).count


def queued() -> list[tuple[str, int]]:
    return list(IndexTask.objects.order_by("pk").values_list("kind", "object_id"))


@pytest.fixture
def no_writer(settings):
    settings.NEWSARCHIVE_SEARCH_EAGER = False


@pytest.fixture
def built(search_index, no_writer):
    """An index built from one article; the queue empty."""
    article = make_article(title="خبر أول عن الرياض", paragraphs=["نص الخبر الأول"])
    call_command("build_index", procs=1, verbosity=0)
    assert queued() == []
    return article


@pytest.mark.django_db(transaction=True)
def test_a_save_queues_in_its_transaction_and_reaches_the_index_only_through_the_writer(built):
    with transaction.atomic():
        article = Article.objects.get(pk=built.pk)
        article.title = "خبر معدل عن جدة"
        article.save()
        Paragraph.objects.create(article=article, position=1, text="فقرة عن أستانة")
        assert queued() == [("article", built.pk), ("article", built.pk)]  # inside the transaction
    assert found("جدة") == []  # committed, not yet applied
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(title="خبر ملغى")
        raise RuntimeError
    assert queued() == [("article", built.pk), ("article", built.pk)]  # the rollback took its task along

    report = queue.drain_once()
    assert (report.written, report.failed) == (2, 0)
    assert found("جدة") == found("أستانة") == [built.pk]
    assert found("الرياض") == []
    assert queued() == []


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_change_queues_its_article(built):
    other = make_article(title="خبر ثان", paragraphs=["نص"])
    other_pk = other.pk
    IndexTask.objects.all().delete()
    paragraph = Paragraph.objects.filter(article=built).get()
    paragraph.text = "نص جديد"
    paragraph.save()  # an inline edit
    link = RelatedLink.objects.create(source=built, position=0, title="قمة", target=other)
    Paragraph.objects.filter(article=other).update(text="نص آخر")  # QuerySet.update: no post_save
    Paragraph.objects.bulk_create([Paragraph(article=other, position=3, text="فقرة مضافة")])
    Article.objects.filter(pk=other.pk).update(status=Article.Status.DRAFT)
    other.delete()  # its related link from ``built`` loses its target
    assert queued() == [("article", pk) for pk in (built.pk, built.pk, other_pk, other_pk, other_pk)] + [
        ("article", built.pk),  # the link's source, before the delete cleared the target
        ("article", other_pk),  # its paragraphs' delete (cascade)
        ("article", other_pk),
        ("article", other_pk),  # the article's own delete
    ]
    link.refresh_from_db()
    assert link.target is None


@pytest.mark.django_db(transaction=True)
def test_only_a_changed_name_or_slug_queues_a_rename(built):
    section = built.section
    section.position = 7
    section.save()
    assert queued() == []  # the documents do not hold the position
    section.name = "قسم معاد تسميته"
    section.save()
    publication = built.publication
    publication.slug = "new-slug"
    publication.save()
    assert queued() == [("section", section.pk), ("publication", publication.pk)]


@pytest.mark.django_db(transaction=True)
def test_realtime_off_queues_nothing(built, settings):
    settings.NEWSARCHIVE_SEARCH_REALTIME = False
    make_article(title="خبر مستورد")
    built.save()
    assert queued() == []
    with indexing.suspended():
        settings.NEWSARCHIVE_SEARCH_REALTIME = True
        built.save()
    assert queued() == []


@pytest.mark.django_db(transaction=True)
def test_a_rename_is_one_task_applied_a_chunk_at_a_time(search_index, no_writer):
    section = make_section(name="محليات", slug="local")
    publication = make_publication()
    articles = [
        make_article(title=f"خبر محلي {i}", paragraphs=[f"نص {i}"], section=section, publication=publication)
        for i in range(250)
    ]
    call_command("build_index", procs=1, verbosity=0)
    section.name, section.slug = "أخبار المدن", "cities"
    section.save()
    assert queued() == [("section", section.pk)]

    pks = sorted(a.pk for a in articles)
    first = queue.drain_once(rename_chunk=100)
    assert first.renamed_articles == 100
    assert IndexTask.objects.get().cursor == pks[99]  # progress kept: a killed writer resumes here
    assert count("محلي", section="cities") == 100
    assert found("محلي", section="cities") == pks[:100]
    queue.drain()
    assert queued() == []
    assert count("محلي", section="cities") == 250
    assert count("محلي", section="local") == 0
    outcome = run_search(SearchParams(q="محلي"))
    assert outcome.hits[0].section_name == "أخبار المدن"


@pytest.mark.django_db(transaction=True)
def test_the_older_of_two_racing_saves_never_overwrites_the_newer(built, caplog):
    """Two saves of one article, the writer's pass for the first waiting for the index lock while
    the second commits: the pass reads the article under the lock, so the index gets the newest."""
    backend = arabic_whoosh_backend()
    article = Article.objects.get(pk=built.pk)
    article.title = "الحفظ الأول عن مكة"
    article.save()
    first_task = IndexTask.objects.get()
    waiting = threading.Event()

    class Waiting(logging.Handler):
        def emit(self, record):
            if record.getMessage().startswith("waiting for the index write lock"):
                waiting.set()

    handler = Waiting()
    logging.getLogger("articles").addHandler(handler)
    reports = []

    def writer():
        try:
            reports.append(queue.drain_once())
        finally:
            connection.close()

    try:
        with index_lock_held_elsewhere(backend.lock_path):
            thread = threading.Thread(target=writer)
            thread.start()
            assert waiting.wait(60)  # the pass has taken save 1's task and waits for the lock
            article.title = "الحفظ الثاني عن المدينة"
            article.save()
        thread.join(60)
    finally:
        logging.getLogger("articles").removeHandler(handler)
    assert not thread.is_alive()
    assert reports[0].written == 1
    assert found("المدينة") == [built.pk]
    assert found("مكة") == []
    # The pass deleted only the task it read; the second save's task is still there, and harmless.
    assert list(IndexTask.objects.values_list("pk", flat=True)) != [first_task.pk]
    assert queued() == [("article", built.pk)]
    queue.drain()
    assert found("المدينة") == [built.pk] and queued() == []


@pytest.mark.django_db(transaction=True)
def test_tasks_survive_a_pass_that_fails_and_are_applied_by_the_next(built, monkeypatch):
    built.title = "خبر بعد العطل عن تبوك"
    built.save()

    def broken(pks):
        raise OSError("disk full")

    monkeypatch.setattr(indexing, "sync_articles", broken)
    report = queue.drain_once()
    assert (report.written, report.failed) == (0, 1)
    task = IndexTask.objects.get()
    assert (task.attempts, task.last_error) == (1, "OSError: disk full")
    assert queue.drain_once().busy is False  # it waits for its retry time
    monkeypatch.undo()
    IndexTask.objects.update(not_before=None)  # its retry time has come
    assert queue.drain_once().written == 1
    assert found("تبوك") == [built.pk]


@pytest.mark.django_db(transaction=True)
def test_the_writer_lease_admits_one_writer(search_index):
    with queue.writer_lease() as held:
        assert held
        assert queue.writer_pid() is not None
        assert lock_is_held(queue.lease_path())
        with queue.writer_lease(wait=False) as second:
            assert second is False
    assert queue.writer_pid() is None


@pytest.mark.django_db(transaction=True)
def test_run_indexer_drain_applies_the_queue(built, capsys):
    built.title = "خبر عن الدمام"
    built.save()
    Section.objects.filter(pk=built.section_id).update(name="غيره")  # no signal: not queued
    call_command("run_indexer", drain=True)
    assert capsys.readouterr().out.strip() == "Applied 1 index tasks; 0 left queued."
    assert found("الدمام") == [built.pk]
