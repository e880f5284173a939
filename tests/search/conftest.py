"""Search fixtures: a private on-disk Whoosh index per test (tests/conftest.py ``index_dir``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def search_index(index_dir) -> Path:
    """The search tests' name for ``index_dir``."""
    return index_dir


@pytest.fixture
def month_facet(monkeypatch):
    """The ``month`` facet on every outcome, from the same searcher and matched set as the ``year`` facet.

    What ``query.run_search`` does once it calls ``timeline.month_counts`` itself (then this fixture
    finds the facet there and adds nothing): the real engine, the real index, the real counts.
    """
    from articles.search import api, export, matching, query, timeline, views

    seen: dict = {}
    facet_counts = matching.facet_counts

    def recording_facet_counts(searcher, docs, name):
        if name == "year":
            seen["matched"] = (searcher, docs)
        return facet_counts(searcher, docs, name)

    run_search = query.run_search

    def run_search_with_months(params):
        seen.clear()
        outcome = run_search(params)
        if "month" not in outcome.facets and "matched" in seen:
            outcome.facets["month"] = timeline.month_counts(*seen["matched"])
        return outcome

    monkeypatch.setattr(matching, "facet_counts", recording_facet_counts)
    for module in (views, api, export):
        monkeypatch.setattr(module, "run_search", run_search_with_months)
