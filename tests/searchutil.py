"""A private on-disk Whoosh index for one test, seen as a newly started worker would see it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from haystack import connections

from articles.search import analysis, variants
from articles.search.backend import reset_searchers


def fresh_backend() -> None:
    """What a newly started worker has: a new backend, no cached searcher, no cached variant map."""
    connections.reload("default")
    reset_searchers()
    variants.invalidate()


@contextmanager
def private_index(path: Path) -> Iterator[Path]:
    """Point the default connection at ``path`` (not created here) and back afterwards."""
    info = connections.connections_info["default"]
    old = info["PATH"]
    info["PATH"] = str(path)
    fresh_backend()
    try:
        yield path
    finally:
        info["PATH"] = old
        fresh_backend()
        analysis.clear_caches()


@contextmanager
def search_connection(config: dict) -> Iterator[None]:
    """Point the default haystack connection at ``config`` (another engine) and back afterwards."""
    original = dict(connections.connections_info["default"])
    connections.connections_info["default"] = config
    fresh_backend()
    try:
        yield
    finally:
        connections.connections_info["default"] = original
        fresh_backend()
