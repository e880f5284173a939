"""run_search()'s unscored matching, facets and top page against Whoosh collecting and scoring every match."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from haystack import connections
from whoosh import query as Q
from whoosh.sorting import Count, FieldFacet

from articles.search import indexing
from articles.search import query as search_query
from articles.search.query import FACET_FIELDS, SearchParams, run_search
from tests.factories import make_article, make_publication, make_section

pytestmark = pytest.mark.django_db

WORDS = ["وزير", "الخارجية", "السعودية", "النفط", "أسعار", "الرياض", "جدة", "مجلس", "الوزراء", "اليمن", "والمملكة"]


def whoosh_reference(params: SearchParams):
    """What run_search returned before: Whoosh scores every match and counts the facets itself."""
    parsed = search_query.parse_query(search_query.clean_query(params.q))
    searcher = connections["default"].get_backend().searcher()
    builder = search_query._Builder(searcher, search_query.get_variant_map())
    clauses, excluded = builder.build(parsed)
    sortedby = {"newest": "published_at", "oldest": "published_at"}.get(params.sort)
    kwargs = {
        "limit": params.page * params.page_size,
        "sortedby": sortedby,
        "reverse": params.sort == "newest",
        "filter": search_query._filter_query(params),
        "groupedby": {name: FieldFacet(name, maptype=Count) for name in FACET_FIELDS},
    }

    def run(query):
        return searcher.search(Q.AndNot(query, excluded) if excluded is not None else query, **kwargs)

    results = run(clauses[0] if len(clauses) == 1 else Q.And(clauses))
    if results.is_empty() and len(clauses) > 1:
        results = run(Q.Or(clauses))
    start = (params.page - 1) * params.page_size
    page = results[start : start + params.page_size] if start < len(results) else []
    facets = search_query._facets({n: results.groups(n) for n in FACET_FIELDS}) if len(results) else None
    return len(results), [int(hit["django_id"]) for hit in page], [hit.score for hit in page], facets


@pytest.fixture
def corpus(search_index):
    rng = random.Random(5)
    sections = [make_section(name=n) for n in ("محليات", "اقتصاد", "رياضة")]
    publications = [make_publication(name=n) for n in ("الرياض", "عكاظ")]

    def article(i):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
        return make_article(
            title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))),
            paragraphs=[body],
            section=sections[i % 3],
            publication=publications[i % 2],
            published_at=timezone.make_aware(datetime(2014 + i % 3, 1 + i % 12, 1 + i % 28, 10, 0)),
        )

    articles = [article(i) for i in range(80)]
    call_command("build_index", procs=2, verbosity=0)  # two segments
    # Small segments of their own, one commit each; a fifth would make Whoosh merge them (MERGE_SMALL).
    for i in range(80, 84):
        article(i)
        indexing.flush()
    for gone in articles[:3]:  # deletions inside the big segments
        gone.delete()
    indexing.schedule(*(a.pk for a in articles[:3]))
    indexing.flush()
    return sections


@pytest.mark.parametrize(
    "q",
    ["وزير الخارجية", "السعودية", "الرياض OR جدة", '"مجلس الوزراء"', "اليمن والمملكة", "كلمةغائبة"],
)
def test_same_hits_scores_and_facets_as_whoosh_collecting_everything(corpus, q):
    assert len(connections["default"].get_backend().searcher().reader().leaf_readers()) > 2
    cases = [
        SearchParams(q=q, page_size=5),
        SearchParams(q=q, page=3, page_size=5),
        SearchParams(q=q, sort="newest", page_size=7),
        SearchParams(q=q, sort="oldest", page=2, page_size=7),
        SearchParams(q=q, section=corpus[1].slug, page_size=5),
    ]
    for params in cases:
        outcome = run_search(params)
        count, pks, scores, facets = whoosh_reference(params)
        assert outcome.count == count, params
        assert [h.pk for h in outcome.hits] == pks, params
        if params.sort == "relevance":
            assert [h.score for h in outcome.hits] == scores, params
        if count:
            assert outcome.facets == facets, params


def test_excluded_word_removes_every_document_holding_it(corpus):
    """Whoosh's own AndNot matcher let a document with the excluded word through here (count 4)."""
    with_oil = {h.pk for h in run_search(SearchParams(q="النفط", page_size=100)).hits}
    with_jeddah = {h.pk for h in run_search(SearchParams(q="جدة", page_size=100)).hits}
    outcome = run_search(SearchParams(q="النفط -جدة", page_size=100))
    assert {h.pk for h in outcome.hits} == with_oil - with_jeddah
    assert outcome.count == len(with_oil - with_jeddah) == 3
