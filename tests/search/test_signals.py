"""Index updates run after commit, with everything the transaction saved (trap 4)."""

import pytest
from django.db import transaction

from articles.models import Article, Paragraph, RelatedLink, Section
from articles.search import indexing
from articles.search.query import SearchParams, run_search
from tests.factories import make_article
from tests.searchutil import flush_index, search_pks

pytestmark = pytest.mark.django_db(transaction=True)


def found(q):
    return search_pks(q)


def test_paragraphs_saved_after_the_article_are_indexed_at_commit(search_index):
    with transaction.atomic():
        article = Article.objects.create(title="خبر عاجل", status="published", published_at="2015-07-21T10:00:00Z")
        # as the admin does: the article first, then its inlines
        Paragraph.objects.create(article=article, position=0, text="اجتمع الوزراء في أستانة")
        RelatedLink.objects.create(source=article, position=0, title="قمة الرياض")
        assert not search_index.exists()  # nothing written before commit
    assert found("أستانة") == [article.pk]
    assert found("قمة") == []  # related titles are not part of the searchable body

    with transaction.atomic():
        Paragraph.objects.filter(article=article).update(text="")  # no signal
        Paragraph.objects.create(article=article, position=1, text="ثم انتقلوا إلى جنيف")
    assert found("جنيف") == [article.pk]


def test_rolled_back_transaction_does_not_index(search_index):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_article(title="خبر ملغى", paragraphs=["نص ملغى"])
        raise RuntimeError
    make_article(title="خبر آخر", paragraphs=["نص آخر"])
    assert found("ملغى") == []
    assert found("آخر") != []


def test_unpublishing_and_deleting_remove_from_the_index(search_index):
    article = make_article(title="خبر عن الرياض", paragraphs=["نص"])
    Paragraph.objects.create(article=article, position=5, text="اكتمل")  # signal: indexed now (autocommit)
    assert found("الرياض") == [article.pk]
    article.status = Article.Status.DRAFT
    article.save()
    assert found("الرياض") == []
    article.status = Article.Status.PUBLISHED
    article.save()
    assert found("الرياض") == [article.pk]
    article.delete()
    assert found("الرياض") == []


def test_renamed_section_updates_stored_names(search_index):
    section = Section.objects.create(name="محليات", slug="local")
    article = make_article(title="خبر محلي", paragraphs=["نص"], section=section)
    article.save()
    section.name = "أخبار محلية"
    section.save()
    flush_index()
    hit = run_search(SearchParams(q="محلي")).hits[0]
    assert hit.section_name == "أخبار محلية"


def test_suspended_skips_indexing_and_build_catches_up(search_index):
    with indexing.suspended():
        article = make_article(title="خبر مستورد", paragraphs=["نص مستورد"])
        article.save()
    assert not search_index.exists() or found("مستورد") == []
    indexing.build(procs=1)
    assert found("مستورد") == [article.pk]


def test_setting_turns_realtime_off(search_index, settings):
    settings.NEWSARCHIVE_SEARCH_REALTIME = False
    make_article(title="خبر بلا فهرسة", paragraphs=["نص"]).save()
    assert not search_index.exists()
