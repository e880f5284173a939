"""Elasticsearch / OpenSearch index settings generated from the Whoosh analysis (articles/search/analysis.py).

Nothing here is a second copy of the Arabic rules: the character folding, the stop words, the
protected names, the prefixes and the editors' spelling sets are read from ``analysis`` and the
``VariantSet`` rows, and turned into built-in Elasticsearch analysis components (no plugins):

==================  ==================================================================================
``analysis``         Elasticsearch
==================  ==================================================================================
normalize()          ``arabic_fold`` mapping char filter: one rule per character whose ``normalize()``
                     differs from its lowercase (marks, tatweel, joiners and bidi controls deleted,
                     letter and digit folds, presentation forms spelled out); a deleted character
                     our tokenizer splits at becomes a space. Then ``lowercase``.
tokens()             ``standard`` tokenizer (UAX #29); marks and joiners are gone by then.
STOP_WORDS           ``arabic_stop`` stop filter (stemmed fields only, as in Whoosh).
variant map          ``arabic_variants`` synonym rules ``variant, ... => canonical``; for the stemmed
                     fields also every PREFIXES/SINGLE_PREFIXES + name form, to what
                     ``strip_clitics`` gives (``باستانه => استانا``, ``للبنان => لبنان``).
PROTECTED            ``arabic_keywords`` keyword_marker (with the canonical spellings): never stemmed.
light stem           ``arabic_long_prefix`` (drops و/ف before بال كال لل, so وبال... strips like بال),
                     ``arabic_keep_wa`` (hides a leading و that is not وال from Lucene, which would
                     strip it from any word of 4+ letters: وزير -> زير; ``arabic_restore_wa`` puts it
                     back), then Lucene's ``arabic_stem``: one prefix of ال وال بال كال فال لل, then
                     its suffix list (the same as ``SUFFIXES``).
index mode           ``arabic_readings`` (multiplexer): the light stem of the word and, for a word
                     that may start with a one-letter clitic (و ف ب ل ك), of the word without it
                     (``arabic_clitic``): وزير -> وزير + زير, as ``light_stems(index=True)``.
==================  ==================================================================================

Analyzers: ``arabic_text`` / ``arabic_title`` index text and titles (index mode; the two names let titles
diverge later), ``arabic_text_query`` / ``arabic_title_query`` analyze queries (one stem, as
``strip_clitics``), ``arabic_text_exact`` (normalize + whole-word variants: text_exact and title_exact,
filled by ``copy_to``). ``index_settings()`` returns the body for ``PUT /<index>``. Every rule is checked
against ``analysis.py`` on a real server (tests/platform/test_opensearch_analysis.py); the differences
left are listed there and in docs/scaling.md.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache

from articles.search import analysis

# Lucene's ArabicStemmer prefixes (the ones ``arabic_stem`` strips after our long-prefix step); its
# bare "و" never reaches it: ``arabic_keep_wa`` hides it behind HIDDEN_WA.
LUCENE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
HIDDEN_WA = "\ue000"  # a private-use character: no text of ours contains it after normalize()

# Stemmed fields (index analyzer, query analyzer); each is copied into "<name>_exact" with the exact
# analyzer, as the Whoosh backend derives them.
FIELD_ANALYZERS = {"text": ("arabic_text", "arabic_text_query"), "title": ("arabic_title", "arabic_title_query")}
EXACT_ANALYZER = "arabic_text_exact"
TEXT_KINDS = frozenset({"string", "text", "edge_ngram", "ngram"})
# The fields of articles/search_indexes.py, for when no haystack index is at hand.
DOCUMENTED_FIELDS = {
    "text": "string",
    "title": "string",
    "section": "string",
    "section_name": "string",
    "publication": "string",
    "publication_name": "string",
    "published_at": "datetime",
    "modified": "datetime",
    "year": "string",
    "source_url": "string",
}


def _escape(text: str) -> str:
    """Rule text for the mapping char filter: every character as a \\uXXXX escape (no quoting issues)."""
    return "".join(f"\\u{ord(ch):04x}" for ch in text)


def _bmp() -> Iterable[str]:
    for cp in range(0x80, 0x10000):
        if not 0xD800 <= cp <= 0xDFFF:
            yield chr(cp)


def _is_separator(ch: str) -> bool:
    """Does our tokenizer split a word at ``ch``? (It keeps marks, joiners and ignorables inside words.)"""
    return len(analysis.tokens(f"\u0627{ch}\u0628")) == 2


@lru_cache(maxsize=1)
def _char_mappings() -> tuple[tuple[str, str], ...]:
    return tuple(_compute_char_mappings().items())


def char_mappings() -> dict[str, str]:
    """Character -> replacement for the ``arabic_fold`` char filter (computed once per process)."""
    return dict(_char_mappings())


def _compute_char_mappings() -> dict[str, str]:
    """Character -> replacement, exactly where ES's ``lowercase`` alone would differ from normalize().

    A character normalize() deletes but our tokenizer splits at becomes a space (the standard
    tokenizer must split there too). Cherokee letters are left out: casefold() maps them to upper
    case, which no ES lowercase step can produce (and they never occur in this archive).
    """
    mappings: dict[str, str] = {}
    for ch in _bmp():
        target = analysis.normalize(ch)
        if target == ch.lower() or target.lower() != target:
            continue
        mappings[ch] = " " if target == "" and _is_separator(ch) else target
    return mappings


def variant_rules(variant_map: Mapping[str, str], with_prefixes: bool) -> list[str]:
    """Synonym rules ``form, form => canonical`` (all forms normalized), one per target."""
    groups: dict[str, set[str]] = {}
    for form, canonical in variant_map.items():
        if form != canonical:
            groups.setdefault(canonical, set()).add(form)
    if with_prefixes:
        prefixes = (*analysis.PREFIXES, *sorted(analysis.SINGLE_PREFIXES))
        for word in sorted({*variant_map, *analysis.PROTECTED}):
            for prefix in prefixes:
                form = prefix + word
                if form in analysis.STOP_WORDS:
                    continue
                target = analysis.strip_clitics(form, variant_map)
                if target != form:
                    groups.setdefault(target, set()).add(form)
    return [f"{', '.join(sorted(forms))} => {target}" for target, forms in sorted(groups.items())]


def keywords(variant_map: Mapping[str, str]) -> list[str]:
    """Words the stemmer must leave alone: protected names and canonical spellings."""
    return sorted({*analysis.PROTECTED, *variant_map.values()})


def clitic_pattern(variant_map: Mapping[str, str]) -> str:
    """A leading one-letter clitic to drop for the second index-mode reading (``light_stems(index=True)``).

    Only where ours gives two readings: 4+ letters, not a name or canonical spelling (already whole,
    after the synonyms), not a word our PREFIXES strip (one reading: ``strip_prefix``).
    """
    whole = "|".join(sorted(keywords(variant_map), key=lambda w: (-len(w), w)))
    prefixes = "|".join(analysis.PREFIXES)
    letters = "".join(sorted(analysis.SINGLE_PREFIXES))
    return f"^(?!(?:{whole})$)(?!(?:{prefixes}).{{{analysis.MIN_STEM}}})[{letters}](?=.{{3}})"


def _stem_chain() -> list[str]:
    return ["arabic_long_prefix", "arabic_keywords", "arabic_keep_wa", "arabic_stem", "arabic_restore_wa"]


def analysis_settings(variant_map: Mapping[str, str]) -> dict:
    fold = [f"{_escape(ch)} => {_escape(target)}" for ch, target in sorted(char_mappings().items())]
    front = ["lowercase", "arabic_stop", "arabic_variants"]
    index_chain = [*front, "arabic_readings"]
    query_chain = [*front, *_stem_chain()]
    return {
        "char_filter": {"arabic_fold": {"type": "mapping", "mappings": fold}},
        "filter": {
            "arabic_stop": {"type": "stop", "stopwords": sorted(analysis.STOP_WORDS)},
            "arabic_variants": {"type": "synonym", "lenient": True, "synonyms": variant_rules(variant_map, True)},
            "arabic_variants_exact": {
                "type": "synonym",
                "lenient": True,
                "synonyms": variant_rules(variant_map, False),
            },
            "arabic_keywords": {"type": "keyword_marker", "keywords": keywords(variant_map)},
            "arabic_long_prefix": {
                "type": "pattern_replace",
                # وبال فبال وكال فكال ولل فلل -> بال كال لل, when 2+ letters follow (analysis.MIN_STEM).
                "pattern": "^[\u0648\u0641](?=(?:\u0628\u0627\u0644|\u0643\u0627\u0644|\u0644\u0644)..)",
                "replacement": "",
            },
            "arabic_keep_wa": {
                "type": "pattern_replace",
                # Lucene strips و from any 4+-letter word; ours only as part of وال (+2 letters).
                "pattern": f"^\u0648(?!\u0627\u0644.{{{analysis.MIN_STEM}}})",
                "replacement": HIDDEN_WA,
            },
            "arabic_restore_wa": {"type": "pattern_replace", "pattern": f"^{HIDDEN_WA}", "replacement": "\u0648"},
            "arabic_clitic": {"type": "pattern_replace", "pattern": clitic_pattern(variant_map), "replacement": ""},
            "arabic_readings": {
                "type": "multiplexer",
                "filters": [", ".join(_stem_chain()), ", ".join(["arabic_clitic", *_stem_chain()])],
                "preserve_original": False,
            },
        },
        "analyzer": {
            **{
                name: {"type": "custom", "char_filter": ["arabic_fold"], "tokenizer": "standard", "filter": chain}
                for name, chain in [
                    ("arabic_text", index_chain),
                    ("arabic_title", index_chain),
                    ("arabic_text_query", query_chain),
                    ("arabic_title_query", query_chain),
                ]
            },
            "arabic_text_exact": {
                "type": "custom",
                "char_filter": ["arabic_fold"],
                "tokenizer": "standard",
                "filter": ["lowercase", "arabic_variants_exact"],
            },
        },
    }


def field_mappings(fields: Mapping | None = None) -> dict:
    """``mappings.properties`` for the haystack index ``fields`` (default: ``DOCUMENTED_FIELDS``).

    ``text`` and ``title`` are analyzed and copied to ``text_exact`` / ``title_exact``; every other
    string (slugs, names, year, URL) is a keyword: filtered, faceted and shown as is.
    """
    kinds = (
        DOCUMENTED_FIELDS.items() if fields is None else [(f.index_fieldname, f.field_type) for f in fields.values()]
    )
    properties: dict[str, dict] = {name: {"type": "keyword"} for name in ("id", "django_ct", "django_id")}
    for name, kind in kinds:
        if name in FIELD_ANALYZERS and kind in TEXT_KINDS:
            index_analyzer, query_analyzer = FIELD_ANALYZERS[name]
            properties[name] = {
                "type": "text",
                "analyzer": index_analyzer,
                "search_analyzer": query_analyzer,
                "copy_to": f"{name}_exact",
            }
            properties[f"{name}_exact"] = {"type": "text", "analyzer": EXACT_ANALYZER}
        elif kind in {"date", "datetime"}:
            properties[name] = {"type": "date"}
        elif kind in {"integer", "long"}:
            properties[name] = {"type": "long"}
        elif kind in {"float", "boolean"}:
            properties[name] = {"type": kind}
        else:
            properties[name] = {"type": "keyword"}
    return properties


def index_settings(
    variant_map: Mapping[str, str] | None = None,
    fields: Mapping | None = None,
    shards: int = 1,
    replicas: int | None = None,
) -> dict:
    """The body of ``PUT /<index>``: analysis settings and mapping. Loads the active variant sets by default.

    ``replicas`` None leaves the server's default (1: yellow on a single node, green on two or more).
    """
    if variant_map is None:
        from articles.search.variants import load_variant_map

        variant_map = load_variant_map()
    index: dict = {"number_of_shards": shards}
    if replicas is not None:
        index["number_of_replicas"] = replicas
    return {
        "settings": {"index": index, "analysis": analysis_settings(variant_map)},
        "mappings": {"properties": field_mappings(fields)},
    }


# --- haystack engine (needs the elasticsearch 7.x client) --------------------------------------

try:
    from haystack.backends.elasticsearch7_backend import (
        Elasticsearch7SearchBackend,
        Elasticsearch7SearchEngine,
    )
except ImportError:  # the client is not installed; haystack raises MissingDependency (an ImportError)
    Elasticsearch7SearchBackend = Elasticsearch7SearchEngine = None


if Elasticsearch7SearchBackend is not None:
    from articles.search.backend import SearchUnavailable
    from articles.search.haystack_writes import HaystackWritesMixin

    class ArabicElasticsearchBackend(HaystackWritesMixin, Elasticsearch7SearchBackend):
        """haystack's ES7 backend with the generated Arabic analysis instead of snowball.

        Editors' saves reach it through indexing.sync_articles (HaystackWritesMixin); the search
        page reads it through portable.run_search.
        """

        def __init__(self, connection_alias, **connection_options):
            super().__init__(connection_alias, **connection_options)
            self.options = connection_options
            self.shards = int(connection_options.get("SHARDS", 1))
            replicas = connection_options.get("REPLICAS")
            self.replicas = None if replicas is None else int(replicas)

        supports_fuzzy = True  # portable.py: ``word~1`` on the exact fields
        has_exact_fields = True  # text_exact/title_exact, filled by copy_to
        spell_counter = None  # a Counter while build_index fills a new index: the "did you mean" words

        def _prepare_object(self, index, obj):
            prepared = super()._prepare_object(index, obj)
            if self.spell_counter is not None:
                analysis.count_spellings(prepared.get(self.content_field_name, ""), self.spell_counter)
            return prepared

        def spell_vocabulary(self):
            """The "did you mean" word list stored beside the live index by build_index (alias_rebuild.py)."""
            from articles.search.alias_rebuild import spell_vocabulary

            return spell_vocabulary(self)

        def setup(self):
            settings = index_settings(shards=self.shards, replicas=self.replicas)
            self.DEFAULT_SETTINGS = {"settings": settings["settings"]}
            super().setup()

        def indexed_values(self, field: str) -> dict:
            """{article pk: ``field`` as stored in ``_source``} of every document (the value as sent:
            a date keeps its microseconds, which the date field itself truncates to milliseconds)."""
            from elasticsearch import TransportError
            from elasticsearch.helpers import scan

            hits = scan(self.conn, index=self.index_name, query={"_source": ["django_id", field]}, size=2000)
            try:
                return {int(hit["_source"]["django_id"]): hit["_source"].get(field) for hit in hits}
            except TransportError as exc:
                raise SearchUnavailable(self.describe_failure(exc)) from exc

        def indexed_stamps(self) -> dict[int, object]:
            """{article pk: stored ``modified``} of every document, microseconds included."""
            return {
                pk: datetime.fromisoformat(value) if value else None
                for pk, value in self.indexed_values("modified").items()
            }

        def describe_failure(self, exc: Exception) -> str:
            return f"search engine at {self.options.get('URL')} (index {self.index_name}) failed: {exc!r}"

        def rebuild(self, chunk: int = 1000, progress=None) -> dict:
            """Build a new index beside the live one, swap the alias to it, then catch up (alias_rebuild.py)."""
            from elasticsearch import TransportError

            from articles.search.alias_rebuild import rebuild_behind_alias

            try:
                return rebuild_behind_alias(self, chunk=chunk, progress=progress)
            except TransportError as exc:
                raise SearchUnavailable(self.describe_failure(exc)) from exc

        def build_schema(self, fields):
            content_field_name, _ = super().build_schema(fields)
            return content_field_name, field_mappings(fields)

    class ArabicElasticsearchEngine(Elasticsearch7SearchEngine):
        backend = ArabicElasticsearchBackend


if __name__ == "__main__":  # pragma: no cover - debugging aid: python -m articles.search.elasticsearch
    import json

    json.dump(index_settings({}), sys.stdout, ensure_ascii=False, indent=2)
