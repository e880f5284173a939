"""The portable search path's Whoosh features on a real OpenSearch node: fuzzy retry of unknown words,
"did you mean" from the archive's word list, exact forms and titles ranked first.

The same cases as tests/search/test_query.py on the embedded index. Needs a server (tests/live_engine.py).
"""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from articles.search.query import SearchParams, run_search
from tests.factories import make_article
from tests.live_engine import es_connection
from tests.search.test_query import at, make_corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def built(es_url):
    """make_corpus, indexed by build_index (which stores the word list beside the index)."""
    with es_connection(es_url, f"newsarchive-quality-{uuid.uuid4().hex[:8]}") as backend:
        with transaction.atomic():
            arts = make_corpus()
        call_command("build_index", stdout=StringIO(), stderr=StringIO())
        yield arts, backend


def search(q: str, **kwargs):
    return run_search(SearchParams(q=q, **kwargs))


def test_fuzzy_match_and_did_you_mean(built):
    corpus, _ = built
    outcome = search("المفاوظات")  # ظ for ض: no such word in the index
    # within one edit of the exact form المفاوضات (والمفاوضات is two edits away)
    assert [h.pk for h in outcome.hits] == [corpus["astana"].pk]
    assert outcome.hits[0].snippet.startswith("انطلقت في آستانةِ جولة من <mark>المفاوضات</mark> بين")
    assert outcome.suggestion == "المفاوضات"


def test_did_you_mean_with_zero_hits(built):
    outcome = search("متعثرررة")  # two edits: too far for the fuzzy match, near enough to suggest
    assert outcome.count == 0 and outcome.hits == []
    assert outcome.suggestion == "متعثرة"
    assert search("الهلال").suggestion is None


def test_unknown_word_among_known_ones(built):
    corpus, _ = built
    outcome = search("الهلال النصرر")  # النصر within one edit: all words match, no fallback
    assert [h.pk for h in outcome.hits] == [corpus["football"].pk]
    assert outcome.fallback is False
    assert outcome.suggestion == "الهلال النصر"


def test_the_vocabulary_is_the_build_s(built):
    _, backend = built
    words = backend.spell_vocabulary().counts
    assert words["في"] == 3 and words["أستانة"] == 1 and words["آستانة"] == 1 and words["المفاوضات"] == 1
    assert "أستانا" not in words and "مسودة" not in words  # variants are not words; drafts are not indexed


def test_title_and_exact_form_rank_first(built):
    with transaction.atomic():  # indexed at commit, with the paragraphs
        body = make_article(title="خبر عام", paragraphs=["ذكر الخبر الاقتصاد مرة واحدة بين كلمات أخرى كثيرة"])
        title = make_article(title="الاقتصاد السعودي", paragraphs=["نص قصير عن موضوع آخر تماما"])
        stem = make_article(title="تقرير", paragraphs=["تحدث عن اقتصادات المنطقة"], published_at=at(2016, 3, 1))
        exact = make_article(title="تحليل", paragraphs=["تحدث عن الاقتصاد في المنطقة"], published_at=at(2016, 3, 2))
    ranked = [h.pk for h in search("الاقتصاد").hits]
    assert sorted(ranked) == sorted([body.pk, title.pk, stem.pk, exact.pk])
    assert ranked[0] == title.pk
    assert ranked.index(exact.pk) < ranked.index(stem.pk)  # same stem; the exact form scores higher
