"""haystack's Whoosh backend, fitted for Arabic and for several web workers (SEARCH-DESIGN.md §9).

- Schema: ``text``/``title`` with the stemming Arabic analyzer, plus ``text_exact``/``title_exact``
  (normalized, unstemmed, positions for phrases); "did you mean" reads a word list beside the
  index (``analysis.SPELL_FILE``), not a field with postings per article; slugs and the year are
  sortable keyword columns (filters and facets).
- Reads: one searcher per process (per thread), refreshed only when the index changed; no narrow
  query, no second searcher (haystack opens 2 searchers and 3 readers per query).
- Writes: one writer at a time across processes, behind an flock on ``<PATH>.lock`` held for the
  whole writer pass (Whoosh's own lock makes a second writer fail with LockError, trap 5).
- Rebuilds: into a fresh sibling directory, then exchanged with ``PATH`` in one renameat2 call: a
  reader sees the old index or the new one, never a half-written or empty one.
- A missing, empty or unreadable index raises SearchUnavailable, which the UI shows as HTTP 503.
- Segments are written as separate files, never compound (``WRITER_OPTIONS``): Whoosh reads a
  compound segment through a BytesIO copy of each part, ~470 MB of private memory per worker on
  the full corpus; separate files are read on demand and shared through the page cache.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import heapq
import logging
import os
import secrets
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS_COLUMN
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PerDocReader, W3Segment
from whoosh.codec.whoosh3 import _lenfield as w3_lenfield
from whoosh.fields import DATETIME, STORED, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import FilterMatcher
from whoosh.qparser import MultifieldParser
from whoosh.sorting import Count, FieldFacet
from whoosh.util import IDCHARS
from whoosh.util.numeric import byte_to_length

from articles.search import analysis, lifecycle
from articles.search.analyzer import ArabicText, current_variant_map

log = logging.getLogger(__name__)

TITLE_BOOST = 3.0
EXACT_BOOST = 0.5
KEYWORD_FIELDS = {"section", "publication", "year"}
STORED_FIELDS = {"section_name", "publication_name", "source_url"}
LOCK_TIMEOUT = 120.0
# Every writer (and the merges it does) writes non-compound segments; see the module docstring.


class UniqueSegmentCodec(W3Codec):
    """Whoosh's codec, with new segments named from the OS's randomness.

    Whoosh names a segment with the global ``random`` module. A process that seeds it (the load
    test's editor calls random.seed(7); hypothesis seeds it in tests) draws the same names as the
    last process that did, and its commit overwrites the files of a live segment of that name:
    the load test's editor corrupted the index that way (a 0-byte postings file, searches failing
    with struct.error, an edit lost). The segment keeps a plain W3Codec, so the index stays a
    standard Whoosh index that any Whoosh can read.
    """

    def new_segment(self, storage, indexname):
        segid = "".join(secrets.choice(IDCHARS) for _ in range(16))
        return W3Segment(W3Codec(), indexname, segid=segid)

    def per_document_reader(self, storage, segment):
        # Only writers get here (a commit reading back the segment it wrote, merges); searchers read
        # through the segment's own plain W3Codec.
        return _ListLengthsReader(storage, segment)


class _ListLengthsReader(W3PerDocReader):
    """Field lengths for a commit from one list per field, read once.

    A commit looks up the document's field length for every posting it writes (BM25 block
    statistics): 1.2 M lookups for 3,000 articles, each a column read and a byte decode, about a
    tenth of a build. Same values as W3PerDocReader.doc_field_length_reader (None for a zero byte).
    """

    def doc_field_length_reader(self, fieldname, default=0):
        column = self._cached_reader(w3_lenfield(fieldname), W3_LENGTHS_COLUMN)
        if column is None:
            return lambda docnum, _default=default: _default
        table = [None, *(byte_to_length(b) for b in range(1, 256))]
        return [table[b] for b in column].__getitem__


WRITER_OPTIONS = {"compound": False, "codec": UniqueSegmentCodec()}
# Opening the index retries this often when a concurrent commit removes a file it was about to read.
OPEN_ATTEMPTS = 5


class SearchUnavailable(Exception):
    """The index is missing, empty or unreadable."""

    message = "البحث غير متاح الآن. نعمل على إصلاحه، حاول بعد قليل."

    def __init__(self, detail: str = ""):
        super().__init__(detail or self.message)
        self.detail = detail


_local = threading.local()


def reset_searchers() -> None:
    """Forget this thread's cached searchers (tests pointing PATH elsewhere call this)."""
    for _real, searcher in getattr(_local, "searchers", {}).values():
        try:
            searcher.close()
        except Exception:
            pass
    _local.searchers = {}


