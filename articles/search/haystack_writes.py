"""The index-writing interface of indexing.py on any haystack backend, through haystack's public API.

``indexing.sync_articles`` (editors' saves, imports, ``check_index --repair``) calls
``backend.prepare_document(index, obj)`` and ``backend.write(documents, remove_ids)``. The Arabic
Whoosh backend implements them with its own writer and lock; this mixin gives other engines
(Elasticsearch/OpenSearch, Solr) the same two methods on top of haystack's ``update`` and
``remove``, which prepare each object with the haystack index and talk to the engine in bulk.

A write that the engine cannot take (a node just died and its shards are being promoted, a
cluster-manager election, every node down) is retried with backoff for ``retry_seconds``
(``NEWSARCHIVE_SEARCH_WRITE_RETRY_SECONDS``, default 30) before the error is raised to the caller,
which keeps the article for a later pass. Writes are idempotent (whole documents by id), so a retry
after a write that did land is harmless. A durable queue that retries on its own passes 0.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from haystack import connections

log = logging.getLogger(__name__)
FIRST_DELAY = 0.25
MAX_DELAY = 4.0


def _retryable() -> tuple[type[BaseException], ...]:
    try:  # the clients' own error types; a backend without them retries nothing
        from elasticsearch import TransportError
        from elasticsearch.helpers import BulkIndexError
    except ImportError:
        return ()
    return (TransportError, BulkIndexError)


def _transient(exc: BaseException) -> bool:
    """Worth retrying: no answer, overload, or shards not (yet) available; not a refused document."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status >= 500 or status == 429
    errors = getattr(exc, "errors", None)  # BulkIndexError: one entry per failed document
    if errors:
        statuses = [next(iter(item.values()), {}).get("status", 500) for item in errors]
        return all(code >= 500 or code == 429 for code in statuses)
    return True  # ConnectionError / ConnectionTimeout: status "N/A"


class HaystackWritesMixin:
    """For a haystack ``BaseSearchBackend`` subclass."""

    def prepare_document(self, index, obj):
        # haystack's update() prepares (and skips) documents itself: hand the object through.
        return obj

    def write(self, documents: Iterable, remove_ids: Iterable[str] = (), retry_seconds: float | None = None) -> None:
        objects, removals = list(documents), list(remove_ids)
        if retry_seconds is None:
            retry_seconds = float(getattr(settings, "NEWSARCHIVE_SEARCH_WRITE_RETRY_SECONDS", 30))
        deadline = time.monotonic() + retry_seconds
        delay = FIRST_DELAY
        retryable = _retryable()
        while True:
            try:
                return self._write_once(objects, removals)
            except retryable as exc:
                if not _transient(exc) or time.monotonic() + delay > deadline:
                    raise
                log.warning("search engine refused a write (%r); retrying in %.2f s", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    def _write_once(self, objects: list, removals: list[str]) -> None:
        if objects:
            unified = connections[self.connection_alias].get_unified_index()
            by_model: dict = {}
            for obj in objects:
                by_model.setdefault(type(obj), []).append(obj)
            for model, batch in by_model.items():
                self.update(unified.get_index(model), batch)
        for identifier in removals:
            self.remove(identifier)
