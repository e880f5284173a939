"""The search page on a real Elasticsearch/OpenSearch server: settings applied, editors' saves indexed
through haystack, Arabic spellings found by portable.run_search.

Runs when ``NEWSARCHIVE_TEST_ELASTICSEARCH_URL`` names a server (Elasticsearch 7.x or OpenSearch 1.x/2.x;
CI starts a real OpenSearch node for it, see tests/live_engine.py); skipped without one on a developer's
machine, failing under CI. Each test works in its own throwaway index, deleted afterwards.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from articles.search.query import SearchParams, run_search
from tests.live_engine import es_connection
from tests.search.test_query import make_corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def es_index(es_url):
    with es_connection(es_url, f"newsarchive-test-{uuid.uuid4().hex[:8]}") as backend:
        yield backend


@pytest.fixture
def corpus(es_index):
    with transaction.atomic():  # indexed at commit, with the paragraphs (HaystackWritesMixin)
        arts = make_corpus()
    es_index.conn.indices.refresh(index=es_index.index_name)  # near-real-time: make the writes visible
    return arts


@pytest.mark.parametrize("q", ["أستانا", "أستانة", "آستانة", "استانة", "أسـتانة", "أَسْتانَة", "بأستانة"])
def test_every_spelling_finds_the_article_on_the_server(corpus, q):
    outcome = run_search(SearchParams(q=q))
    assert [h.pk for h in outcome.hits] == [corpus["astana"].pk]
    assert "<mark>آستانةِ</mark>" in outcome.hits[0].snippet
    assert outcome.facets["section"] == [("politics", "سياسة", 1)]
    assert outcome.facets["year"] == [(2015, 1)]


def test_filters_fallback_and_exclusion_on_the_server(corpus):
    found = sorted(h.pk for h in run_search(SearchParams(q="والمفاوضات")).hits)
    assert found == sorted([corpus["astana"].pk, corpus["geneva"].pk])
    assert run_search(SearchParams(q="مسودة")).count == 0  # the draft is not indexed
    assert run_search(SearchParams(q="الهلال", section="politics")).count == 0
    outcome = run_search(SearchParams(q="الهلال بريطانيا"))
    assert outcome.fallback is True
    assert [h.pk for h in outcome.hits] == [corpus["football"].pk]
    assert run_search(SearchParams(q="الهلال -النصر")).count == 0
    assert [h.pk for h in run_search(SearchParams(q='"الدوري السعودي"')).hits] == [corpus["football"].pk]