def _signature(path: str) -> tuple:
    """What identifies the index's state: the directory's inode and every file's name, inode, size, mtime.

    A missing directory raises FileNotFoundError. A file that vanishes between listing and stat (a
    writer's MAIN.tmp, segments it merged away) is left out: it was being changed, and the next call
    sees the result. Treating it as "no index" gave readers a 503 during an editor's save.
    """
    files = []
    with os.scandir(path) as entries:
        for entry in entries:
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue
            files.append((entry.name, entry.inode(), stat.st_size, stat.st_mtime_ns))
    return (os.stat(path).st_ino, tuple(sorted(files)))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: str, b: str) -> bool:
    """Atomically swap two directory entries (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


# --- Matching without scoring: counts and facets -----------------------------------------------

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


class _OpenedColumnsReader(W3PerDocReader):
    """A per-document reader whose column files were all opened up front (open_all_columns):
    whether a column exists is what was found then, not whether its file still exists now."""

    def has_column(self, fieldname):
        return fieldname in self._colfiles


def open_all_columns(searcher) -> None:
    """Open the column files (stored fields, lengths, sort columns) of every segment now.

    Whoosh opens a non-compound segment's column files on first use, and a writer's commit deletes
    the files of the segments it merged away. A searcher opened before such a commit still lists
    those segments, and its first read of a column then finds no file: under the load test's
    editor, stored_fields() failed with "'NoneType' object is not subscriptable" (HTTP 500). A file
    that is open survives its deletion, so opening them all with the searcher leaves only the moment
    of opening, which ``_open_searcher`` retries; Whoosh's has_column() asks the directory each
    time, so the reader answers from the files it holds instead. Files only: no column is read into
    memory here.
    """
    listings: dict[int, list[str]] = {}
    for leaf, _offset in searcher.leaf_searchers():
        reader = leaf.reader()
        perdoc = getattr(reader, "_perdoc", None)
        if not isinstance(perdoc, W3PerDocReader):
            continue
        storage = reader.storage()
        names = listings.setdefault(id(storage), storage.list())
        segment_id = reader.segment().segment_id()
        prefix = f"{segment_id}."
        for name in names:
            if name.startswith(prefix) and name.endswith(".col"):
                fieldname = name[len(prefix) : -len(".col")]
                if fieldname not in perdoc._colfiles:
                    perdoc._colfiles[fieldname] = perdoc._get_column_file(fieldname)
        if "_stored" not in perdoc._colfiles:
            # Every segment stores fields: its files went (merged away) after the reader opened it.
            raise FileNotFoundError(f"segment {segment_id} was removed while the searcher opened")
        perdoc.__class__ = _OpenedColumnsReader


class ArabicWhooshSearchBackend(WhooshSearchBackend):
    def setup(self):
        """Schema only: the index is opened lazily, read-only for searches, created only by writers."""
        from haystack import connections

        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        self.parser = MultifieldParser(
            [self.content_field_name, "title"],
            schema=self.schema,
            fieldboosts={self.content_field_name: 1.0, "title": TITLE_BOOST},
        )
        self.setup_complete = True

    # --- schema --------------------------------------------------------------------------------

    def build_schema(self, fields):
        content_field_name, base = super().build_schema(fields)
        # haystack turned on spelling for its English analyzer (a "spell_text" field): not ours.
        spec = {name: base[name] for name in base.names() if not name.startswith("spell_")}
        for field in fields.values():
            name = field.index_fieldname
            if field.document:
                # Stems need no positions: phrases are matched on the exact field.
                spec[name] = ArabicText("stem", stored=True, phrase=False)
                spec[f"{name}_exact"] = ArabicText("exact", phrase=True, field_boost=EXACT_BOOST)
            elif name == "title":
                spec[name] = ArabicText("stem", stored=True, phrase=False, field_boost=TITLE_BOOST)
                spec[f"{name}_exact"] = ArabicText("exact", phrase=True, field_boost=TITLE_BOOST * EXACT_BOOST * 2)
            elif name in KEYWORD_FIELDS:
                spec[name] = WHOOSH_ID(stored=True, sortable=True)
            elif name in STORED_FIELDS:
                spec[name] = STORED()
            elif field.field_type in ("date", "datetime"):
                spec[name] = DATETIME(stored=True, sortable=True)
        return content_field_name, Schema(**spec)

    # --- paths, lock, index ---------------------------------------------------------------------

    @property
    def lock_path(self) -> str:
        return self.path.rstrip("/") + ".lock"

    @contextmanager
    def write_lock(self, timeout: float = LOCK_TIMEOUT):
        """Exclusive across processes: one writer pass (or a swap) at a time."""
        Path(self.lock_path).parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def open_index(self):
        """The live index for reading, or SearchUnavailable."""
        if not self.setup_complete:
            self.setup()
        if not os.path.isdir(self.path):
            raise SearchUnavailable(f"no index directory at {self.path}")
        for attempt in range(OPEN_ATTEMPTS):
            try:
                if not whoosh_index.exists_in(self.path):
                    raise SearchUnavailable(f"no index in {self.path}")
                return FileStorage(self.path).open_index(schema=self.schema)
            except SearchUnavailable:
                raise
            except FileNotFoundError as exc:
                # A commit replaced the table of contents between finding and reading it: read the new one.
                if attempt == OPEN_ATTEMPTS - 1:
                    raise SearchUnavailable(f"unreadable index in {self.path}: {exc!r}") from exc
            except Exception as exc:  # corrupt TOC or segment files: whatever Whoosh raises
                raise SearchUnavailable(f"unreadable index in {self.path}: {exc!r}") from exc
        raise AssertionError("unreachable")

    def _writable_index(self):
        """The live index for writing (caller holds the write lock); created empty if missing."""
        if not self.setup_complete:
            self.setup()
        if not whoosh_index.exists_in(self.path):
            self._swap_in(self._create_empty())
        return FileStorage(self.path).open_index(schema=self.schema)

    def searcher(self):
        """This process's searcher on the live index, refreshed only when the index changed.

        The check per query is one scandir of the index directory. Any change (a commit, a swapped
        directory, a file changed under us) reopens: Searcher.refresh() would reuse segment readers
        whose deletions changed, and a removed article would still be found.
        """
        cache = getattr(_local, "searchers", None)
        if cache is None:
            cache = _local.searchers = {}
        try:
            signature = _signature(self.path)
        except OSError as exc:
            self._forget(cache)
            raise SearchUnavailable(f"no index directory at {self.path}") from exc
        entry = cache.get(self.path)
        if entry is not None:
            old_signature, searcher = entry
            if old_signature == signature:
                return searcher
            self._forget(cache)
        try:
            searcher = self._open_searcher()
        except SearchUnavailable:
            log.warning("search index unavailable at %s", self.path, exc_info=True)
            raise
        except Exception as exc:
            log.warning("search index unreadable at %s", self.path, exc_info=True)
            raise SearchUnavailable(f"unreadable index in {self.path}: {exc!r}") from exc
        cache[self.path] = (signature, searcher)
        return searcher

    def _open_searcher(self, attempts: int = OPEN_ATTEMPTS):
        """A searcher with every file it will read already open (open_all_columns), retried when a
        commit removed files between reading the table of contents and opening them."""
        for attempt in range(attempts):
            searcher = None
            try:
                searcher = self.open_index().searcher()
                open_all_columns(searcher)
                return searcher
            except FileNotFoundError:
                if searcher is not None:
                    searcher.close()
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _forget(self, cache) -> None:
        entry = cache.pop(self.path, None)
        if entry is not None:
            try:
                entry[1].close()
            except Exception:
                pass

    # --- writes -----------------------------------------------------------------------------------

    def prepare_document(self, index, obj) -> dict | None:
        """The Whoosh document of ``obj``: haystack's fields, None values dropped, Arabic fields derived."""
        if not self.setup_complete:
            self.setup()
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc.pop("boost", None)
        out = {}
        for key, value in doc.items():
            if value is None:
                continue
            out[key] = value if hasattr(value, "strftime") else self._from_python(value)
        text = out.get(self.content_field_name, "")
        out[f"{self.content_field_name}_exact"] = text
        if "title" in out:
            out["title_exact"] = out["title"]
        return out

    def write(self, documents: Iterable[dict], remove_ids: Iterable[str] = ()) -> None:
        """One writer pass: delete ``remove_ids`` (haystack identifiers), add or replace ``documents``."""
        documents = list(documents)
        remove_ids = list(remove_ids)
        if not documents and not remove_ids:
            return
        with self.write_lock():
            ix = self._writable_index()
            used_before = current_variant_map()  # the analyzer looks the map up per document
            writer = ix.writer(**WRITER_OPTIONS)
            try:
                for identifier in remove_ids:
                    writer.delete_by_term(ID, identifier)
                for doc in documents:
                    writer.update_document(**doc)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            if documents:
                # They carry the map of the moment; the build's fingerprint stays (see lifecycle.py).
                lifecycle.record_write(self.path, [used_before, current_variant_map()])
                # Their words join the "did you mean" vocabulary (removals do not leave it).
                raw: Counter = Counter()
                for doc in documents:
                    analysis.count_spellings(doc.get(self.content_field_name, ""), raw)
                analysis.write_spellings(self.path, analysis.spell_counts(raw), append=True)

    def update(self, index, iterable, commit=True):
        if not self.setup_complete:
            self.setup()
        docs = []
        for obj in iterable:
            doc = self.prepare_document(index, obj)
            if doc is not None:
                docs.append(doc)
        self.write(docs)

    def remove(self, obj_or_string, commit=True):
        if not self.setup_complete:
            self.setup()
        self.write([], [get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        if not self.setup_complete:
            self.setup()
        if models:
            from haystack.utils import get_model_ct

            cts = {get_model_ct(model) for model in models}
            with self.write_lock():
                ix = self._writable_index()
                writer = ix.writer(**WRITER_OPTIONS)
                for ct in cts:
                    writer.delete_by_term("django_ct", ct)
                writer.commit()
            return
        # Everything: an empty index takes the place of the old one in one rename.
        with self.write_lock():
            self._swap_in(self._create_empty())

    def delete_index(self):
        self.clear()

    def optimize(self):
        with self.write_lock():
            self._writable_index().optimize(**WRITER_OPTIONS)

    # --- rebuild into a new directory, then swap -------------------------------------------------------

    def new_build_dir(self) -> str:
        base = Path(self.path.rstrip("/"))
        target = base.parent / f"{base.name}.gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
        target.mkdir(parents=True)
        return str(target)

    def _create_empty(self) -> str:
        directory = self.new_build_dir()
        FileStorage(directory).create_index(self.schema)
        # Empty, so true for the current sets; documents written later are recorded by write().
        lifecycle.write_build_info(directory, current_variant_map())
        return directory

    def remove_leftovers(self, keep=()) -> list[lifecycle.BuildDir]:
        """Delete build directories left by killed processes (lifecycle.py), under the write lock."""
        with self.write_lock():
            return lifecycle.remove_leftovers(self.path, keep=keep)

    def create_build_index(self, directory: str):
        return FileStorage(directory).create_index(self.schema)

    def swap_in(self, directory: str) -> None:
        """Make ``directory`` (a complete index) the live one."""
        with self.write_lock():
            self._swap_in(directory)

    def _swap_in(self, directory: str) -> None:
        """``directory`` becomes PATH in one atomic exchange (renameat2), the old index is deleted.

        Open searchers keep reading the old files (unlinked, still open) until they refresh.
        Where the filesystem cannot exchange, two renames leave PATH missing for a moment.
        """
        path = self.path.rstrip("/")
        if os.path.isdir(path):
            if not _exchange(directory, path):
                aside = f"{path}.gen-old-{os.getpid()}-{time.monotonic_ns()}"  # pid: see lifecycle.py
                os.rename(path, aside)
                os.rename(directory, path)
                directory = aside
            shutil.rmtree(directory, ignore_errors=True)
        else:
            if os.path.lexists(path):
                os.remove(path)
            os.rename(directory, path)

    # --- reads -----------------------------------------------------------------------------------------

    def indexed_stamps(self) -> dict[int, object]:
        """{article pk: stored ``modified``} of every document in the live index."""
        searcher = self.searcher()
        return {int(fields[DJANGO_ID]): fields.get("modified") for fields in searcher.reader().all_stored_fields()}

    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, facets=None, **kwargs):
        """SearchQuerySet support on the cached searcher: ordering, paging and field facets.

        The site's search uses query.run_search; this path is what portable.run_search (the search
        page on other engines) runs on when tested against the Arabic index. One model is indexed,
        so haystack's model narrowing is not needed.
        """
        if not self.setup_complete:
            self.setup()
        query_string = (query_string or "").strip()
        if not query_string or query_string == "*":
            return {"results": [], "hits": 0}
        searcher = self.searcher()
        parsed = self.parser.parse(query_string)
        if parsed is None:
            return {"results": [], "hits": 0}
        page_num, page_length = self.calculate_page(start_offset, end_offset)
        reverse = False
        sortedby = None
        if sort_by:
            reverse = sort_by[0].startswith("-")
            sortedby = [field.lstrip("-") for field in sort_by]
        groupedby = [FieldFacet(name, allow_overlap=True, maptype=Count) for name in facets or ()]
        results = searcher.search(
            parsed, limit=page_num * page_length, sortedby=sortedby, reverse=reverse, groupedby=groupedby or None
        )
        page = results[(page_num - 1) * page_length : page_num * page_length]
        processed = self._process_hits(page, len(results), kwargs.get("result_class"))
        if groupedby:
            processed["facets"] = {
                "fields": {
                    name: sorted(results.groups(name).items(), key=lambda kv: (-kv[1], str(kv[0]))) for name in facets
                }
            }
        return processed

    def _process_hits(self, hits, total, result_class=None):
        from haystack.models import SearchResult

        result_class = result_class or SearchResult
        results = []
        for hit in hits:
            fields = dict(hit.fields())
            app_label, model_name = fields.pop("django_ct").split(".")
            pk = fields.pop(DJANGO_ID)
            fields.pop(ID, None)
            results.append(result_class(app_label, model_name, pk, hit.score or 0, **fields))
        return {"results": results, "hits": total, "facets": {}, "spelling_suggestion": None}


class ArabicWhooshEngine(BaseEngine):
    backend = ArabicWhooshSearchBackend
    query = WhooshSearchQuery
