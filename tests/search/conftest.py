"""Search fixtures: a private on-disk Whoosh index per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from haystack import connections

from articles.search import analysis, variants
from articles.search.backend import reset_searchers


@pytest.fixture
def search_index(tmp_path) -> Path:
    """Point the default connection at ``tmp_path/whoosh_index`` (not yet created) for this test."""
    info = connections.connections_info["default"]
    old = info["PATH"]
    info["PATH"] = str(tmp_path / "whoosh_index")
    connections.reload("default")
    reset_searchers()
    variants.invalidate()
    yield Path(info["PATH"])
    info["PATH"] = old
    connections.reload("default")
    reset_searchers()
    variants.invalidate()
    analysis.clear_caches()
