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
import logging
import os
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
from whoosh.fields import DATETIME, STORED, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import MultifieldParser
from whoosh.sorting import Count, FieldFacet

from articles.search import analysis, lifecycle, spelling
from articles.search.analyzer import ArabicText, current_variant_map
from articles.search.segments import UniqueSegmentCodec, open_all_columns

log = logging.getLogger(__name__)

TITLE_BOOST = 3.0
EXACT_BOOST = 0.5
KEYWORD_FIELDS = {"section", "publication", "year"}
STORED_FIELDS = {"section_name", "publication_name", "source_url", "digest"}
LOCK_TIMEOUT = 120.0
# Every writer (and the merges it does) writes non-compound segments named by UniqueSegmentCodec;
# see the module docstring and segments.py.
WRITER_OPTIONS = {"compound": False, "codec": UniqueSegmentCodec()}
# Opening a searcher retries this often when a concurrent commit removes a file it was about to read.
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


class ArabicWhooshSearchBackend(WhooshSearchBackend):
    has_exact_fields = True  # text_exact/title_exact: portable.py searches them too

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
        """Exclusive across processes: one writer pass (or a swap) at a time.

        Re-entrant within a thread (``indexing.sync_articles`` reads the database under the lock and
        then calls ``write``, which takes it again): an flock taken twice through two open files
        would wait for itself.
        """
        held = getattr(_local, "write_locks", None)
        if held is None:
            held = _local.write_locks = {}
        if held.get(self.lock_path):
            held[self.lock_path] += 1
            try:
                yield
            finally:
                held[self.lock_path] -= 1
            return
        Path(self.lock_path).parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a") as handle:
            deadline = time.monotonic() + timeout
            waiting = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                        raise
                    if not waiting:
                        waiting = True
                        log.info("waiting for the index write lock %s (another writer holds it)", self.lock_path)
                    time.sleep(0.02)
            held[self.lock_path] = 1
            try:
                yield
            finally:
                held[self.lock_path] = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    def open_index(self):
        """The live index for reading, or SearchUnavailable."""
        if not self.setup_complete:
            self.setup()
        if not os.path.isdir(self.path):
            raise SearchUnavailable(f"no index directory at {self.path}")
        try:
            if not whoosh_index.exists_in(self.path):
                raise SearchUnavailable(f"no index in {self.path}")
            return FileStorage(self.path).open_index(schema=self.schema)
        except (SearchUnavailable, FileNotFoundError):
            # FileNotFoundError: a commit replaced the table of contents between finding and reading
            # it; the caller (_open_searcher) tries again.
            raise
        except Exception as exc:  # corrupt TOC or segment files: whatever Whoosh raises
            raise SearchUnavailable(f"unreadable index in {self.path}: {exc!r}") from exc

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
        concurrent commit removed a file on the way: the table of contents, or segment files."""
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
                # Words the "did you mean" vocabulary lacks join it (removals do not leave it). Only new
                # words: appending every saved article's words grew the list by thousands of lines per
                # save, and every worker re-read it.
                raw: Counter = Counter()
                for doc in documents:
                    analysis.count_spellings(doc.get(self.content_field_name, ""), raw)
                known = spelling.spell_vocabulary(self.path).counts
                new = {w: c for w, c in analysis.spell_counts(raw).items() if w not in known}
                if new:
                    analysis.write_spellings(self.path, new, append=True)

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
        return self.indexed_values("modified")

    def indexed_values(self, field: str) -> dict[int, object]:
        """{article pk: the stored ``field`` (None when absent)} of every document in the live index."""
        searcher = self.searcher()
        return {int(fields[DJANGO_ID]): fields.get(field) for fields in searcher.reader().all_stored_fields()}

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


def arabic_whoosh_backend(using: str = "default") -> ArabicWhooshSearchBackend | None:
    """The connection's backend when it is this Arabic Whoosh one; None for Elasticsearch, Solr, ..."""
    from haystack import connections

    backend = connections[using].get_backend()
    return backend if isinstance(backend, ArabicWhooshSearchBackend) else None


class ArabicWhooshEngine(BaseEngine):
    backend = ArabicWhooshSearchBackend
    query = WhooshSearchQuery
