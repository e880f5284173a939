"""The index-writing interface of indexing.py on any haystack backend, through haystack's public API.

``indexing.sync_articles`` (editors' saves, imports, ``check_index --repair``) calls
``backend.prepare_document(index, obj)`` and ``backend.write(documents, remove_ids)``. The Arabic
Whoosh backend implements them with its own writer and lock; this mixin gives other engines
(Elasticsearch/OpenSearch, Solr) the same two methods on top of haystack's ``update`` and
``remove``, which prepare each object with the haystack index and talk to the engine in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable

from haystack import connections


class HaystackWritesMixin:
    """For a haystack ``BaseSearchBackend`` subclass."""

    def prepare_document(self, index, obj):
        # haystack's update() prepares (and skips) documents itself: hand the object through.
        return obj

    def write(self, documents: Iterable, remove_ids: Iterable[str] = ()) -> None:
        objects = list(documents)
        if objects:
            unified = connections[self.connection_alias].get_unified_index()
            by_model: dict = {}
            for obj in objects:
                by_model.setdefault(type(obj), []).append(obj)
            for model, batch in by_model.items():
                self.update(unified.get_index(model), batch)
        for identifier in remove_ids:
            self.remove(identifier)
