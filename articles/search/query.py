"""run_search(): the archive's search, from the reader's query string to a page of ranked hits.

The query string is parsed here, never by Whoosh's parser, so no input can raise anything but
SearchInputError: words, ``+word`` (required), "quoted phrases" (exact, on the unstemmed field),
``"two words"~N`` (within N words), -exclusions (-word, -"phrase", NOT word), and OR between words.

Ranking (docs/search.md, "Ranked retrieval"): a document is a result when it has at least one of the
query's informative words (question words and stop words do not count; ``planning.py``), or every
required one; it is ranked by BM25F times the share of the query's IDF it covers (``ranking.py``), so
documents with more of the words, and with the rarer ones, come first. ``all_count`` says how many
results have every word. Cost is bounded, not length: the most informative words are kept, the rest
named in ``dropped_words``. A word the index does not know (or knows only as a rare typo of a common
word) is corrected (``corrected_query``), a last word typed in part is completed by prefix, and the
whole query has a deadline after which the best results found so far are returned (``partial``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from time import thread_time as clock
from typing import Literal

import numpy as np
from django.conf import settings
from django.utils import timezone
from whoosh import query as Q

from articles.search import analysis, matching, planning, ranking, spelling, timeline
from articles.search import backend as backend_module
from articles.search.backend import SearchUnavailable
from articles.search.highlight import TermMatcher, highlight_all, snippet
from articles.search.variants import get_variant_map
from articles.search_indexes import _naive_utc

__all__ = [
    "Hit",
    "QueryError",
    "QueryTooLong",
    "SearchInputError",
    "SearchOutcome",
    "SearchParams",
    "SearchUnavailable",
    "run_search",
]

FACET_FIELDS = ("section", "publication", "year")
# Phrases are matched by Whoosh's positional matcher: at most this many per query, the rest searched
# as words (a phrase of two stop words reads two of the longest posting lists).
MAX_PHRASES = 4
# Completing a last word typed in part: prefix terms examined, and completions kept (most common).
COMPLETION_EXAMINED = 2000
COMPLETION_KEPT = 8
COMPLETION_MIN_LENGTH = 3
# ...only when the word as typed is rare (at most this many documents) and a completion is this many
# times as common: a finished word (الرياض) is not widened to الرياضة.
COMPLETION_MAX_OWN = 20
COMPLETION_RATIO = 20
PHRASE_BOOST = 2.0
# How much query words standing close together add (ranking.proximity), relative to the query's IDF.
PROXIMITY_WEIGHT = 2.0


class SearchInputError(ValueError):
    """The reader's input cannot be searched; ``message`` is shown to them (Arabic)."""

    message = "تعذّر فهم عبارة البحث."

    def __init__(self, message: str | None = None):
        if message:
            self.message = message
        super().__init__(self.message)


class QueryTooLong(SearchInputError):
    message = "عبارة البحث أطول من اللازم."

    def __init__(self, limit: int | None = None):
        limit = limit or settings.SEARCH_MAX_QUERY_LENGTH
        super().__init__(f"عبارة البحث أطول من اللازم: الحد الأقصى لعدد الأحرف {limit}.")


class QueryError(SearchInputError):
    pass


@dataclass
class SearchParams:
    q: str
    section: str | None = None
    publication: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: Literal["relevance", "newest", "oldest"] = "relevance"
    page: int = 1
    page_size: int = 20
    correct: bool = True  # search a confident correction of a mistyped word instead of the word


@dataclass
class Hit:
    pk: int
    score: float
    title: str
    title_html: str
    snippet: str
    section_name: str | None
    section_slug: str | None
    publication_name: str | None
    publication_slug: str | None
    published_at: datetime | None
    url: str
    source_url: str | None


@dataclass
class SearchOutcome:
    count: int
    hits: list[Hit]
    page: int
    page_size: int
    facets: dict = field(default_factory=lambda: {"section": [], "publication": [], "year": []})
    suggestion: str | None = None  # "did you mean": a correction not applied
    fallback: bool = False  # no result has every word (the results have some of them)
    all_count: int = 0  # results that have every informative word
    corrected_query: str | None = None  # the query whose results are shown, when a word was corrected
    original_query: str | None = None  # the query as typed, when corrected_query is set
    completions: dict[str, list[str]] = field(default_factory=dict)  # last word typed in part -> words
    dropped_words: list[str] = field(default_factory=list)  # informative words left out (cost bound)
    partial: bool = False  # the deadline cut the search short: the best results found in time
    truncated: bool = False  # the query was longer than SEARCH_MAX_QUERY_LENGTH and was cut


