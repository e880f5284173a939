"""portable.run_search, the search page's path on engines other than the Arabic Whoosh index.

It is run here through haystack's SearchQuerySet on the real Arabic Whoosh index (the analysis then
happens in the engine, as it does in Elasticsearch with the generated analyzers), beside the fast
path on the same index: same articles, counts, facets, fallback and highlighted snippets.
"""

from __future__ import annotations

from datetime import date

import pytest

from articles.search import portable
from articles.search.query import SearchParams, run_search
from tests.search import test_query

corpus = test_query.corpus  # the fixture: 3 published articles and a draft, in a fresh index

pytestmark = pytest.mark.django_db


def both(q, **kw):
    params = SearchParams(q=q, **kw)
    return run_search(params), portable.run_search(params)


def by_pk(outcome):
    return {h.pk: h for h in outcome.hits}


QUERIES = {
    "variant spelling": "آستانة",
    "harakat": "أَسْتانَة",
    "tatweel": "أسـتانة",
    "clitic on a name": "بأستانة",
    "article": "المفاوضات",
    "و + article": "والمفاوضات",
    "all words": "الهلال النصر",
    "phrase": '"الدوري السعودي"',
    "exclusion": "المفاوضات -جنيف",
    "OR": "أستانا OR جنيف",
    "stop word alone": "في",
    "any-word fallback": "الهلال بريطانيا",
}


@pytest.mark.parametrize("q", QUERIES.values(), ids=QUERIES.keys())
def test_same_articles_counts_facets_and_snippets_as_the_whoosh_path(corpus, q):
    fast, port = both(q)
    assert port.count == fast.count > 0
    assert by_pk(port).keys() == by_pk(fast).keys()
    assert port.facets == {k: v for k, v in fast.facets.items() if k != "month"}
    assert port.fallback == fast.fallback
    for pk, hit in by_pk(port).items():
        assert (hit.title_html, hit.snippet, hit.url) == (
            by_pk(fast)[pk].title_html,
            by_pk(fast)[pk].snippet,
            by_pk(fast)[pk].url,
        )
        assert "<mark>" in hit.snippet + hit.title_html


def test_the_draft_and_unknown_words_are_not_found(corpus):
    assert portable.run_search(SearchParams(q="مسودة")).count == 0
    assert portable.run_search(SearchParams(q="كازاخستان")).count == 0


@pytest.mark.parametrize(
    "kw",
    [
        {"section": "politics"},
        {"section": "sport"},
        {"publication": "alriyadh"},
        {"date_from": date(2016, 1, 1)},
        {"date_to": date(2015, 7, 31)},
        {"date_from": date(2015, 7, 21), "date_to": date(2015, 7, 21)},
        {"sort": "newest"},
        {"sort": "oldest"},
    ],
)
def test_filters_and_sorts_as_the_whoosh_path(corpus, kw):
    fast, port = both("المفاوضات OR الهلال", **kw)
    if "sort" in kw:
        assert [h.pk for h in port.hits] == [h.pk for h in fast.hits]
    else:  # relevance: the engine's scores decide the order
        assert sorted(h.pk for h in port.hits) == sorted(h.pk for h in fast.hits)
    assert port.count == fast.count
    assert port.facets == {k: v for k, v in fast.facets.items() if k != "month"}


def test_newest_first_and_paging(corpus):
    newest = portable.run_search(SearchParams(q="في", sort="newest"))
    assert [h.pk for h in newest.hits] == [corpus["geneva"].pk, corpus["football"].pk, corpus["astana"].pk]
    pages = [portable.run_search(SearchParams(q="في", sort="newest", page=n, page_size=2)) for n in (1, 2, 3)]
    assert [[h.pk for h in p.hits] for p in pages] == [
        [corpus["geneva"].pk, corpus["football"].pk],
        [corpus["astana"].pk],
        [],
    ]
    assert {p.count for p in pages} == {3}


def test_hit_cards_come_from_the_index(corpus):
    (hit,) = portable.run_search(SearchParams(q="الهلال")).hits
    article = corpus["football"]
    assert (hit.section_slug, hit.section_name) == ("sport", "رياضة")
    assert (hit.publication_slug, hit.publication_name) == ("alriyadh", "الرياض")
    assert hit.published_at == article.published_at
    assert hit.url == article.get_absolute_url()
    assert hit.title_html == "<mark>الهلال</mark> يفوز على النصر"


def test_reader_errors_before_the_engine(corpus):
    assert portable.run_search(SearchParams(q="الهلال " * 1000)).truncated is True
    assert portable.run_search(SearchParams(q="  -  ")).count == 0
