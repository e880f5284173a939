"""Ranked retrieval over the Arabic Whoosh index: BM25F with a coverage factor, scored in bulk.

The reader's informative words (``planning.Clause``) each match a set of documents; a document is a
result when it matches at least one of them (or every required clause), and it is ranked by

    score(d) = BM25F(d) × coverage(d) ** COVERAGE_POWER

where BM25F is the sum of every clause term's Whoosh BM25F score (same idf, average lengths, B, K1 and
field weights as ``searcher.weighting``), and coverage is the share of the query's IDF that ``d``
matches: a document missing a rare word loses much, one missing a common word little (an IDF-weighted
coordination factor, like Elasticsearch's ``minimum_should_match`` turned into a score).

Scores are computed for every matching document at once with numpy arrays indexed by document number
(postings decoded once per segment and kept: segments never change). On this corpus (31k documents) a
full pass over even the commonest words' postings costs a few milliseconds, less than the Python-level
bookkeeping that MaxScore/WAND pruning would add; docs/search.md says when that stops being true.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from articles.search import matching

# Tuned on the question development set (docs/search.md): the share of IDF covered counts once
# (a square buried answers missing one common word), title words 1.5x their body weight (the index
# stores them at 3x), and long documents pay more for their length (B) than Whoosh's default 0.75.
COVERAGE_POWER = 1.0
TITLE_WEIGHT = 0.5
BM25_B = 0.9
# Decoded postings kept per process, counted in postings (8 bytes each): about 32 MB.
POSTINGS_CACHE_LIMIT = 4_000_000

_postings_cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_postings_size = 0
_cache_lock = threading.Lock()
_lengths_cache: dict[tuple[str, str], np.ndarray] = {}
_live_masks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class Scoring:
    """What one clause contributes: its terms as (field, text, boost) and its IDF weight in coverage."""

    terms: list[tuple[str, str, float]]
    idf: float
    required: bool = False
    counts: bool = True  # part of "has every word" (False for scoring-only terms, e.g. a phrase's words)


@dataclass
class Ranked:
    matched: np.ndarray  # doc numbers of the results, ascending
    all_words: int  # how many of them match every counted clause
    top: list[tuple[float, int]]  # (score, docnum), best first
    scores: np.ndarray  # score by doc number (0 for non-results)
    every: np.ndarray  # aligned with ``matched``: True where the document has every counted clause


def postings(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(local doc numbers, weights) of a term in one segment, deleted documents included, cached."""
    global _postings_size
    key = (leaf.segment().segment_id(), fieldname, btext)
    with _cache_lock:
        hit = _postings_cache.get(key)
        if hit is not None:
            _postings_cache.move_to_end(key)
            return hit
    ids, weights = matching._postings(leaf, fieldname, btext, None)
    value = (np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64))
    with _cache_lock:
        _postings_cache[key] = value
        _postings_size += len(ids)
        while _postings_size > POSTINGS_CACHE_LIMIT and len(_postings_cache) > 1:
            _old, (old_ids, _w) = _postings_cache.popitem(last=False)
            _postings_size -= len(old_ids)
    return value


def lengths(leaf, fieldname: str) -> np.ndarray:
    key = (leaf.segment().segment_id(), fieldname)
    array = _lengths_cache.get(key)
    if array is None:
        array = np.asarray(matching._lengths(leaf, fieldname), dtype=np.float64)
        with _cache_lock:
            if len(_lengths_cache) > 400:  # merged-away segments
                _lengths_cache.clear()
            _lengths_cache[key] = array
    return array


def live_mask(searcher) -> np.ndarray:
    """True for every doc number of ``searcher`` that is not deleted."""
    mask = _live_masks.get(searcher)
    if mask is None:
        mask = np.ones(searcher.doc_count_all(), dtype=bool)
        for leaf, offset in searcher.reader().leaf_readers():
            deleted = leaf.deleted_docs_set
            if deleted:
                mask[np.fromiter(deleted, dtype=np.int64) + offset] = False
        _live_masks[searcher] = mask
    return mask


def doc_mask(searcher, docs) -> np.ndarray:
    """A boolean array over doc numbers from an iterable of doc numbers."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    array = np.fromiter(docs, dtype=np.int64)
    if len(array):
        mask[array] = True
    return mask


def clause_docs(searcher, terms: list[tuple[str, str, float]]) -> np.ndarray:
    """Boolean mask of the documents any of ``terms`` occurs in (deleted ones included)."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    for fieldname, btext, _boost, leaf, offset in _term_leaves(searcher, terms):
        ids, _weights = postings(leaf, fieldname, btext)
        mask[ids + offset] = True
    return mask


