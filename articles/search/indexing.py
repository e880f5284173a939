"""Keeping the index in step with the database: per-transaction queues, bulk builds, repairs.

Saves schedule an article's pk (signals.py); when the transaction commits, all scheduled articles
are re-read and written in one writer pass: published ones updated, the others (drafts, future,
deleted) removed. Inlines saved after the article are therefore included (trap 4).
``suspended()`` turns this off for bulk imports, which rebuild afterwards (``build_index``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from haystack import connections
from haystack.utils import get_identifier

log = logging.getLogger(__name__)
_state = threading.local()


def _pending() -> set[int]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
    return _state.pending


def realtime_enabled() -> bool:
    return getattr(settings, "NEWSARCHIVE_SEARCH_REALTIME", True) and not getattr(_state, "suspended", 0)


@contextmanager
def suspended() -> Iterator[None]:
    """No index updates from saves inside this block (bulk imports; run build_index afterwards)."""
    _state.suspended = getattr(_state, "suspended", 0) + 1
    try:
        yield
    finally:
        _state.suspended -= 1


def schedule(*pks: int | None) -> None:
    """Re-index these articles once the current transaction commits (at once outside one)."""
    if not realtime_enabled():
        return
    pending = _pending()
    pending.update(pk for pk in pks if pk is not None)
    # One callback per transaction flushes everything scheduled in it. A rolled-back transaction
    # drops the callback; its pks stay queued and go with the next commit (re-reading is harmless).
    if pending and not _callback_registered():
        transaction.on_commit(flush)


def _callback_registered() -> bool:
    conn = transaction.get_connection()
    return conn.in_atomic_block and any(entry[1] is flush for entry in conn.run_on_commit)


def flush() -> None:
    pks = _pending().copy()
    _pending().clear()
    if pks:
        try:
            sync_articles(pks)
        except Exception:
            # The save itself succeeded; check_index --repair catches up.
            log.exception("search index update failed for articles %s", sorted(pks))
            if getattr(settings, "NEWSARCHIVE_SEARCH_RAISE", False):
                raise


def require_whoosh(command: str) -> None:
    """Refuse, precisely, a command that manages the embedded Whoosh index when another engine is set."""
    from django.core.management.base import CommandError

    from articles.search.backend import arabic_whoosh_backend

    if arabic_whoosh_backend() is None:
        engine = type(connections["default"].get_backend()).__name__
        raise CommandError(
            f"{command} manages the embedded Whoosh index, but NEWSARCHIVE_SEARCH_URL selects "
            f"{engine}. For Elasticsearch/OpenSearch run `manage.py search_engine_settings "
            "--apply <url>` then haystack's `manage.py update_index` (docs/scaling.md)."
        )


def _index():
    from articles.models import Article

    return connections["default"].get_unified_index().get_index(Article)


def sync_articles(pks: Iterable[int]) -> tuple[int, int]:
    """Update the published ones among ``pks`` and remove the rest, in one writer pass."""
    pks = set(pks)
    index = _index()
    backend = connections["default"].get_backend()
    objects = list(index.index_queryset().filter(pk__in=pks))
    docs = [d for d in (backend.prepare_document(index, obj) for obj in objects) if d is not None]
    gone = pks - {obj.pk for obj in objects}
    backend.write(docs, [f"articles.article.{pk}" for pk in gone])
    return len(docs), len(gone)


def identifier(pk: int) -> str:
    return get_identifier(f"articles.article.{pk}")


def diff_index() -> tuple[set[int], set[int], set[int]]:
    """(missing, stale, extra): published articles absent from the index, indexed with an older
    ``modified``, and indexed ids that are not (or no longer) published."""
    from articles.search_indexes import _naive_utc

    backend = connections["default"].get_backend()
    indexed = backend.indexed_stamps()
    live = dict(_index().index_queryset().values_list("pk", "modified").order_by())
    missing = set(live) - set(indexed)
    stale = {pk for pk in set(live) & set(indexed) if indexed[pk] != _naive_utc(live[pk])}
    extra = set(indexed) - set(live)
    return missing, stale, extra


def repair(batch: int = 500) -> tuple[int, int]:
    missing, stale, extra = diff_index()
    todo = sorted(missing | stale | extra)
    updated = removed = 0
    for i in range(0, len(todo), batch):
        u, r = sync_articles(todo[i : i + batch])
        updated += u
        removed += r
    return updated, removed


# Posting pool of each writer process, in Whoosh's estimate (~180 bytes a posting). Past it Whoosh
# pickles sorted runs to disk and merges them back at commit: on the full corpus that was a third
# of the build's CPU. 1.5 GB holds one half of the 31k-article corpus (about 6.5 M postings).
BUILD_LIMIT_MB = 1536


def build(procs: int = 2, chunk: int = 1000, progress=None, limitmb: int = BUILD_LIMIT_MB) -> dict:
    """Index every published article into a new directory, swap it in, then catch up with edits
    made meanwhile. ``procs`` > 1 analyses in that many worker processes (Whoosh MpWriter, one
    segment each); the parent reads the database, renders the documents and counts the words of
    the "did you mean" vocabulary, written once beside the new index with the variant fingerprint
    (lifecycle.py). Leftover directories of killed builds are removed first. Returns timings and
    the removed leftovers."""
    import time
    from collections import Counter

    from whoosh.multiproc import MpWriter

    from articles.search import analysis, lifecycle, variants
    from articles.search.backend import WRITER_OPTIONS

    started = time.monotonic()
    backend = connections["default"].get_backend()
    backend.setup()
    # Directories of builds killed outright (a full one is hundreds of MB), before making another.
    leftovers = backend.remove_leftovers()
    index = _index()
    pks = list(index.index_queryset().order_by("pk").values_list("pk", flat=True))
    with variants.pinned() as variant_map:
        directory = backend.new_build_dir()
        try:
            ix = backend.create_build_index(directory)
            if procs > 1:
                writer = MpWriter(ix, procs=procs, batchsize=250, multisegment=True, limitmb=limitmb, **WRITER_OPTIONS)
            else:
                writer = ix.writer(limitmb=limitmb, **WRITER_OPTIONS)
            words: Counter = Counter()
            try:
                for i in range(0, len(pks), chunk):
                    for obj in index.index_queryset().filter(pk__in=pks[i : i + chunk]).order_by():
                        doc = backend.prepare_document(index, obj)
                        if doc is not None:
                            analysis.count_spellings(doc.get(backend.content_field_name, ""), words)
                            writer.add_document(**doc)
                    if progress:
                        progress(min(len(pks), i + chunk), len(pks))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            analysis.write_spellings(directory, analysis.spell_counts(words))
            lifecycle.write_build_info(directory, variant_map)  # check_index compares it with the sets
        except BaseException:
            import shutil

            shutil.rmtree(directory, ignore_errors=True)
            raise
    built = time.monotonic()
    backend.swap_in(directory)
    updated, removed = repair()
    return {
        "articles": len(pks),
        "build_seconds": built - started,
        "total_seconds": time.monotonic() - started,
        "caught_up": updated + removed,
        "leftovers_removed": leftovers,
    }
