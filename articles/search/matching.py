"""Matching and ranking straight from a Whoosh searcher's segments (query.run_search's fast path).

- ``matching_docs``: the documents a query matches, unscored, from posting lists and set operations;
  counts and facets need nothing more.
- ``top_docs``: the best ``limit`` of them, as Whoosh would score them, scoring only candidates.
- ``facet_counts``: counts of a sortable column's values over a matched set.

Segments never change once written, so what is read from one (column values, field lengths) is
cached by segment id and survives a searcher being reopened after a save.
"""

from __future__ import annotations

import heapq
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


def _scoring_terms(query, out: list) -> bool:
    """Collect (field, text, boost) of the terms that add to the score; False for other shapes."""
    if query is wq.NullQuery:
        return True
    kind = type(query)
    if kind is wq.Term:
        out.append((query.fieldname, query.text, query.boost))
        return True
    if kind in (wq.Or, wq.And) and query.boost == 1.0:
        return all(_scoring_terms(sub, out) for sub in query.subqueries)
    if kind is wq.AndNot and query.boost == 1.0:
        return _scoring_terms(query.a, out)  # excluded words add nothing
    return False


def top_docs(searcher, query, docs: set[int], limit: int, cache: dict | None = None) -> list[tuple[float, int]] | None:
    """The ``limit`` best of ``docs`` for ``query``: [(score, docnum)], best first, ties by docnum.

    Whoosh's result for the same query, without running its matcher tree over every match: each
    term's postings are scored on their own (BM25F, as Whoosh does), the per-document sums pick the
    candidates, and only those are scored exactly by Whoosh's matcher (skip_to each candidate). The
    sums differ from Whoosh's by float rounding only, far inside the margin. None when the query
    holds something other than terms, Or, And and AndNot (the caller lets Whoosh collect).
    """
    terms: list = []
    if not docs or not _scoring_terms(query, terms):
        return None
    weighting = searcher.weighting
    approx = dict.fromkeys(docs, 0.0)
    get = approx.get
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        for fieldname, text, boost in terms:
            field = searcher.schema[fieldname] if fieldname in searcher.schema else None
            if field is None or not field.scorable:
                continue
            btext = field.to_bytes(text) if isinstance(text, str) else text
            if (fieldname, btext) not in reader:
                continue
            scorer = weighting.scorer(sub, fieldname, btext)
            score_of = getattr(scorer, "_score", None)
            if score_of is None or getattr(scorer, "dfl", None) is None:
                return None
            lengths = _lengths(reader, fieldname)
            ids, weights = _postings(reader, fieldname, btext, cache)  # deleted ones are not in ``docs``
            for local, weight in zip(ids, weights, strict=True):
                current = get(local + offset)
                if current is not None:
                    approx[local + offset] = current + boost * score_of(weight, lengths[local] or 0)
    if len(approx) > limit:
        lowest = heapq.nlargest(limit, approx.values())[-1]
        floor = lowest - 1e-6 * max(1.0, abs(lowest))
        candidates = sorted(docnum for docnum, score in approx.items() if score >= floor)
    else:
        candidates = sorted(approx)
    exact: list[tuple[float, int]] = []
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.doc_count_all()
        local = [d - offset for d in candidates if offset <= d < end]
        if not local:
            continue
        matcher = query.matcher(sub, context)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                exact.append((matcher.score(), docnum + offset))
    exact.sort(key=lambda item: (-item[0], item[1]))
    return exact[:limit]


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
    """A top_docs() result in the shape of a Whoosh Hit (``score``, ``fields()``)."""

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
