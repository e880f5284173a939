"""``build_index`` on Elasticsearch/OpenSearch: a new index beside the live one, then one alias swap.

The application always reads and writes the name in ``NEWSARCHIVE_SEARCH_URL`` (``.../newsarchive``).
A rebuild creates ``newsarchive-build-<UTC stamp>`` with the generated settings (refresh off and no
replicas while it is filled, for speed), bulk-indexes every published article into it, restores
refresh and replicas, waits until its shards are allocated, checks the count and then moves the
alias in one ``_aliases`` call, which the server applies atomically: a search sees the old index or
the new one, never none. The first rebuild replaces a plain index of that name (haystack creates
one) by the alias in the same call. Edits saved during the build went to the old index; the
catch-up re-reads what differs (``indexing.repair``: missing, stale, extra) into the new one.
Old indices are deleted afterwards, as are ``<alias>-build-*`` leftovers of a killed build.

The "did you mean" vocabulary (``analysis.count_spellings`` of every document, as the Whoosh build
writes ``spelling.tsv``) is counted while the documents are prepared and stored in a small index
beside the new one, ``<index>-spelling`` (chunks of ``{word: documents}``, not indexed); readers
load it once per live index (``spell_vocabulary``) and hand it to ``spelling.suggest``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime

from haystack import connections

from articles.search import analysis

BUILD_INFIX = "-build-"
SPELLING_SUFFIX = "-spelling"
SPELLING_CHUNK = 5000  # words per stored document


class RebuildError(RuntimeError):
    """The new index is not complete: the alias was left where it was."""


def _indices_behind(conn, alias: str) -> list[str]:
    if conn.indices.exists_alias(name=alias):
        return sorted(conn.indices.get_alias(name=alias))
    return []


def rebuild_behind_alias(backend, chunk: int = 1000, progress=None) -> dict:
    from articles.search import indexing

    conn, alias = backend.conn, backend.index_name
    started = time.monotonic()
    live_before = _indices_behind(conn, alias)
    keep = {*live_before, *(name + SPELLING_SUFFIX for name in live_before)}
    leftovers = sorted(set(conn.indices.get(index=f"{alias}{BUILD_INFIX}*")) - keep)
    if leftovers:
        conn.indices.delete(index=",".join(leftovers))

    target = f"{alias}{BUILD_INFIX}{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    options = {**backend.options, "INDEX_NAME": target}
    builder = type(backend)(backend.connection_alias, **options)
    builder.setup()  # creates the index with the generated settings and mapping
    builder.spell_counter = Counter()
    conn.indices.put_settings(index=target, body={"index": {"refresh_interval": "-1", "number_of_replicas": 0}})

    index = connections[backend.connection_alias].get_unified_index().get_index(_article_model())
    queryset = index.index_queryset().order_by("pk")
    total = queryset.count()
    done = 0
    batch: list = []
    for obj in queryset.iterator(chunk_size=chunk):
        batch.append(obj)
        if len(batch) >= chunk:
            builder.update(index, batch, commit=False)
            done += len(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        builder.update(index, batch, commit=False)
        done += len(batch)
        if progress:
            progress(done, total)
    build_seconds = time.monotonic() - started
    _store_spellings(conn, target + SPELLING_SUFFIX, analysis.spell_counts(builder.spell_counter))

    replicas = backend.replicas
    conn.indices.put_settings(index=target, body={"index": {"refresh_interval": None, "number_of_replicas": replicas}})
    conn.indices.refresh(index=target)
    # With replicas asked for, swap only once they are allocated (a node lost now must not lose documents).
    wait_for = "green" if replicas else "yellow"
    health = conn.cluster.health(index=target, wait_for_status=wait_for, timeout="120s")
    if health.get("timed_out"):
        conn.indices.delete(index=target)
        raise RebuildError(f"index {target} did not reach {wait_for} in 120 s; the alias {alias} was not moved")
    indexed = conn.count(index=target)["count"]
    if indexed != done:
        conn.indices.delete(index=target)
        raise RebuildError(f"index {target} holds {indexed} documents, {done} were sent; the alias was not moved")

    actions: list[dict] = [{"remove": {"index": name, "alias": alias}} for name in live_before]
    if not live_before and conn.indices.exists(index=alias):
        actions.append({"remove_index": {"index": alias}})  # haystack's plain index of that name
    actions.append({"add": {"index": target, "alias": alias}})
    conn.indices.update_aliases(body={"actions": actions})

    updated, removed = indexing.catch_up()  # edits saved meanwhile reached the old index only
    old = [name for name in live_before if name != target]
    if old:
        conn.indices.delete(index=",".join(old + [name + SPELLING_SUFFIX for name in old]), ignore=404)
    return {
        "articles": done,
        "index": target,
        "replaced": old or ([alias] if any("remove_index" in a for a in actions) else []),
        "leftovers_removed": leftovers,
        "caught_up": updated + removed,
        "build_seconds": build_seconds,
        "total_seconds": time.monotonic() - started,
    }


def _store_spellings(conn, name: str, counts: dict[str, int]) -> None:
    from elasticsearch.helpers import bulk

    conn.indices.create(
        index=name,
        body={"settings": {"number_of_shards": 1}, "mappings": {"enabled": False}},
    )
    words = sorted(counts.items())
    chunks = [dict(words[i : i + SPELLING_CHUNK]) for i in range(0, len(words), SPELLING_CHUNK)]
    bulk(conn, ({"_index": name, "_id": str(i), "counts": chunk} for i, chunk in enumerate(chunks)))
    conn.indices.refresh(index=name)


_vocabularies: dict[tuple, object] = {}
_vocabularies_lock = threading.Lock()


def spell_vocabulary(backend):
    """``spelling.SpellVocabulary`` of the index behind the alias (empty without a stored word list)."""
    from elasticsearch.helpers import scan

    from articles.search.spelling import SpellVocabulary

    conn, alias = backend.conn, backend.index_name
    live = _indices_behind(conn, alias) or [alias]
    key = (str(backend.options.get("URL")), tuple(live))
    cached = _vocabularies.get(key)
    if cached is not None:
        return cached
    counts: dict[str, int] = {}
    names = ",".join(name + SPELLING_SUFFIX for name in live)
    if conn.indices.exists(index=names):
        for hit in scan(conn, index=names, query={"query": {"match_all": {}}}):
            for word, count in hit["_source"]["counts"].items():
                counts[word] = counts.get(word, 0) + count
    vocabulary = SpellVocabulary(counts)
    with _vocabularies_lock:
        _vocabularies.clear()  # one live index at a time: drop the previous one's words
        _vocabularies[key] = vocabulary
    return vocabulary


def _article_model():
    from articles.models import Article

    return Article
