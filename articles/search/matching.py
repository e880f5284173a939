"""Matching straight from a Whoosh searcher's segments (query.run_search's fast path).

- ``matching_docs``: the documents a query matches, unscored, from posting lists and set operations;
  filters need nothing more.
- ``_postings`` / ``_lengths``: a term's raw postings and a field's lengths per segment, which
  ``ranking.py`` scores in bulk.
- ``facet_counts``: counts of a sortable column's values over a matched set.

Segments never change once written, so what is read from one (column values, field lengths) is
cached by segment id and survives a searcher being reopened after a save.
"""

from __future__ import annotations

import threading
from collections import Counter

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS_COLUMN
from whoosh.codec.whoosh3 import W3LeafMatcher, W3PerDocReader
from whoosh.codec.whoosh3 import _lenfield as w3_lenfield
from whoosh.matching import FilterMatcher
from whoosh.util.numeric import byte_to_length

# {(segment id, field): raw column values}: segments never change once written (deletions are
# applied to the matched set), so a reopened searcher only reads the columns of new segments.
_segment_columns: dict[tuple[str, str], list] = {}
_columns_lock = threading.Lock()


def matching_docs(searcher, query, cache: dict | None = None) -> set[int]:
    """The searcher's (global) doc numbers matching ``query``, deleted documents excluded, unscored.

    Terms are read straight from the posting lists, boolean queries are set operations; any other
    query (phrases, ranges) goes through its Whoosh matcher. The same set Whoosh would collect.
    """
    if query is wq.NullQuery:
        return set()
    kind = type(query)
    if kind is wq.Term:
        return _term_docs(searcher, query.fieldname, query.text, cache)
    if kind is wq.Or:
        out: set[int] = set()
        for sub in query.subqueries:
            out |= matching_docs(searcher, sub, cache)
        return out
    if kind is wq.And:
        subs = sorted((matching_docs(searcher, sub, cache) for sub in query.subqueries), key=len)
        if not subs:
            return set()
        out = subs[0]
        for other in subs[1:]:
            out &= other
        return out
    if kind is wq.AndNot:
        out = matching_docs(searcher, query.a, cache)
        return out - matching_docs(searcher, query.b, cache) if out else out
    return set(query.docs(searcher))


def _postings(leaf, fieldname: str, btext: bytes, cache: dict | None) -> tuple[list, list]:
    """(doc numbers, weights) of a term in one segment, deleted documents included, read block by block."""
    key = (id(leaf), fieldname, btext)
    if cache is not None and key in cache:
        return cache[key]
    ids: list = []
    weights: list = []
    if (fieldname, btext) in leaf:
        matcher = leaf.postings(fieldname, btext)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if matcher._ids is None:
                    matcher._read_ids()
                if matcher._weights is None:
                    matcher._read_weights()
                ids.extend(matcher._ids)
                weights.extend(matcher._weights)
                matcher._next_block()
        else:
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
    if cache is not None:
        cache[key] = (ids, weights)
    return ids, weights


def _term_docs(searcher, fieldname: str, text, cache: dict | None = None) -> set[int]:
    if fieldname not in searcher.schema:
        return set()
    btext = searcher.schema[fieldname].to_bytes(text) if isinstance(text, str) else text
    out: set[int] = set()
    for leaf, offset in searcher.reader().leaf_readers():
        ids = set(_postings(leaf, fieldname, btext, cache)[0])
        deleted = leaf.deleted_docs_set
        if deleted:
            ids -= deleted
        if offset:
            ids = {i + offset for i in ids}
        out |= ids
    return out


_segment_lengths: dict[tuple[str, str], list] = {}


def _lengths(leaf, fieldname: str) -> list:
    """Field lengths of one segment's documents (as the scorer reads them), cached per segment."""
    key = (leaf.segment().segment_id(), fieldname)
    lengths = _segment_lengths.get(key)
    if lengths is None:
        perdoc = getattr(leaf, "_perdoc", None)
        column = None
        if isinstance(perdoc, W3PerDocReader):  # the raw length bytes: 10x faster than per document
            column = perdoc._cached_reader(w3_lenfield(fieldname), W3_LENGTHS_COLUMN)
        if column is not None:
            table = [byte_to_length(b) if b else 0 for b in range(256)]
            lengths = [table[b] for b in column]
        else:
            lengths = [leaf.doc_field_length(i, fieldname, 1) for i in range(leaf.doc_count_all())]
        with _columns_lock:
            if len(_segment_lengths) > 200:  # merged-away segments
                _segment_lengths.clear()
            _segment_lengths[key] = lengths
    return lengths


class ScoredDoc:
    """A ranked result in the shape of a Whoosh Hit (``score``, ``fields()``)."""

    __slots__ = ("searcher", "docnum", "score")

    def __init__(self, searcher, docnum: int, score: float):
        self.searcher, self.docnum, self.score = searcher, docnum, score

    def fields(self) -> dict:
        return self.searcher.stored_fields(self.docnum)


def _column(searcher, fieldname: str) -> list:
    """The raw column values of ``fieldname`` by global doc number, cached on the searcher."""
    cache = searcher.__dict__.setdefault("_newsarchive_columns", {})
    values = cache.get(fieldname)
    if values is None:
        values = []
        live = set()
        for leaf, _offset in searcher.reader().leaf_readers():
            key = (leaf.segment().segment_id(), fieldname)
            live.add(key)
            segment_values = _segment_columns.get(key)
            if segment_values is None:
                segment_values = list(leaf.column_reader(fieldname, translate=False))
                with _columns_lock:
                    _segment_columns[key] = segment_values
            values.extend(segment_values)
        with _columns_lock:  # forget merged-away segments of this field
            for key in [k for k in _segment_columns if k[1] == fieldname and k not in live]:
                del _segment_columns[key]
        cache[fieldname] = values
    return values


def facet_counts(searcher, docs: set[int], fieldname: str) -> dict:
    """{value: number of ``docs`` with it} for a sortable keyword column (as Whoosh's Count facet)."""
    column = _column(searcher, fieldname)
    raw = Counter(map(column.__getitem__, docs))
    field = searcher.schema[fieldname]
    out: dict = {}
    for value, count in raw.items():
        name = field.from_column_value(value)
        out[name] = out.get(name, 0) + count
    return out


def column_array(searcher, fieldname: str):
    """A sortable numeric column (dates) by global doc number, as a numpy array (date sorts)."""
    import numpy as np

    return np.asarray(_column(searcher, fieldname), dtype=np.float64)