def _term_leaves(searcher, terms):
    schema = searcher.schema
    leaves = searcher.reader().leaf_readers()
    for fieldname, text, boost in terms:
        if fieldname not in schema:
            continue
        btext = schema[fieldname].to_bytes(text) if isinstance(text, str) else text
        for leaf, offset in leaves:
            if (fieldname, btext) in leaf:
                yield fieldname, btext, boost, leaf, offset


def bm25_into(searcher, terms: list[tuple[str, str, float]], scores: np.ndarray, hits: np.ndarray) -> None:
    """Add the BM25F score of every term to ``scores`` and mark its documents in ``hits``."""
    weighting = searcher.weighting
    k1 = float(getattr(weighting, "K1", 1.2))
    b = BM25_B
    schema = searcher.schema
    for fieldname, btext, boost, leaf, offset in _term_leaves(searcher, terms):
        if not schema[fieldname].scorable:
            continue
        ids, weights = postings(leaf, fieldname, btext)
        if not len(ids):
            continue
        idf = searcher.idf(fieldname, btext.decode("utf-8") if isinstance(btext, bytes) else btext)
        avgfl = searcher.avg_field_length(fieldname) or 1.0
        fl = lengths(leaf, fieldname)[ids]
        part = idf * (weights * (k1 + 1.0)) / (weights + k1 * ((1.0 - b) + b * fl / avgfl))
        weight = TITLE_WEIGHT if fieldname.startswith("title") else 1.0
        scores[ids + offset] += boost * weight * part
        hits[ids + offset] = True


def rank(
    searcher,
    clauses: list[Scoring],
    limit: int,
    restrict: np.ndarray | None = None,
    excluded: np.ndarray | None = None,
) -> Ranked:
    """Score every document that matches the clauses; the ``limit`` best first.

    ``restrict``: documents a result must be among (filters, phrases); ``excluded``: documents it must
    not be. A document must match every required clause and, when there are optional clauses and no
    required ones, at least one of them.
    """
    size = searcher.doc_count_all()
    total = np.zeros(size, dtype=np.float64)
    covered = np.zeros(size, dtype=np.float64)
    counted = np.zeros(size, dtype=np.int16)
    required = np.ones(size, dtype=bool)
    anyof = np.zeros(size, dtype=bool)
    total_idf = 0.0
    n_counted = 0
    has_required = False
    hits = np.zeros(size, dtype=bool)
    for clause in clauses:
        hits[:] = False
        bm25_into(searcher, clause.terms, total, hits)
        if clause.required:
            required &= hits
            has_required = True
        if clause.counts:
            anyof |= hits
            covered += clause.idf * hits
            counted += hits
            total_idf += clause.idf
            n_counted += 1
    matched = live_mask(searcher).copy()
    if has_required:
        matched &= required
    elif n_counted:
        matched &= anyof
    else:
        matched[:] = False
    if restrict is not None:
        matched &= restrict
    if excluded is not None:
        matched &= ~excluded
    final = np.zeros(size, dtype=np.float64)
    if total_idf > 0:
        final[matched] = total[matched] * (covered[matched] / total_idf) ** COVERAGE_POWER
    else:
        final[matched] = total[matched]
    docs = np.flatnonzero(matched)
    every = counted[docs] == n_counted if n_counted else np.ones(len(docs), dtype=bool)
    return Ranked(
        matched=docs, all_words=int(np.count_nonzero(every)), top=top_of(final, docs, limit), scores=final, every=every
    )


def top_of(scores: np.ndarray, docs: np.ndarray, limit: int) -> list[tuple[float, int]]:
    """The ``limit`` best of ``docs`` by ``scores``: [(score, docnum)], ties by doc number."""
    if limit <= 0 or not len(docs):
        return []
    values = scores[docs]
    if len(docs) > limit:
        # Everything tied with the limit-th score is kept, so ties still break by doc number.
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= kth
        docs, values = docs[keep], values[keep]
    order = np.lexsort((docs, -values))[:limit]
    return [(float(values[i]), int(docs[i])) for i in order]