# --- Parsing ----------------------------------------------------------------------------------

_QUOTES = '"“”«»„'
_LEX = re.compile(
    rf"(?P<sign>[-−–+]?)(?:[{_QUOTES}](?P<phrase>[^{_QUOTES}]*)[{_QUOTES}]?(?:~(?P<slop>\d{{1,3}}))?"
    rf"|(?P<word>[^\s{_QUOTES}]+))"
)
# Control and format characters other than the joiners the tokenizer keeps inside words.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_SLOP = 50


@dataclass
class Word:
    text: str  # as the reader wrote it (one token of analysis.tokens)
    required: bool = False  # written +word


@dataclass
class ParsedQuery:
    groups: list[list[Word]] = field(default_factory=list)  # OR-groups of words
    phrases: list[list[str]] = field(default_factory=list)  # each a list of words (required)
    excluded_words: list[Word] = field(default_factory=list)
    excluded_phrases: list[list[str]] = field(default_factory=list)
    slops: dict[int, int] = field(default_factory=dict)  # index in ``phrases`` -> words allowed between
    overflow: list[str] = field(default_factory=list)  # words past the parse cap

    @property
    def positive_words(self) -> list[Word]:
        return [w for group in self.groups for w in group]

    def is_empty(self) -> bool:
        return not self.groups and not self.phrases


def clean_query(q: str) -> tuple[str, bool]:
    """The query without control characters, NFC, and cut to SEARCH_MAX_QUERY_LENGTH at a word
    boundary: (query, whether it was cut). A long query is searched, never refused."""
    q = (q or "").replace("\x00", " ")
    q = _CONTROL.sub(" ", q)
    q = unicodedata.normalize("NFC", q).strip()
    limit = settings.SEARCH_MAX_QUERY_LENGTH
    if len(q) <= limit:
        return q, False
    cut = q[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).strip(), True


def parse_query(q: str, max_words: int | None = None) -> ParsedQuery:
    """Split the (cleaned) query into words, phrases and exclusions; words past ``max_words`` are
    kept in ``overflow`` (named to the reader), not searched."""
    max_words = max_words or settings.SEARCH_MAX_WORDS
    parsed = ParsedQuery()
    budget = max_words
    negate_next = False
    join_next = False
    for match in _LEX.finditer(q):
        sign = match.group("sign")
        negated = sign in ("-", "−", "–") or negate_next
        required = sign == "+"
        negate_next = False
        phrase = match.group("phrase")
        raw = match.group("word")
        if raw is not None and not sign:
            if raw in ("OR", "|", "||"):
                join_next = bool(parsed.groups)
                continue
            if raw in ("AND", "&&", "+"):
                continue
            if raw == "NOT":
                negate_next = True
                continue
        words = [t.text for t in analysis.tokens(phrase if phrase is not None else raw)]
        if not words:
            join_next = False
            continue
        if budget <= 0:
            parsed.overflow.extend(words)
            join_next = False
            continue
        parsed.overflow.extend(words[budget:])
        words = words[:budget]
        budget -= len(words)
        if phrase is not None:
            # A quoted single word: its exact form only.
            target = parsed.excluded_phrases if negated else parsed.phrases
            if not negated and match.group("slop") and len(words) > 1:
                parsed.slops[len(target)] = min(int(match.group("slop")), MAX_SLOP)
            target.append(words)
            join_next = False
        elif negated:
            parsed.excluded_words.extend(Word(w) for w in words)
            join_next = False
        else:
            if join_next and parsed.groups:
                parsed.groups[-1].append(Word(words[0]))
                words = words[1:]
            parsed.groups.extend([Word(w, required=required)] for w in words)
            join_next = False
    return parsed


def date_bounds(params: SearchParams) -> tuple[datetime | None, datetime | None]:
    """The asked days as bounds on ``published_at`` as the index stores it (naive UTC): from local
    midnight of ``date_from`` to the last instant of ``date_to``; None where not asked."""
    tz = timezone.get_current_timezone()
    start = _naive_utc(datetime.combine(params.date_from, time.min, tz)) if params.date_from else None
    end = _naive_utc(datetime.combine(params.date_to, time.max, tz)) if params.date_to else None
    return start, end


