"""Whoosh adapter around analysis.py: a tokenizer and three filters, composed into the field analyzers.

Token text is rewritten by the filters; ``startchar``/``endchar`` stay those of the original text
(trap 1: Whoosh's own tokenizer splits كَتَبَ at its harakat). The classes are pickled into the
index's table of contents, so they hold no state; the variant map is looked up per call.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from articles.search import analysis

# The three text fields of a document analyse the same string one after the other: tokenize once.
_last_value: str | None = None
_last_tokens: list[analysis.Token] = []


def _tokens(value: str) -> list[analysis.Token]:
    global _last_value, _last_tokens
    if value is not _last_value:
        _last_tokens = analysis.tokens(value)
        _last_value = value
    return _last_tokens


def current_variant_map() -> Mapping[str, str]:
    """The live variant map (imported lazily: this module must load without Django apps ready)."""
    try:
        from articles.search.variants import get_variant_map
    except Exception:  # pragma: no cover - only outside a configured Django process
        return analysis.EMPTY_VARIANTS
    return get_variant_map()


class ArabicTokenizer(Tokenizer):
    """Words as analysis.tokens() finds them; token.text is the original word."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        for pos, word in enumerate(_tokens(value), start_pos):
            token.text = word.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            yield token


class _StatelessFilter(Filter):
    """A filter with no settings: any two instances are equal (Whoosh compares analyzers by value)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class ExactFilter(_StatelessFilter):
    """Normalized and variant-folded, not stemmed; stop words kept (phrases, exact ranking, fuzzy)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        variants = current_variant_map()
        for token in tokens:
            text = analysis.analyze_exact(token.text, variants)
            if text:
                token.text = text
                yield token


class StemFilter(_StatelessFilter):
    """Stop words out, then the light stem; in index mode a word may give two stems at one position."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        variants = current_variant_map()
        for token in tokens:
            stems = analysis.analyze_stemmed(token.text, variants, token.mode == "index")
            if not stems:
                if not token.removestops:
                    token.stopped = True
                    yield token
                continue
            for stem in stems:
                token.text = stem
                yield token


class SpellFilter(_StatelessFilter):
    """Marks and controls out, casefolded, letters as written (feeds "did you mean")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            text = analysis.analyze_spell(token.text)
            if text:
                token.text = text
                yield token


def StemmingArabicAnalyzer():  # named like Whoosh's analyzer factories
    """For the ``text`` and ``title`` fields."""
    return ArabicTokenizer() | StemFilter()


def ExactArabicAnalyzer():
    """For ``text_exact`` and ``title_exact``."""
    return ArabicTokenizer() | ExactFilter()


def SpellAnalyzer():
    """For ``text_spell``."""
    return ArabicTokenizer() | SpellFilter()


class ArabicText(TEXT):
    """A TEXT field that indexes straight from analysis.py, without a Token per word.

    Same terms and positions as its analyzer gives in index mode (the analyzer still serves
    queries and highlighting), at about a third of the cost: news text is long and the build is
    bound by this loop (see ``build_index``).
    """

    def __init__(self, kind: str, **kwargs):
        analyzers = {"stem": StemmingArabicAnalyzer, "exact": ExactArabicAnalyzer, "spell": SpellAnalyzer}
        super().__init__(analyzer=analyzers[kind](), **kwargs)
        self.kind = kind

    def index(self, value, **kwargs):
        if kwargs.get("mode", "index") != "index" or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        fmt = self.format
        boost = fmt.field_boost
        words = _tokens(value)
        if self.kind == "exact" and isinstance(fmt, Positions):
            variants = current_variant_map()
            positions: dict[str, list[int]] = {}
            for pos, word in enumerate(words):
                term = analysis.analyze_exact(word.text, variants)
                if term:
                    positions.setdefault(term, []).append(pos)
            for term, poslist in positions.items():
                yield term.encode("utf-8"), len(poslist), len(poslist) * boost, fmt.encode(poslist)
            return
        counts: dict[str, int] = {}
        if self.kind == "stem":
            variants = current_variant_map()
            for word in words:
                for term in analysis.analyze_stemmed(word.text, variants, True):
                    counts[term] = counts.get(term, 0) + 1
        elif self.kind == "exact":
            variants = current_variant_map()
            for word in words:
                term = analysis.analyze_exact(word.text, variants)
                if term:
                    counts[term] = counts.get(term, 0) + 1
        else:
            for word in words:
                term = analysis.analyze_spell(word.text)
                if term:
                    counts[term] = counts.get(term, 0) + 1
        if isinstance(fmt, Positions):  # positions asked for a field kind that has no use for them
            yield from super().index(value, **kwargs)
            return
        for term, freq in counts.items():
            yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)