def idf(doc_frequency: int, doc_count: int) -> float:
    """BM25's inverse document frequency of a clause, never negative: a term's document frequency
    counts deleted (replaced) documents too and can exceed the live count."""
    doc_frequency = min(doc_frequency, doc_count)
    return math.log(1.0 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


def sorted_by_column(searcher, docs: np.ndarray, fieldname: str, reverse: bool, limit: int) -> list[int]:
    """The first ``limit`` of ``docs`` ordered by a sortable column (date sorts), ties by doc number."""
    if not len(docs):
        return []
    column = matching.column_array(searcher, fieldname)
    values = column[docs]
    order = np.lexsort((docs, -values if reverse else values))[:limit]
    return [int(docs[i]) for i in order]


PROXIMITY_CANDIDATES = 100  # best documents re-ranked by how close their query words stand
PROXIMITY_WINDOW = 8  # words apart: nearer pairs count more (1/distance)


def proximity(searcher, clauses: list[tuple[list[str], float]], docs: list[int], fieldname: str = "text_exact") -> dict:
    """{docnum: closeness} of ``docs``: for every pair of distinct clauses whose words stand within
    PROXIMITY_WINDOW positions of each other, sqrt(idf_i * idf_j) / distance of their nearest
    occurrences, summed. ``clauses``: (exact-field terms, idf) of each clause."""
    if len(clauses) < 2 or not docs:
        return {}
    schema = searcher.schema
    if fieldname not in schema or not schema[fieldname].format.supports("positions"):
        return {}
    field = schema[fieldname]
    found: dict[int, list[tuple[int, int]]] = {}
    for leaf, offset in searcher.reader().leaf_readers():
        end = offset + leaf.doc_count_all()
        local = sorted(d - offset for d in docs if offset <= d < end)
        if not local:
            continue
        for index, (terms, _idf) in enumerate(clauses):
            for text in terms:
                btext = field.to_bytes(text)
                if (fieldname, btext) not in leaf:
                    continue
                for docnum, at in _positions(leaf, fieldname, btext, local).items():
                    found.setdefault(docnum + offset, []).extend((p, index) for p in at)
    weights = [idf for _terms, idf in clauses]
    out: dict[int, float] = {}
    for docnum, positions in found.items():
        positions.sort()
        best: dict[tuple[int, int], int] = {}
        last: dict[int, int] = {}
        for pos, index in positions:
            for other, other_pos in last.items():
                if other != index and pos - other_pos <= PROXIMITY_WINDOW:
                    pair = (min(index, other), max(index, other))
                    gap = pos - other_pos
                    if gap < best.get(pair, PROXIMITY_WINDOW + 1):
                        best[pair] = gap
            last[index] = pos
        out[docnum] = sum(math.sqrt(weights[i] * weights[j]) / max(gap, 1) for (i, j), gap in best.items())
    return out


PHRASE_VERIFY_MAX = 3000  # documents whose positions are read to check one phrase


def phrase_docs(
    searcher, terms: list[str], slop: int, restrict: np.ndarray | None, fieldname: str = "text_exact"
) -> tuple[np.ndarray, bool]:
    """(mask of the documents where ``terms`` stand in order, each within ``slop`` words of the one
    before, whether every candidate was checked).

    Candidates are the documents with every term (and in ``restrict``); when there are more than
    PHRASE_VERIFY_MAX, the ones where the terms weigh most (BM25) are checked: a phrase of very common
    words («في من») reads positions of a bounded number of documents, not of the whole archive.
    """
    size = searcher.doc_count_all()
    candidates = live_mask(searcher).copy()
    if restrict is not None:
        candidates &= restrict
    term_list = [(fieldname, t, 1.0) for t in terms]
    for term in term_list:
        candidates &= clause_docs(searcher, [term])
    docs = np.flatnonzero(candidates)
    complete = len(docs) <= PHRASE_VERIFY_MAX
    if not complete:
        scores = np.zeros(size, dtype=np.float64)
        bm25_into(searcher, term_list, scores, np.zeros(size, dtype=bool))
        docs = np.sort(np.array([d for _s, d in top_of(scores, docs, PHRASE_VERIFY_MAX)], dtype=np.int64))
    found = np.zeros(size, dtype=bool)
    if not len(docs):
        return found, complete
    field = searcher.schema[fieldname]
    for leaf, offset in searcher.reader().leaf_readers():
        end = offset + leaf.doc_count_all()
        local = [int(d) - offset for d in docs if offset <= d < end]
        if not local:
            continue
        positions: list[dict[int, list[int]]] = []
        for text in terms:
            btext = field.to_bytes(text)
            positions.append(_positions(leaf, fieldname, btext, local) if (fieldname, btext) in leaf else {})
        for docnum in local:
            lists = [p.get(docnum) for p in positions]
            if all(lists) and _in_order(lists, slop):
                found[docnum + offset] = True
    return found, complete


def _positions(leaf, fieldname: str, btext: bytes, local: list[int]) -> dict[int, list[int]]:
    """{local doc number: positions of the term} for the ascending ``local`` documents that have it."""
    out: dict[int, list[int]] = {}
    matcher = leaf.postings(fieldname, btext)
    for docnum in local:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            out[docnum] = matcher.value_as("positions")
    return out


def _in_order(lists: list[list[int]], slop: int) -> bool:
    """Some position of the first list starts a chain through the others, each step 1..slop words."""
    rest = [sorted(p) for p in lists[1:]]
    for start in lists[0]:
        current = start
        for positions in rest:
            following = next((p for p in positions if current < p <= current + slop), None)
            if following is None:
                break
            current = following
        else:
            return True
    return False
