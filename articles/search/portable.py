"""run_search through haystack's SearchQuerySet: the search page on Elasticsearch/OpenSearch or Solr.

The Arabic Whoosh index has its own fast path (query.py), which reads segments directly. Any other
haystack engine is searched here, with haystack translating one query tree into the engine's syntax,
so the page, the API, their forms and templates stay the same. Same ``SearchParams`` in, same
``SearchOutcome`` out, same query language (words, "phrases", -exclusions, OR, NOT).

What is the same as the Whoosh path:
- the query is parsed by ``query.parse_query``; every word must match, else any-word with
  ``fallback=True``; a word that may start with a one-letter clitic (وقرار) matches either reading;
  stop words alone search the exact field;
- filters (section, publication, dates), sorts, facets after filters, pagination;
- snippets and titles highlighted by ``highlight.py`` on the stored original text, through the
  analysis module, so marks do not depend on the engine's highlighter.

- each word searches the stemmed and the exact fields (text, title, text_exact, title_exact), so
  the exact form and the title add to the score, as on Whoosh;
- a word of 5+ letters that the index does not know is matched within one edit on the exact
  fields (an engine fuzzy query, where the backend has ``supports_fuzzy``), and "did you mean" is
  ``query.suggest`` over the archive's word list (the backend's ``spell_vocabulary``, stored
  beside the index by build_index); other backends fall back to haystack's ``spelling_suggestion``.

What the engine decides: the analysis at query time (Elasticsearch/OpenSearch: the analyzers
generated from analysis.py by elasticsearch.py) and the scores (BM25). An engine that cannot
answer raises ``SearchUnavailable`` (HTTP 503), never a silent empty page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import reduce
from operator import and_, or_

from django.conf import settings
from haystack import connections
from haystack.inputs import Clean, Exact, Raw
from haystack.query import SQ, SearchQuerySet

from articles.models import Article
from articles.search import analysis, planning
from articles.search.backend import SearchUnavailable
from articles.search.highlight import TermMatcher
from articles.search.query import (
    FACET_FIELDS,
    MAX_PHRASES,
    ParsedQuery,
    SearchOutcome,
    SearchParams,
    _facets,
    date_bounds,
    hit_from_fields,
    prepare,
)
from articles.search.spelling import suggest
from articles.search.variants import get_variant_map

log = logging.getLogger(__name__)

# The exact (unstemmed, positional) fields every engine has: the Arabic Whoosh schema derives them,
# the generated Elasticsearch mapping fills them by copy_to. Phrases and lone stop words search them.
EXACT_FIELDS = ("text_exact", "title_exact")
# Where a word is looked for: stems (``content`` is the document field, text) and, on the Arabic
# schemas (``has_exact_fields``), exact forms.
STEM_FIELDS = ("content", "title")
FACET_LIMIT = 100
# Words the index does not know are matched within one edit (the engine's fuzzy query) from this length.
FUZZY_MIN_LENGTH = 5


def _either(field_values: list[tuple[str, object]]) -> SQ:
    return reduce(or_, (SQ(**{field: value}) for field, value in field_values))


class _Clauses:
    """The haystack query tree of a parsed query, and the words to highlight."""

    def __init__(
        self,
        variants,
        fuzzy: Mapping[str, set[str]] | None = None,
        exact_fields: bool = True,
    ):
        self.variants = variants
        self.fields = (*STEM_FIELDS, *EXACT_FIELDS) if exact_fields else STEM_FIELDS
        # Words the index does not know, matched within one edit instead -> the archive's spellings
        # within one edit (from its word list), to highlight what the engine's fuzzy query found.
        self.fuzzy = fuzzy or {}
        self.highlight_words: list[str] = []
        self.required: list[bool] = []  # per clause of build(): +word and phrases must match

    def word(self, word: str, positive: bool = True) -> SQ | None:
        exact = analysis.analyze_exact(word, self.variants)
        if not exact:
            return None
        if positive and word in self.fuzzy:
            self.highlight_words += [word, *sorted(self.fuzzy[word])]
            return _either([(field, Raw(f"{exact}~1")) for field in EXACT_FIELDS])
        readings = [word]
        # وقرار may be و + قرار; the engine's analyzer only sees one token, so ask for both.
        if analysis.analyze_clitic(word, self.variants) is not None:
            readings.append(word[1:])
        if positive:
            self.highlight_words += readings
        return _either([(field, Clean(r)) for r in dict.fromkeys(readings) for field in self.fields])

    def content_words(self, parsed: ParsedQuery) -> list[str]:
        """The positive words that search the stemmed fields (stop words among others do not)."""
        return [w.text for g in parsed.groups for w in g if analysis.analyze_stemmed(w.text, self.variants)]

    def exact_word(self, word: str) -> SQ | None:
        if not analysis.analyze_exact(word, self.variants):
            return None
        self.highlight_words.append(word)
        return _either([(field, Clean(word)) for field in EXACT_FIELDS])

    def phrase(self, words: list[str], positive: bool = True) -> SQ | None:
        words = [w for w in words if analysis.analyze_exact(w, self.variants)]
        if not words:
            return None
        if positive:
            self.highlight_words += words
        return _either([(field, Exact(" ".join(words))) for field in EXACT_FIELDS])

    def build(self, parsed: ParsedQuery) -> tuple[list[SQ], list[SQ]]:
        """(required clauses, excluded clauses), as query._Builder.build() for Whoosh."""
        clauses: list[SQ] = []
        self.required = []
        # The same cost bound as the Whoosh path (planning.py): repeats once, question words out,
        # at most SEARCH_MAX_TERMS words (this path has no document frequencies to keep the rarest).
        seen: set[tuple] = set()
        content_groups = []
        for group in parsed.groups:
            kept = [w for w in group if planning.informative(w.text, self.variants)]
            key = tuple(sorted(analysis.analyze_exact(w.text, self.variants) for w in kept))
            if kept and key not in seen and len(content_groups) < settings.SEARCH_MAX_TERMS:
                seen.add(key)
                content_groups.append(group)
        for group in content_groups or parsed.groups[: settings.SEARCH_MAX_TERMS]:
            if content_groups:
                subs = [self.word(w.text) for w in group if analysis.analyze_stemmed(w.text, self.variants)]
            else:
                subs = [self.exact_word(w.text) for w in group]
            subs = [s for s in subs if s is not None]
            if subs:
                clauses.append(reduce(or_, subs))
                self.required.append(any(w.required for w in group))
        for words in parsed.phrases[:MAX_PHRASES]:
            phrase = self.phrase(words)
            if phrase is not None:
                clauses.append(phrase)
                self.required.append(True)
        excluded = [self.word(w.text, positive=False) for w in parsed.excluded_words]
        excluded += [self.phrase(words, positive=False) for words in parsed.excluded_phrases]
        return clauses, [e for e in excluded if e is not None]


def _filtered(sqs: SearchQuerySet, params: SearchParams) -> SearchQuerySet:
    if params.section:
        sqs = sqs.filter(section=Exact(params.section))
    if params.publication:
        sqs = sqs.filter(publication=Exact(params.publication))
    start, end = date_bounds(params)
    if start is not None:
        sqs = sqs.filter(published_at__gte=start)
    if end is not None:
        sqs = sqs.filter(published_at__lte=end)
    return sqs


def _facet_groups(sqs: SearchQuerySet) -> dict[str, dict]:
    fields = (sqs.facet_counts() or {}).get("fields", {})
    return {name: {value: count for value, count in fields.get(name, []) if count} for name in FACET_FIELDS}


def _unknown_words(base: SearchQuerySet, builder: _Clauses, parsed: ParsedQuery) -> list[str]:
    """Positive words no document matches at all (whatever the filters), in query order."""
    probe = _Clauses(builder.variants, exact_fields=builder.fields != STEM_FIELDS)
    return [w for w in builder.content_words(parsed) if not base.filter(probe.word(w, positive=False)).count()]


def _run(
    base: SearchQuerySet, clauses: list[SQ], required: list[bool], start: int, page_size: int
) -> tuple[SearchQuerySet, list, int, int]:
    """Ranked as on the Whoosh path: any clause matches (every required one must), the engine's
    scores sum what each matching clause adds, so documents with more of the words rank first.
    (query set, page of results, count, how many have every clause).

    haystack's query tree has no optional clause beside required ones (Elasticsearch's ``should``
    next to ``must``): with a required clause, the others do not widen the results."""
    must = [c for c, r in zip(clauses, required, strict=True) if r]
    sqs = base.filter(reduce(and_, must) if must else reduce(or_, clauses))
    results = list(sqs[start : start + page_size])
    count = sqs.count()
    everything = count if len(clauses) == 1 or not count else base.filter(reduce(and_, clauses)).count()
    return sqs, results, count, everything


def run_search(params: SearchParams, using: str = "default") -> SearchOutcome:
    parsed, empty = prepare(params)
    if parsed.is_empty():
        return empty
    page, page_size = empty.page, empty.page_size
    variants = get_variant_map()
    backend = connections[using].get_backend()
    exact_fields = getattr(backend, "has_exact_fields", False)
    builder = _Clauses(variants, exact_fields=exact_fields)
    clauses, excluded = builder.build(parsed)
    if not clauses:
        return empty

    everything = SearchQuerySet(using=using).models(Article)
    base = _filtered(everything, params)
    for clause in excluded:
        base = base.exclude(clause)
    if params.sort == "newest":
        base = base.order_by("-published_at")
    elif params.sort == "oldest":
        base = base.order_by("published_at")
    for name in FACET_FIELDS:
        base = base.facet(name, size=FACET_LIMIT)

    start = (page - 1) * page_size
    unknown: list[str] = []
    vocabulary = None
    try:
        sqs, results, count, all_count = _run(base, clauses, builder.required, start, page_size)
        fallback = count > 0 and all_count == 0
        if not count or fallback:
            unknown = _unknown_words(everything, builder, parsed)
            if unknown and vocabulary is None and hasattr(backend, "spell_vocabulary"):
                vocabulary = backend.spell_vocabulary()
            fuzzy = {
                w: vocabulary.within(analysis.spell_form(w), 1, 1) if vocabulary is not None else set()
                for w in unknown
                if getattr(backend, "supports_fuzzy", False)
                and len(analysis.analyze_exact(w, variants)) >= FUZZY_MIN_LENGTH
            }
            if fuzzy:
                builder = _Clauses(variants, fuzzy, exact_fields)
                clauses, _ = builder.build(parsed)
                sqs, results, count, all_count = _run(base, clauses, builder.required, start, page_size)
                fallback = count > 0 and all_count == 0
        groups = _facet_groups(sqs) if count else None
        if vocabulary is not None:
            words = [w.text for w in parsed.positive_words]
            suggestion = suggest(vocabulary, words, unknown)
        elif not hasattr(backend, "spell_vocabulary"):
            suggestion = sqs.spelling_suggestion() if not count or fallback else None
        else:
            suggestion = None
    except SearchUnavailable:
        raise
    except Exception as exc:  # the engine is down, refused the query, or its index is missing
        log.warning("search engine %r failed", using, exc_info=True)
        raise SearchUnavailable(f"search engine {using!r} failed: {exc!r}") from exc

    matcher = TermMatcher.from_words(builder.highlight_words, builder.variants)
    return SearchOutcome(
        count=count,
        hits=[
            hit_from_fields(int(result.pk), result.score, result.get_additional_fields(), matcher)
            for result in results
            if result is not None
        ],
        page=page,
        page_size=page_size,
        facets=_facets(groups) if groups is not None else empty.facets,
        suggestion=suggestion if isinstance(suggestion, str) and suggestion.strip() else None,
        fallback=fallback,
        all_count=all_count,
        truncated=empty.truncated,
    )