def _filter_query(params: SearchParams) -> Q.Query | None:
    parts: list[Q.Query] = []
    if params.section:
        parts.append(Q.Term("section", params.section))
    if params.publication:
        parts.append(Q.Term("publication", params.publication))
    if params.date_from or params.date_to:
        parts.append(Q.DateRange("published_at", *date_bounds(params)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


# --- run_search -------------------------------------------------------------------------------------


def _facets(groups: dict) -> dict:
    """The facet lists from ``{field: {value: count}}``."""
    from articles.models import Publication, Section

    facets: dict = {"section": [], "publication": [], "year": []}
    sections = dict(Section.objects.filter(slug__in=[s for s in groups["section"] if s]).values_list("slug", "name"))
    publications = dict(
        Publication.objects.filter(slug__in=[s for s in groups["publication"] if s]).values_list("slug", "name")
    )
    for slug, count in sorted(groups["section"].items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if slug:
            facets["section"].append((slug, sections.get(slug, slug), count))
    for slug, count in sorted(groups["publication"].items(), key=lambda kv: (-kv[1], str(kv[0]))):
        if slug:
            facets["publication"].append((slug, publications.get(slug, slug), count))
    facets["year"] = sorted(((int(y), c) for y, c in groups["year"].items() if y), reverse=True)
    return facets


def _url(pk: int, published_at: datetime | None) -> str:
    from django.urls import reverse

    if published_at is None:
        return reverse("articles:article_short", kwargs={"pk": pk})
    local = timezone.localtime(published_at)
    return reverse(
        "articles:article_detail", kwargs={"year": local.year, "month": local.month, "day": local.day, "pk": pk}
    )


def _hit(hit, matcher: TermMatcher) -> Hit:
    fields = hit.fields()
    return hit_from_fields(int(fields["django_id"]), hit.score, fields, matcher)


def hit_from_fields(pk: int, score: float | None, fields: Mapping, matcher: TermMatcher) -> Hit:
    """A result card from an index document's stored fields (any engine), highlighted by ``matcher``."""
    published = fields.get("published_at")
    if not isinstance(published, datetime):
        published = None
    elif timezone.is_naive(published):  # stored as naive UTC (search_indexes._naive_utc)
        published = published.replace(tzinfo=UTC)
    title = fields.get("title") or ""
    return Hit(
        pk=pk,
        score=float(score or 0.0),
        title=title,
        title_html=highlight_all(title, matcher),
        snippet=snippet(_body(fields.get("text") or "", title), matcher),
        section_name=fields.get("section_name"),
        section_slug=fields.get("section"),
        publication_name=fields.get("publication_name"),
        publication_slug=fields.get("publication"),
        published_at=published,
        url=_url(pk, published),
        source_url=fields.get("source_url"),
    )


def _body(text: str, title: str) -> str:
    # The document text starts with the title (index template); the snippet shows the body.
    text = text.lstrip()
    if title and text.startswith(title):
        text = text[len(title) :]
    return text.strip()


def prepare(params: SearchParams) -> tuple[ParsedQuery, SearchOutcome]:
    """The parsed query and the empty outcome of the asked page: where every engine's search starts."""
    q, truncated = clean_query(params.q)
    page = max(1, int(params.page or 1))
    page_size = max(1, min(int(params.page_size or 20), settings.SEARCH_MAX_PAGE_SIZE))
    parsed = parse_query(q)
    return parsed, SearchOutcome(count=0, hits=[], page=page, page_size=page_size, truncated=truncated)


class _Deadline:
    """The query's budget of worker time (this thread's CPU time, so a busy machine does not cut a
    query short): optional work (corrections, completions, phrases, proximity) is skipped once spent."""

    def __init__(self, seconds: float):
        self.end = clock() + seconds
        self.hit = False

    def left(self) -> bool:
        if clock() >= self.end:
            self.hit = True
        return not self.hit


class _Search:
    """One query on one searcher: plan, corrections, masks, ranking."""

    def __init__(self, searcher, backend, params: SearchParams, parsed: ParsedQuery):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.backend = backend
        self.params = params
        self.parsed = parsed
        self.variants = get_variant_map()
        self.matcher = TermMatcher(variants=self.variants)
        self.deadline = _Deadline(settings.SEARCH_DEADLINE_SECONDS)
        self._df: dict[tuple[str, str], int] = {}

    def df(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        found = self._df.get(key)
        if found is None:
            try:
                found = self.reader.doc_frequency(fieldname, text)
            except Exception:  # a term outside the field's lexicon
                found = 0
            self._df[key] = found
        return found

    # --- plan -----------------------------------------------------------------------------------

    def plan(self, groups: list[tuple[list[str], bool]]) -> planning.Plan:
        return planning.plan(
            groups,
            self.variants,
            self.df,
            max_clauses=settings.SEARCH_MAX_TERMS,
            max_postings=settings.SEARCH_MAX_POSTINGS,
            exact_fallback=not self.parsed.phrases,
        )

    def groups(self) -> list[tuple[list[str], bool]]:
        return [([w.text for w in group], any(w.required for w in group)) for group in self.parsed.groups]

    def complete(self, clause: planning.Clause) -> list[str]:
        """Indexed words that start with a last word typed in part (مجلس الوزرا -> الوزراء), commonest first."""
        if len(clause.words) != 1:
            return []
        prefix = analysis.normalize(clause.words[0])
        if len(prefix) < COMPLETION_MIN_LENGTH:
            return []
        found: list[tuple[int, str]] = []
        try:
            terms = self.reader.expand_prefix("text_exact", prefix)
            for examined, term in enumerate(terms):
                if examined >= COMPLETION_EXAMINED:
                    break
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                found.append((self.df("text_exact", text), text))
        except Exception:  # no such field in an empty index
            return []
        found.sort(key=lambda item: (-item[0], item[1]))
        best = found[0][0] if found else 0
        # Rare leftovers (a word glued to a digit, a typo) are not completions.
        return [text for count, text in found[:COMPLETION_KEPT] if count and count * 20 >= best]

    def complete_into(self, clause: planning.Clause, outcome: SearchOutcome) -> bool:
        """Widen a last word that is rare as typed to the far commoner words it begins (مجلس الوزرا)."""
        exact = analysis.analyze_exact(clause.words[0], self.variants)
        own = max(self.df("text_exact", exact), self.df("title_exact", exact)) if exact else 0
        if not exact or own > COMPLETION_MAX_OWN:
            return False
        completions = [c for c in self.complete(clause) if c != exact]
        if not completions or (own and self.df("text_exact", completions[0]) < COMPLETION_RATIO * own):
            return False
        clause.terms += [(f, t, 1.0) for t in completions for f in ("text_exact", "title_exact")]
        clause.exact |= set(completions)
        clause.df = max(clause.df, *(self.df("text_exact", t) for t in completions))
        outcome.completions[clause.words[0]] = completions
        return True

    def corrections(self, plan: planning.Plan, outcome: SearchOutcome) -> planning.Plan:
        """Correct unknown words (and rare typos of common ones), complete a last word typed in part."""
        last = self.parsed.groups[-1][-1].text if self.parsed.groups else None
        fixes: dict[str, str] = {}
        for clause in plan.clauses:
            if len(clause.words) != 1 or not self.deadline.left():
                continue
            word = clause.words[0]
            if word == last and not clause.required and self.complete_into(clause, outcome):
                continue
            rare = 0 < clause.df <= spelling.RARE_MAX_COUNT
            if clause.df and not rare:
                continue
            vocabulary = spelling.spell_vocabulary(self.backend.path)
            fix = spelling.correction(vocabulary, word, known=bool(clause.df), deadline=self.deadline.end)
            if fix:
                fixes[word] = fix
        if not fixes:
            return plan
        corrected = _replace_words(self.params.q, fixes)
        if not self.params.correct:
            outcome.suggestion = corrected
            return plan
        outcome.corrected_query, outcome.original_query = corrected, self.params.q
        groups = [([fixes.get(w, w) for w in words], required) for words, required in self.groups()]
        return self.plan(groups)

    # --- masks ----------------------------------------------------------------------------------

    def restrict(self, outcome: SearchOutcome) -> tuple[np.ndarray | None, list[ranking.Scoring]]:
        """Documents every result must be among (filters, phrases), and the phrases' scoring clauses."""
        mask: np.ndarray | None = None
        scoring: list[ranking.Scoring] = []
        filter_query = _filter_query(self.params)
        if filter_query is not None:
            mask = ranking.doc_mask(self.searcher, matching.matching_docs(self.searcher, filter_query))
        for i, words in enumerate(self.parsed.phrases):
            if i >= MAX_PHRASES or not self.deadline.left():
                outcome.dropped_words.extend(words)
                continue
            exact = [t for t in (analysis.analyze_exact(w, self.variants) for w in words) if t]
            if not exact:
                continue
            docs, complete = ranking.phrase_docs(self.searcher, exact, self.parsed.slops.get(i, 1), mask)
            if not complete:
                outcome.partial = True
            mask = docs if mask is None else mask & docs
            self.matcher.exact.update(exact)
            terms = [(f, t, PHRASE_BOOST) for t in exact if t for f in ("text_exact", "title_exact")]
            df = max((self.df(f, t) for f, t, _b in terms), default=0)
            scoring.append(ranking.Scoring(terms, ranking.idf(df, self.searcher.doc_count()), required=True))
        return mask, scoring

    def excluded(self) -> np.ndarray | None:
        terms: list[tuple[str, str, float]] = []
        for word in self.parsed.excluded_words:
            terms += planning.word_terms(word.text, self.variants)[0]
        mask = ranking.clause_docs(self.searcher, terms) if terms else None
        for words in self.parsed.excluded_phrases[:MAX_PHRASES]:
            exact = [t for t in (analysis.analyze_exact(w, self.variants) for w in words) if t]
            if exact:
                docs, _complete = ranking.phrase_docs(self.searcher, exact, 1, None)
                mask = docs if mask is None else mask | docs
        return mask

    def closer_first(self, ranked: ranking.Ranked, plan: planning.Plan, limit: int) -> list[tuple[float, int]]:
        """The best ``limit`` with a bonus for query words standing close together (best candidates only)."""
        if len(plan.clauses) < 2 or not self.deadline.left():
            return ranked.top[:limit]
        head = ranked.top  # ranked with room for the proximity candidates (run)
        doc_count = self.searcher.doc_count()
        clauses = [(sorted(c.exact), ranking.idf(c.df, doc_count)) for c in plan.clauses]
        close = ranking.proximity(self.searcher, clauses, [d for _s, d in head])
        total = sum(w for _t, w in clauses) or 1.0
        rescored = [(score * (1.0 + PROXIMITY_WEIGHT * close.get(d, 0.0) / total), d) for score, d in head]
        rescored.sort(key=lambda item: (-item[0], item[1]))
        return rescored[:limit]

    # --- run ------------------------------------------------------------------------------------

    def run(self, empty: SearchOutcome) -> SearchOutcome:
        outcome = empty
        plan = self.plan(self.groups())
        plan = self.corrections(plan, outcome)
        outcome.dropped_words = [*plan.dropped, *self.parsed.overflow]
        restrict, phrase_scoring = self.restrict(outcome)
        if not plan.clauses and not phrase_scoring:
            outcome.partial = outcome.partial or self.deadline.hit
            return outcome
        doc_count = self.searcher.doc_count()
        clauses = [
            ranking.Scoring(c.terms, ranking.idf(c.df, doc_count), required=c.required) for c in plan.clauses
        ] + phrase_scoring
        for clause in plan.clauses:
            self.matcher.exact.update(clause.exact)
            self.matcher.stems.update(clause.stems)
        page, page_size = outcome.page, outcome.page_size
        limit = page * page_size
        # One top-k pass serves both the page and the proximity re-ranking of the best candidates.
        head = max(limit, ranking.PROXIMITY_CANDIDATES)
        ranked = ranking.rank(self.searcher, clauses, head, restrict=restrict, excluded=self.excluded())
        docs = ranked.matched
        counted = sum(1 for c in clauses if c.counts)
        outcome.all_count = ranked.all_words
        outcome.fallback = counted > 1 and ranked.all_words == 0 and len(docs) > 0
        if self.params.sort != "relevance":
            # By date, the results with every word when there are some: a date order of documents that
            # share one common word with the query would bury them (docs/search.md).
            if 0 < ranked.all_words < len(docs):
                docs = docs[ranked.every]
            order = ranking.sorted_by_column(self.searcher, docs, "published_at", self.params.sort == "newest", limit)
            top = [(float(ranked.scores[d]), d) for d in order]
        else:
            top = self.closer_first(ranked, plan, limit)
        outcome.count = len(docs)
        start = (page - 1) * page_size
        hits = [matching.ScoredDoc(self.searcher, docnum, score) for score, docnum in top[start : start + page_size]]
        outcome.hits = [_hit(hit, self.matcher) for hit in hits]
        if outcome.count:
            docset = set(docs.tolist())
            facets = _facets({name: matching.facet_counts(self.searcher, docset, name) for name in FACET_FIELDS})
            outcome.facets = facets | {"month": timeline.month_counts(self.searcher, docset)}
        outcome.partial = outcome.partial or self.deadline.hit
        return outcome


def _replace_words(q: str, fixes: Mapping[str, str]) -> str:
    """``q`` with each fixed word replaced where it stands as a whole word."""
    out = q
    for word, fix in fixes.items():
        out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", fix, out)
    return out


def run_search(params: SearchParams) -> SearchOutcome:
    backend = backend_module.arabic_whoosh_backend()
    if backend is None:
        # Elasticsearch/OpenSearch or Solr (NEWSARCHIVE_SEARCH_URL): through haystack's query translation.
        from articles.search import portable

        return portable.run_search(params)
    parsed, empty = prepare(params)
    if parsed.is_empty():
        return empty
    return _Search(backend.searcher(), backend, params, parsed).run(empty)
