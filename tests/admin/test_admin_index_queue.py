"""Admin edits against the real Arabic index, through the queue: the request only queues (never the
index lock), the writer's pass (``indexing.flush``, what ``run_indexer`` runs) makes search right."""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, IndexTask, Paragraph, RelatedLink
from articles.search import indexing
from articles.search.backend import ArabicWhooshSearchBackend, arabic_whoosh_backend
from articles.search.query import SearchParams, run_search
from tests.admin.test_article_admin import CHANGELIST, article_post_data
from tests.factories import make_article, make_publication, make_related, make_section
from tests.searchutil import index_lock_held_elsewhere, lock_is_held

pytestmark = pytest.mark.django_db


def found(q: str, **params) -> list[int]:
    return sorted(int(h.pk) for h in run_search(SearchParams(q=q, **params)).hits)


@pytest.fixture
def no_writer(settings, index_dir):
    settings.NEWSARCHIVE_SEARCH_EAGER = False
    return index_dir


@pytest.fixture
def lock_calls(monkeypatch):
    """Every time something in this process takes the index write lock (the real lock is still taken)."""
    calls = []
    real = ArabicWhooshSearchBackend.write_lock

    def counting(self, *args, **kwargs):
        calls.append(self.lock_path)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ArabicWhooshSearchBackend, "write_lock", counting)
    return calls


def test_renaming_a_large_section_only_queues_and_the_writer_reindexes_it(superuser_client, no_writer, lock_calls):
    section = make_section(name="محليات", slug="local", position=3)
    publication = make_publication()
    articles = [
        make_article(title=f"خبر محلي {i}", paragraphs=[f"نص {i}"], section=section, publication=publication)
        for i in range(300)
    ]
    call_command("build_index", procs=1, verbosity=0)
    lock_calls.clear()

    response = superuser_client.post(
        reverse("admin:articles_section_change", args=[section.pk]),
        {"name": "أخبار المدن", "slug": "cities", "position": "3", "_save": "احفظ"},
    )
    assert response.status_code == 302
    assert lock_calls == []  # the request wrote nothing to the index
    assert list(IndexTask.objects.values_list("kind", "object_id")) == [("section", section.pk)]
    assert run_search(SearchParams(q="محلي", section="cities")).count == 0  # not applied yet

    indexing.flush()
    assert lock_calls  # the writer did
    assert IndexTask.objects.count() == 0
    assert run_search(SearchParams(q="محلي", section="cities")).count == len(articles)
    assert run_search(SearchParams(q="محلي", section="local")).count == 0
    html = superuser_client.get("/search/", {"q": "محلي"}).content.decode()
    q = quote("محلي")
    assert f'<a href="?q={q}&amp;section=cities">أخبار المدن</a> (300)' in html
    assert "محليات" not in html
    assert superuser_client.get("/search/", {"q": "محلي", "section": "cities"}).status_code == 200
    assert indexing.diff_index() == (set(), set(), set())


def test_a_save_while_another_process_holds_the_index_lock_returns_and_is_applied_later(
    superuser_client, no_writer, lock_calls
):
    article = make_article(title="خبر عن نجران", paragraphs=["نص"])
    call_command("build_index", procs=1, verbosity=0)
    lock_calls.clear()
    lock_path = arabic_whoosh_backend().lock_path
    with index_lock_held_elsewhere(lock_path):
        response = superuser_client.post(
            CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]}, follow=True
        )
        assert response.status_code == 200
        assert [str(m) for m in response.context["messages"]] == ["أُعيد مقال واحد إلى المسودات."]
        assert lock_calls == []
        assert lock_is_held(lock_path)  # the request came back while the lock was still held
        assert found("نجران") == [article.pk]  # still searchable until the writer applies it
        assert list(IndexTask.objects.values_list("object_id", flat=True)) == [article.pk]
    indexing.flush()
    assert found("نجران") == []
    assert IndexTask.objects.count() == 0


def test_publish_and_unpublish_actions_reach_the_index(superuser_client, no_writer):
    drafts = [make_article(title=f"مسودة عن الطائف {i}", status="draft") for i in range(2)]
    live = make_article(title="منشور عن الطائف")
    call_command("build_index", procs=1, verbosity=0)
    assert found("الطائف") == [live.pk]

    superuser_client.post(CHANGELIST, {"action": "publish", "_selected_action": [d.pk for d in drafts]})
    indexing.flush()
    assert found("الطائف") == sorted([live.pk, *(d.pk for d in drafts)])

    superuser_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [live.pk, drafts[0].pk]})
    indexing.flush()
    assert found("الطائف") == [drafts[1].pk]


def test_inline_paragraph_edit_and_delete_and_link_delete_reach_the_arabic_index(superuser_client, no_writer):
    article = make_article(title="اجتماع وزاري", paragraphs=["اجتمع الوزراء في أستانة", "ثم انتقلوا إلى جنيف"])
    link = make_related(article, "قمة الرياض")
    call_command("build_index", procs=1, verbosity=0)
    assert found("جنيف") == found("أستانة") == [article.pk]
    first, second = Paragraph.objects.filter(article=article).order_by("position")
    data = article_post_data(
        article.section,
        article.publication,
        **{
            "title": "اجتماع وزاري",
            "status": "published",
            "published_at_0": "2015-07-21",
            "published_at_1": "10:00:00",
            # the first paragraph rewritten, the second one deleted: the one-text body field
            "body": "اجتمع الوزراء في الدوحة",
            "related_links-TOTAL_FORMS": "1",
            "related_links-INITIAL_FORMS": "1",
            "related_links-0-id": str(link.pk),
            "related_links-0-source": str(article.pk),
            "related_links-0-position": "0",
            "related_links-0-title": "قمة الرياض",
            "related_links-0-target": "",
            "related_links-0-DELETE": "on",
        },
    )
    response = superuser_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert not RelatedLink.objects.filter(pk=link.pk).exists()
    assert indexing.diff_index() == (set(), {article.pk}, set())  # queued, not applied
    indexing.flush()
    assert found("الدوحة") == [article.pk]
    assert found("أستانة") == found("جنيف") == []
    assert indexing.diff_index() == (set(), set(), set())
    assert Article.objects.get(pk=article.pk).status == "published"
