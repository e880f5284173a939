"""Search fixtures: a private on-disk Whoosh index per test (tests/conftest.py ``index_dir``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def search_index(index_dir) -> Path:
    """The search tests' name for ``index_dir``."""
    return index_dir
