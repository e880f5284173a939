"""The search page on a real Elasticsearch/OpenSearch server: settings applied, editors' saves indexed
through haystack, Arabic spellings found by portable.run_search.

Runs only when ``NEWSARCHIVE_TEST_ELASTICSEARCH_URL=http://host:9200`` names a server (Elasticsearch
7.x or OpenSearch 1.x/2.x); otherwise every test here is reported as skipped. Each test works in its
own throwaway index, deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone
from haystack import connections

from articles.models import VariantSet
from articles.search.engine_url import haystack_connection
from articles.search.query import SearchParams, run_search
from tests.factories import make_article, make_publication, make_section
from tests.searchutil import fresh_backend

ES_URL = os.environ.get("NEWSARCHIVE_TEST_ELASTICSEARCH_URL", "").rstrip("/")

pytestmark = [
    pytest.mark.skipif(not ES_URL, reason="set NEWSARCHIVE_TEST_ELASTICSEARCH_URL=http://host:9200 to run"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def es_index():
    parts = urlsplit(ES_URL)
    scheme = "elasticsearch+https" if parts.scheme == "https" else "elasticsearch"
    name = f"newsarchive-test-{uuid.uuid4().hex[:8]}"
    original = dict(connections.connections_info["default"])
    connections.connections_info["default"] = haystack_connection(f"{scheme}://{parts.netloc}/{name}", "")
    fresh_backend()
    backend = connections["default"].get_backend()
    yield backend
    try:
        backend.conn.indices.delete(index=name, ignore=[404])
    finally:
        connections.connections_info["default"] = original
        fresh_backend()


def at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 12, 0))


@pytest.fixture
def corpus(es_index):
    VariantSet.objects.create(canonical="أستانا", variants="أستانة\nآستانة")
    politics = make_section(name="سياسة", slug="politics")
    sport = make_section(name="رياضة", slug="sport")
    riyadh = make_publication(name="الرياض", slug="alriyadh")
    with transaction.atomic():  # indexed at commit, with the paragraphs (HaystackWritesMixin)
        arts = {
            "astana": make_article(
                title="جولة جديدة في أستانة",
                paragraphs=["انطلقت في آستانةِ جولة من المفاوضات بين الوفود."],
                section=politics,
                publication=riyadh,
                published_at=at(2015, 7, 21),
            ),
            "football": make_article(
                title="الهلال يفوز على النصر",
                paragraphs=["فاز الهلال على النصر في الدوري السعودي لكرة القدم."],
                section=sport,
                publication=riyadh,
                published_at=at(2015, 8, 1),
            ),
        }
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
    assert [h.pk for h in run_search(SearchParams(q="والمفاوضات")).hits] == [corpus["astana"].pk]
    assert run_search(SearchParams(q="الهلال", section="politics")).count == 0
    outcome = run_search(SearchParams(q="الهلال بريطانيا"))
    assert outcome.fallback is True
    assert [h.pk for h in outcome.hits] == [corpus["football"].pk]
    assert run_search(SearchParams(q="الهلال -النصر")).count == 0
    assert [h.pk for h in run_search(SearchParams(q='"الدوري السعودي"')).hits] == [corpus["football"].pk]
