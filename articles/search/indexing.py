"""Keeping the index in step with the database: the queue of index tasks, bulk builds, repairs.

Every change that alters an article's search document writes an ``IndexTask`` row in the same
transaction (signals.py: saves, deletes, inlines, ``QuerySet.update``/``bulk_create``, section and
publication renames): the transactional outbox. Requests never write the index and never wait
for its lock; one writer (``manage.py run_indexer``, queue.py) applies the tasks outside the
request, re-reading each article under the index's write lock so the newest version always wins
(``sync_articles``), and deletes a task only after the index committed it. A crash of the writer
loses nothing: the rows are still there and are applied when it starts again.

``NEWSARCHIVE_SEARCH_REALTIME=0`` (or ``suspended()``) enqueues nothing: bulk imports run that way
and rebuild afterwards (``build_index``). ``NEWSARCHIVE_SEARCH_EAGER=1`` applies the tasks in the
committing process right after commit instead of leaving them to the writer: the in-process tests
run that way, the site never does (the request would then hold the index lock).
docs/operations.md, "The search index writer", says how to run and watch it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from haystack import connections
from haystack.utils import get_identifier

log = logging.getLogger(__name__)
_state = threading.local()


def realtime_enabled() -> bool:
    return getattr(settings, "NEWSARCHIVE_SEARCH_REALTIME", True) and not getattr(_state, "suspended", 0)


@contextmanager
def suspended() -> Iterator[None]:
    """No index tasks from saves inside this block (bulk imports; run build_index afterwards)."""
    _state.suspended = getattr(_state, "suspended", 0) + 1
    try:
        yield
    finally:
        _state.suspended -= 1


def schedule(*pks: int | None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue these articles for re-indexing, in the current transaction (see the module docstring)."""
    if realtime_enabled():
        enqueue(pks, using=using)


def enqueue(pks: Iterable[int | None], using: str = DEFAULT_DB_ALIAS) -> int:
    """Queue these articles whatever the realtime setting (``check_index --repair``); returns how many."""
    from articles.models import IndexTask

    ids = sorted({pk for pk in pks if pk is not None})
    if ids:
        IndexTask.objects.using(using).bulk_create(
            [IndexTask(kind=IndexTask.Kind.ARTICLE, object_id=pk) for pk in ids], batch_size=500
        )
        _after_commit(using)
    return len(ids)


def schedule_rename(kind: str, pk: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue one task for a renamed section or publication: the writer re-indexes its articles in batches."""
    from articles.models import IndexTask

    if realtime_enabled():
        IndexTask.objects.using(using).create(kind=kind, object_id=pk)
        _after_commit(using)


def _after_commit(using: str) -> None:
    if getattr(settings, "NEWSARCHIVE_SEARCH_EAGER", False):
        # One callback per transaction is enough: it drains everything queued by then.
        conn = transaction.get_connection(using)
        if not (conn.in_atomic_block and any(entry[1] is flush for entry in conn.run_on_commit)):
            transaction.on_commit(flush, using=using)


def flush() -> None:
    """Apply every queued task now, in this process (eager mode, tests, ``run_indexer --drain``)."""
    from articles.search import queue

    try:
        queue.drain()
    except Exception:
        # The save itself succeeded and its tasks stay queued; the writer retries them.
        log.exception("search index update failed")
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
    """Make the index hold the database's current version of each article in ``pks``.

    The one function through which every incremental index write goes (the queue's writer,
    ``build_index``'s catch-up, eager mode), whatever the engine. Its contract, for an engine that
    routes writes elsewhere (a cluster):

    - Reads the articles from the database *inside* the engine's write exclusion (the Whoosh
      backend's ``write_lock()``; engines without one serialise through the single writer), so a
      later call always reads a later database state: newest wins, an older save can never
      overwrite a newer one.
    - Published articles (``ArticleIndex.index_queryset``) are added or replaced; every other pk
      (draft, scheduled, deleted) is removed. Idempotent: calling it twice changes nothing.
    - Returns ``(updated, removed)`` only once the engine has committed the write; raises if it
      did not, and the caller then keeps the tasks to retry them.
    """
    from articles.search import variants

    pks = set(pks)
    index = _index()
    backend = connections["default"].get_backend()
    lock = getattr(backend, "write_lock", None)
    # One variant map for the whole pass (the analyzer looks it up for every field of every document).
    with lock() if lock is not None else nullcontext(), variants.pinned():
        objects = list(index.index_queryset().filter(pk__in=pks))
        docs = [d for d in (backend.prepare_document(index, obj) for obj in objects) if d is not None]
        gone = pks - {obj.pk for obj in objects}
        backend.write(docs, [f"articles.article.{pk}" for pk in gone])
    return len(docs), len(gone)


def identifier(pk: int) -> str:
    return get_identifier(f"articles.article.{pk}")


def diff_index(chunk: int = 1000) -> tuple[set[int], set[int], set[int]]:
    """(missing, stale, extra): published articles absent from the index, indexed with other
    content than the database holds now (``content_digest``: title, body, related links, section
    and publication names and slugs, publication state), and indexed ids that are not (or no
    longer) published."""
    from articles.search_indexes import content_digest

    backend = connections["default"].get_backend()
    indexed = backend.indexed_values("digest")
    live = {
        article.pk: content_digest(article)
        for article in _index().index_queryset().order_by("pk").iterator(chunk_size=chunk)
    }
    missing = set(live) - set(indexed)
    stale = {pk for pk in set(live) & set(indexed) if indexed[pk] != live[pk]}
    extra = set(indexed) - set(live)
    return missing, stale, extra


def repair() -> int:
    """Queue every article that differs between the index and the database; the writer applies them."""
    missing, stale, extra = diff_index()
    with transaction.atomic():
        return enqueue(missing | stale | extra)


def catch_up(batch: int = 500) -> tuple[int, int]:
    """Write every article that differs now, in this process (``build_index`` after its swap)."""
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

    from articles.models import IndexTask
    from articles.search import analysis, lifecycle, variants
    from articles.search.backend import WRITER_OPTIONS

    started = time.monotonic()
    backend = connections["default"].get_backend()
    backend.setup()
    # Tasks committed before the articles are read below are applied by this build itself.
    covered = list(IndexTask.objects.values_list("pk", flat=True))
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
    # Edits committed after their article was read above are in the queue too; catching up here
    # makes the new index right even when no writer runs (a first build, an import).
    updated, removed = catch_up()
    for i in range(0, len(covered), 500):
        IndexTask.objects.filter(pk__in=covered[i : i + 500]).delete()
    return {
        "articles": len(pks),
        "build_seconds": built - started,
        "total_seconds": time.monotonic() - started,
        "caught_up": updated + removed,
        "leftovers_removed": leftovers,
    }
