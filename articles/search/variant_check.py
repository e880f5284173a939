"""Before an editor saves a spelling set: would it merge words that are each common on their own?

A set folds every spelling to one term at query time at once (variants.py), so a set such as
«السعودية = الرياض» makes each word find the other's articles, and, until the next build, the
index's own documents no longer match either spelling the way they were indexed. Sets are meant
for spellings of one word (أستانا = أستانة); two distinct words that each appear in many documents
are almost always a mistake. ``frequent_groups`` finds them so the admin can show the counts and ask
for an explicit confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from articles.search import analysis, variants
from articles.search.backend import SearchUnavailable, arabic_whoosh_backend

# Documents a word must appear in, on its own, to count as frequent.
DEFAULT_FREQUENT_DOCUMENTS = 50


def frequent_documents() -> int:
    return int(getattr(settings, "NEWSARCHIVE_VARIANT_FREQUENT_DOCUMENTS", DEFAULT_FREQUENT_DOCUMENTS))


def document_counts(spellings: Iterable[str]) -> list[tuple[str, str, int]]:
    """(spelling as typed, the term the index holds it under now, documents with that term), one per
    distinct term, first spelling first; [] when the index is not the Arabic Whoosh one or unreadable."""
    backend = arabic_whoosh_backend()
    if backend is None:
        return []
    try:
        reader = backend.searcher().reader()
    except SearchUnavailable:
        return []
    field = f"{backend.content_field_name}_exact"
    current = variants.get_variant_map()
    out: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for spelling in spellings:
        term = analysis.analyze_exact(spelling, current)
        if term and term not in seen:
            seen.add(term)
            out.append((spelling, term, reader.doc_frequency(field, term)))
    return out


def frequent_groups(spellings: Iterable[str], threshold: int | None = None) -> list[tuple[str, int]]:
    """(spelling, documents) for each distinct word of the set found in ``threshold`` documents or more,
    when there are at least two such words (else [])."""
    threshold = frequent_documents() if threshold is None else threshold
    frequent = [(spelling, count) for spelling, _term, count in document_counts(spellings) if count >= threshold]
    return frequent if len(frequent) >= 2 else []
