"""Search-index helpers for tests: a private on-disk index, and one way to ask "is it searchable now?".

Every in-process check of what the index holds after a save goes through ``searchable`` /
``search_pks``, which call ``flush_index()`` first: the one place to change if index updates stop
being written synchronously at commit (a queue drained by a writer).
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from haystack import connections

from articles.search import analysis, variants
from articles.search.backend import reset_searchers
from articles.search.query import SearchParams, run_search


def flush_index() -> None:
    """Make every committed change visible to the next search: apply the queue of index tasks.

    In-process tests apply each transaction's tasks at commit (``NEWSARCHIVE_SEARCH_EAGER``), so
    this usually finds nothing left; it drains what a test queued with eager mode off.
    """
    from articles.search import indexing

    indexing.flush()


def search_pks(q: str, **params) -> list[int]:
    """Primary keys of the hits of ``q`` on the real search path, in rank order, after ``flush_index()``."""
    flush_index()
    return [hit.pk for hit in run_search(SearchParams(q=q, **params)).hits]


def searchable(word: str, pk: int | None = None) -> bool:
    """Whether a search for ``word`` finds the article ``pk`` (or anything when ``pk`` is None)."""
    found = search_pks(word)
    return bool(found) if pk is None else pk in found


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


# Another process that takes the index's write lock (an flock, as every writer does) and keeps it
# until its stdin closes.
_HOLD_LOCK = """
import fcntl, sys
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


@contextmanager
def index_lock_held_elsewhere(lock_path: str | Path) -> Iterator[subprocess.Popen]:
    """The index write lock held by another process for the block (returns once it holds it)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(lock_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def lock_is_held(lock_path: str | Path) -> bool:
    """Whether some process holds the flock on ``lock_path`` now (tried without waiting)."""
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
