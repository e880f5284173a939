"""How the archive's writers name index segments and how its searchers open them.

Two ways a Whoosh index broke under an editor's saves while readers searched (the load test,
tests/faults/test_search_while_saving.py): segment names drawn from the global ``random`` module
collided, and column files opened lazily had been deleted by a merge in between.
"""

from __future__ import annotations

import secrets

from whoosh.codec.whoosh3 import LENGTHS_COLUMN as W3_LENGTHS_COLUMN
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3Segment
from whoosh.codec.whoosh3 import _lenfield as w3_lenfield
from whoosh.util import IDCHARS
from whoosh.util.numeric import byte_to_length


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
