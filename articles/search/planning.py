"""Query planning: which of the reader's words search, what each matches, and how much it counts.

Pure: no Django, no Whoosh. The engine supplies document frequencies through a callable, so the same
plan serves any index. See docs/search.md ("Ranked retrieval") for the rules and why.

- Question words and scaffolding (ما، متى، كم، كيف، لماذا، هل، أين، من هو، ما هي...) and stop words
  neither have to match nor count against a document's coverage; inside quotes they search as written.
- Repeated words (after folding) are one clause.
- Cost is bounded, not length: clauses are kept from the most informative (rarest) down while the
  documents they touch fit ``max_postings`` and their number fits ``max_clauses``; the rest are left
  out and named to the reader. Required clauses (``+word``) are always kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from articles.search import analysis

# Clitic readings (وقرار read as و + قرار) weigh this much against the word as typed.
CLITIC_BOOST = 0.5

# Interrogatives and the words that carry a question rather than its subject, normalized. Most are
# stop words already; the rest are added here so a question searches on what it asks about.
_QUESTION = """
ما ماذا متى كم كيف كيفية لماذا لما لم هل اين أين أي أية أيّ ايه من هو هي هم هما ماهو ماهي ماهم منهو
ماذا بم مم عم لمن لمَن الى إلى في عن كان كانت يكون تكون تم يتم هناك
"""
QUESTION_WORDS: frozenset[str] = frozenset(analysis.normalize(w) for w in _QUESTION.split())

DocFrequency = Callable[[str, str], int]


@dataclass
class Clause:
    """One query word (or OR-group of words): the terms it matches and how common it is."""

    words: list[str]  # as the reader wrote them
    terms: list[tuple[str, str, float]] = field(default_factory=list)  # (field, text, boost)
    exact: set[str] = field(default_factory=set)  # exact-field forms (highlighting, spelling)
    stems: set[str] = field(default_factory=set)
    required: bool = False
    df: int = 0  # documents of the commonest term (an upper bound of what the clause touches)

    @property
    def key(self) -> tuple:
        return (tuple(sorted(self.stems)), tuple(sorted(self.exact)))


@dataclass
class Plan:
    clauses: list[Clause]
    dropped: list[str] = field(default_factory=list)  # informative words left out for cost
    unknown: list[Clause] = field(default_factory=list)  # kept clauses that match nothing


def is_question_word(word: str) -> bool:
    return analysis.normalize(word) in QUESTION_WORDS


def word_terms(word: str, variants: Mapping[str, str]) -> tuple[list[tuple[str, str, float]], set[str], set[str]]:
    """(terms, exact forms, stems) of one query word on the stemmed and exact fields."""
    stems = analysis.analyze_stemmed(word, variants, False)
    exact = analysis.analyze_exact(word, variants)
    terms: list[tuple[str, str, float]] = []
    exacts: set[str] = set()
    stem_set: set[str] = set()
    if not exact:
        return terms, exacts, stem_set
    for stem in stems:
        terms += [("text", stem, 1.0), ("title", stem, 1.0)]
        stem_set.add(stem)
    terms += [("text_exact", exact, 1.0), ("title_exact", exact, 1.0)]
    exacts.add(exact)
    clitic = analysis.analyze_clitic(word, variants)
    if clitic is not None:
        other_stems, other_exact = clitic
        for stem in other_stems:
            terms += [("text", stem, CLITIC_BOOST), ("title", stem, CLITIC_BOOST)]
            stem_set.add(stem)
        terms += [("text_exact", other_exact, CLITIC_BOOST), ("title_exact", other_exact, CLITIC_BOOST)]
        exacts.add(other_exact)
    return terms, exacts, stem_set


def exact_terms(word: str, variants: Mapping[str, str]) -> list[tuple[str, str, float]]:
    exact = analysis.analyze_exact(word, variants)
    return [("text_exact", exact, 1.0), ("title_exact", exact, 1.0)] if exact else []


def informative(word: str, variants: Mapping[str, str]) -> bool:
    """A word that searches: not a stop word, not a question word."""
    return bool(analysis.analyze_stemmed(word, variants)) and not is_question_word(word)


def make_clause(words: list[str], variants: Mapping[str, str], df: DocFrequency, required: bool = False) -> Clause:
    clause = Clause(words=list(words), required=required)
    for word in words:
        terms, exacts, stems = word_terms(word, variants)
        clause.terms += terms
        clause.exact |= exacts
        clause.stems |= stems
    clause.df = max((df(f, t) for f, t, _b in clause.terms), default=0)
    return clause


def plan(
    groups: list[tuple[list[str], bool]],
    variants: Mapping[str, str],
    df: DocFrequency,
    max_clauses: int,
    max_postings: int,
    exact_fallback: bool = True,
) -> Plan:
    """The clauses of ``groups`` ([(words of an OR-group, required)]) that search, within the budget.

    When no word of the query is informative (a query of stop words, «من هو؟») and ``exact_fallback``
    is set (the query has no phrase), its words search on the exact field instead, so the reader still
    gets what the words themselves find.
    """
    chosen: list[Clause] = []
    seen: set[tuple] = set()
    for words, required in groups:
        kept = [w for w in words if required or informative(w, variants)]
        if not kept:
            continue
        clause = make_clause(kept, variants, df, required)
        if not clause.terms or clause.key in seen:
            continue
        seen.add(clause.key)
        chosen.append(clause)
    if not chosen and exact_fallback:
        for words, required in groups:
            clause = Clause(words=list(words), required=required)
            for word in words:
                clause.terms += exact_terms(word, variants)
                clause.exact |= {analysis.analyze_exact(word, variants)} - {""}
            clause.df = max((df(f, t) for f, t, _b in clause.terms), default=0)
            if clause.terms and clause.key not in seen:
                seen.add(clause.key)
                chosen.append(clause)
    # Rarest first; required clauses are kept whatever they cost.
    order = sorted(range(len(chosen)), key=lambda i: (not chosen[i].required, chosen[i].df, i))
    keep: set[int] = set()
    budget = max_postings
    for i in order:
        clause = chosen[i]
        if clause.required or (len(keep) < max_clauses and (clause.df <= budget or not keep)):
            keep.add(i)
            budget -= clause.df
    kept = [c for i, c in enumerate(chosen) if i in keep]
    dropped = [w for i, c in enumerate(chosen) if i not in keep for w in c.words]
    return Plan(clauses=kept, dropped=dropped, unknown=[c for c in kept if c.df == 0])
