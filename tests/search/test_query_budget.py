"""Property test: queries built from the index's own vocabulary (long words, repeats, near misses,
phrases of stop words, pasted runs of words) stay within the per-query work bounds. The time each
takes is measured by ``benchmarks.query_cost`` (docs/benchmarks/query-cost.md), not here."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import IndexTask, Publication, Section
from articles.search import planning, query, ranking
from articles.search.query import SearchParams, run_search
from tests.factories import make_article

pytestmark = pytest.mark.django_db

VOCABULARY = [
    "الاستثمارات",
    "والمتتتتتتتتتتتتتتتق",
    "السعودية",
    "الرياض",
    "مجلس",
    "الوزراء",
    "المفاوضات",
    "أستانة",
    "في",
    "من",
    "على",
    "متى",
    "كيف",
]
STOP = ["في", "من", "على", "إلى", "عن"]


def _near_miss(word: str, i: int) -> str:
    i %= len(word)
    return word[:i] + word[i + 1 :] if len(word) > 3 else word + "ة"


words = st.sampled_from(VOCABULARY)
stop_pairs = st.tuples(st.sampled_from(STOP), st.sampled_from(STOP))
shapes = st.one_of(
    st.builds(lambda w, n: " ".join([w] * n), words, st.integers(1, 40)),
    st.builds(
        lambda ws, i: " ".join(_near_miss(w, i) for w in ws),
        st.lists(words, min_size=1, max_size=30),
        st.integers(0, 20),
    ),
    st.builds(lambda pairs: " ".join(f'"{a} {b}"' for a, b in pairs), st.lists(stop_pairs, min_size=1, max_size=8)),
    st.builds(" ".join, st.lists(words, min_size=13, max_size=200)),
    st.builds(lambda ws: " ".join(f"+{w}" for w in ws), st.lists(words, min_size=1, max_size=20)),
)


@pytest.fixture(scope="module")
def vocabulary_index(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.searchutil import private_index

    with django_db_blocker.unblock(), private_index(tmp_path_factory.mktemp("budget") / "index"):
        articles = [
            make_article(title=f"{VOCABULARY[i % 8]} {VOCABULARY[(i + 3) % 8]}", paragraphs=[" ".join(VOCABULARY * 3)])
            for i in range(12)
        ]
        call_command("build_index", procs=1, verbosity=0)
        yield articles
        # Outside the tests' transactions: leave the database as it was (sitemaps count sections).
        sections = {a.section_id for a in articles}
        publications = {a.publication_id for a in articles}
        for article in articles:
            article.delete()
        Section.objects.filter(pk__in=sections).delete()
        Publication.objects.filter(pk__in=publications).delete()
        IndexTask.objects.all().delete()


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=shapes)
def test_every_query_shape_stays_within_its_bounds(vocabulary_index, q, monkeypatch):
    plans: list[planning.Plan] = []
    original = planning.plan

    def recording(*args, **kwargs):
        plans.append(original(*args, **kwargs))
        return plans[-1]

    monkeypatch.setattr(planning, "plan", recording)
    checked: list[int] = []
    original_phrase = ranking.phrase_docs

    def counting(*args, **kwargs):
        checked.append(1)
        return original_phrase(*args, **kwargs)

    monkeypatch.setattr(ranking, "phrase_docs", counting)
    outcome = run_search(SearchParams(q=q))
    assert outcome.count >= len(outcome.hits)
    for plan in plans:  # once, twice when a word was corrected
        assert len(plan.clauses) <= 16
        assert len({c.key for c in plan.clauses}) == len(plan.clauses)  # repeats are one clause
    assert len(plans) <= 2
    assert len(checked) <= query.MAX_PHRASES  # phrases past the bound are left out (and named)
