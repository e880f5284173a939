"""Ranked retrieval's bulk scoring, counts and facets against Whoosh scoring and counting every match itself."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from haystack import connections
from whoosh import collectors
from whoosh import query as Q
from whoosh.scoring import BM25F
from whoosh.sorting import Count, FieldFacet

from articles.search import indexing, planning, ranking
from articles.search import query as search_query
from articles.search.query import FACET_FIELDS, SearchParams, run_search
from articles.search.variants import get_variant_map
from tests.factories import make_article, make_publication, make_section

pytestmark = pytest.mark.django_db

WORDS = ["وزير", "الخارجية", "السعودية", "النفط", "أسعار", "الرياض", "جدة", "مجلس", "الوزراء", "اليمن", "والمملكة"]


def plan_of(searcher, q: str):
    parsed = search_query.parse_query(search_query.clean_query(q)[0])
    groups = [([w.text for w in g], any(w.required for w in g)) for g in parsed.groups]

    def df(fieldname, text):
        return searcher.reader().doc_frequency(fieldname, text)

    return planning.plan(groups, get_variant_map(), df, max_clauses=16, max_postings=10**9)


def whoosh_reference(searcher, plan):
    """Whoosh's own BM25F (same B and K1) over every clause term, times the IDF share each document covers."""
    weighting = BM25F(B=ranking.BM25_B, K1=1.2)
    reference = searcher.__class__(searcher.reader(), weighting=weighting)
    terms = [
        Q.Term(f, t, boost=b * (ranking.TITLE_WEIGHT if f.startswith("title") else 1.0))
        for c in plan.clauses
        for f, t, b in c.terms
    ]
    collector = collectors.UnlimitedCollector()
    reference.search_with_collector(Q.Or(terms), collector)
    bm25 = {hit.docnum: hit.score for hit in collector.results()}
    n = searcher.doc_count()
    idfs = [ranking.idf(c.df, n) for c in plan.clauses]
    clause_docs = [set(Q.Or([Q.Term(f, t) for f, t, _b in c.terms]).docs(reference)) for c in plan.clauses]
    total = sum(idfs)
    return {
        d: s * (sum(w for w, docs in zip(idfs, clause_docs, strict=True) if d in docs) / total) for d, s in bm25.items()
    }


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
    ["وزير الخارجية", "السعودية", "الرياض OR جدة", "اليمن والمملكة", "مجلس الوزراء النفط أسعار", "كلمةغائبة"],
)
def test_scores_are_whoosh_bm25f_times_coverage(corpus, q):
    """The gate for any Whoosh upgrade: the bulk scoring reads postings through private names."""
    searcher = connections["default"].get_backend().searcher()
    assert len(searcher.reader().leaf_readers()) > 2
    plan = plan_of(searcher, q)
    n = searcher.doc_count()
    scorings = [ranking.Scoring(c.terms, ranking.idf(c.df, n), required=c.required) for c in plan.clauses]
    ranked = ranking.rank(searcher, scorings, limit=1000)
    expected = whoosh_reference(searcher, plan)
    assert set(ranked.matched.tolist()) == set(expected)
    for docnum, score in expected.items():
        assert ranked.scores[docnum] == pytest.approx(score, rel=1e-9), docnum


@pytest.mark.parametrize("q", ["وزير الخارجية", "السعودية", "الرياض OR جدة", "كلمةغائبة"])
def test_counts_and_facets_are_whoosh_counting_the_matched_set(corpus, q):
    searcher = connections["default"].get_backend().searcher()
    plan = plan_of(searcher, q)
    terms = [Q.Term(f, t) for c in plan.clauses for f, t, _b in c.terms]
    for params in (SearchParams(q=q, page_size=5), SearchParams(q=q, section=corpus[1].slug, page_size=5)):
        outcome = run_search(params)
        results = searcher.search(
            Q.Or(terms),
            limit=None,
            filter=search_query._filter_query(params),
            groupedby={name: FieldFacet(name, maptype=Count) for name in FACET_FIELDS},
        )
        assert outcome.count == len(results), params
        if len(results):
            assert {k: v for k, v in outcome.facets.items() if k != "month"} == search_query._facets(
                {n: results.groups(n) for n in FACET_FIELDS}
            ), params
        newest = run_search(SearchParams(q=q, sort="newest", page_size=100))
        dates = [h.published_at for h in newest.hits]
        assert dates == sorted(dates, reverse=True)


def test_excluded_word_removes_every_document_holding_it(corpus):
    """Whoosh's own AndNot matcher let a document with the excluded word through here (count 4)."""
    with_oil = {h.pk for h in run_search(SearchParams(q="النفط", page_size=100)).hits}
    with_jeddah = {h.pk for h in run_search(SearchParams(q="جدة", page_size=100)).hits}
    outcome = run_search(SearchParams(q="النفط -جدة", page_size=100))
    assert {h.pk for h in outcome.hits} == with_oil - with_jeddah
    assert outcome.count == len(with_oil - with_jeddah) == 3
