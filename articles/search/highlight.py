"""Highlight query words in the original text, matched through the same Arabic analysis as the index.

haystack's Whoosh backend highlights through an English stemmer and its ``{% highlight %}`` tag does a
literal find (trap 2): neither marks أستانة for استانا. Here the stored original is tokenized with
analysis.tokens(); a word is marked when its exact form or one of its index-mode stems is among the
query's terms, and the original characters (harakat included) are wrapped in <mark>.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack.utils.highlighting import Highlighter

from articles.search import analysis

START_SEL = "<mark>"
STOP_SEL = "</mark>"
SNIPPET_WORDS = 40


@dataclass
class TermMatcher:
    """The query's terms in both analysed forms."""

    exact: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    variants: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_words(cls, words: Iterable[str], variants: Mapping[str, str] | None = None) -> TermMatcher:
        variants = variants if variants is not None else analysis.EMPTY_VARIANTS
        matcher = cls(variants=variants)
        for word in words:
            for token in analysis.tokens(word):
                matcher.add_word(token.text)
        return matcher

    def add_word(self, word: str) -> None:
        exact = analysis.analyze_exact(word, self.variants)
        if exact:
            self.exact.add(exact)
        self.stems.update(analysis.analyze_stemmed(word, self.variants, False))

    def matches(self, word: str) -> bool:
        if analysis.analyze_exact(word, self.variants) in self.exact:
            return True
        return any(stem in self.stems for stem in analysis.analyze_stemmed(word, self.variants, True))

    def __bool__(self) -> bool:
        return bool(self.exact or self.stems)


def _marked(text: str, words: list[analysis.Token], flags: list[bool], start: int, end: int) -> str:
    """Escaped ``text[start:end]`` with the flagged words wrapped in <mark>."""
    out = []
    cursor = start
    for word, flag in zip(words, flags, strict=True):
        if not flag or word.end <= start or word.start >= end:
            continue
        out.append(escape(text[cursor : word.start]))
        out.append(f"{START_SEL}{escape(text[word.start : word.end])}{STOP_SEL}")
        cursor = word.end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def highlight_all(text: str, matcher: TermMatcher) -> SafeString:
    """The whole text escaped, matching words marked (for titles)."""
    text = text or ""
    words = analysis.tokens(text)
    flags = [bool(matcher) and matcher.matches(w.text) for w in words]
    return mark_safe(_marked(text, words, flags, 0, len(text)))  # built from escaped parts


def snippet(text: str, matcher: TermMatcher, size: int = SNIPPET_WORDS) -> SafeString:
    """About ``size`` words around the densest cluster of matches, escaped, matches in <mark>.

    Without a match, the opening words. An ellipsis marks text cut at either end.
    """
    text = text or ""
    words = analysis.tokens(text)
    if not words:
        return mark_safe("")
    flags = [bool(matcher) and matcher.matches(w.text) for w in words]
    first = 0
    if any(flags) and len(words) > size:
        # The window of `size` words holding the most matches (earliest on ties), centred on them.
        best = count = sum(flags[:size])
        for i in range(1, len(words) - size + 1):
            count += flags[i + size - 1] - flags[i - 1]
            if count > best:
                best, first = count, i
        hits = [i for i in range(first, first + size) if flags[i]]
        centre = (hits[0] + hits[-1]) // 2
        first = max(0, min(len(words) - size, centre - size // 2))
    last = min(len(words), first + size) - 1
    start = 0 if first == 0 else words[first].start
    end = len(text) if last == len(words) - 1 else words[last].end
    body = _marked(text, words, flags, start, end).strip()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # built from escaped parts


class ArabicHighlighter(Highlighter):
    """For ``HAYSTACK_CUSTOM_HIGHLIGHTER`` (and the ``{% highlight %}`` tag): Arabic-aware marks."""

    css_class = ""
    html_tag = "mark"

    def highlight(self, text_block: str) -> str:
        from articles.search.variants import get_variant_map

        matcher = TermMatcher.from_words(self.query_words, get_variant_map())
        return snippet(text_block, matcher, size=min(SNIPPET_WORDS, max(1, self.max_length // 5)))
