"""Spelling: the index's word list, corrections of mistyped words, and "did you mean".

The word list (``analysis.SPELL_FILE``: ``word<TAB>documents`` per line, letters as written) is read
once per process and then only its new lines, so an editor's save costs a worker a few lines, not a
re-read of the whole list. Candidates for a mistyped word are generated (every word one edit away:
deletion, transposition, substitution, insertion of an Arabic letter) and looked up in the list,
which costs under a millisecond whatever the list's size; two edits are tried only for short words,
through a bounded automaton walk. Pure file reading and string work: no Django, no Whoosh index.
"""

from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass
from time import thread_time as clock

from whoosh.automata.fsa import find_all_matches
from whoosh.codec.base import Automata
from whoosh.support.levenshtein import distance

from articles.search import analysis

# Arabic letters as they are written (spell forms keep hamza seats, ة and ى), without tatweel.
ALPHABET = "".join(chr(c) for c in range(0x0621, 0x064B) if c != 0x0640)
MIN_LENGTH = 3  # shorter words are not corrected
TWO_EDITS_MAX_LENGTH = 9  # the automaton for two edits grows with the word: bounded
# A known but rare word is corrected only to a spelling this many times more common, and at least
# RARE_MIN_COUNT documents (a typo that made it into a few articles: الرياظ for الرياض).
RARE_MAX_COUNT = 3
RARE_RATIO = 30
RARE_MIN_COUNT = 30


class SpellVocabulary:
    """{spell form: documents}, with a sorted view built only when two-edit candidates need it."""

    def __init__(self, counts: dict[str, int] | None = None):
        self.counts: dict[str, int] = counts or {}
        self._words: list[str] | None = None

    def add(self, counts: dict[str, int]) -> None:
        for word, count in counts.items():
            self.counts[word] = self.counts.get(word, 0) + count
        self._words = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = sorted(self.counts)
        return self._words

    def _ceiling(self, text: str) -> str | None:
        words = self.words
        i = bisect.bisect_left(words, text)
        return words[i] if i < len(words) else None

    def within(self, text: str, maxdist: int, prefix: int) -> set[str]:
        """Words within ``maxdist`` edits sharing ``prefix`` letters (an automaton walk of the sorted list)."""
        if not self.counts:
            return set()
        dfa = Automata.levenshtein_dfa(text, maxdist, prefix)
        return set(find_all_matches(dfa, self._ceiling))

    def one_edit(self, form: str) -> set[str]:
        """Known words exactly one edit (Damerau) away from ``form``."""
        counts = self.counts
        found: set[str] = set()
        n = len(form)
        for i in range(n + 1):
            head, tail = form[:i], form[i:]
            if tail:
                found.add(head + tail[1:])  # deletion
                if len(tail) > 1:
                    found.add(head + tail[1] + tail[0] + tail[2:])  # transposition
            for letter in ALPHABET:
                found.add(head + letter + tail)  # insertion
                if tail:
                    found.add(head + letter + tail[1:])  # substitution
        found.discard(form)
        return {w for w in found if w in counts}


@dataclass
class _Cached:
    inode: int
    offset: int  # bytes of whole lines read so far
    vocabulary: SpellVocabulary


_vocabularies: dict[str, _Cached] = {}
_lock = threading.Lock()


def _read_lines(path: str, offset: int) -> tuple[dict[str, int], int]:
    """{word: count} of the whole lines after ``offset``, and the offset after the last whole line."""
    counts: dict[str, int] = {}
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n") + 1  # a writer may be half-way through a line: leave it for next time
    for line in data[:end].decode("utf-8", errors="replace").splitlines():
        word, _, count = line.partition("\t")
        if word and count.isdigit():
            counts[word] = counts.get(word, 0) + int(count)
    return counts, offset + end


def spell_vocabulary(directory: str) -> SpellVocabulary:
    """The word list of the index in ``directory``; only lines appended since the last call are read."""
    path = os.path.join(directory, analysis.SPELL_FILE)
    try:
        st = os.stat(path)
    except OSError:
        return SpellVocabulary()
    with _lock:
        cached = _vocabularies.get(directory)
        if cached is not None and cached.inode == st.st_ino and cached.offset <= st.st_size:
            if cached.offset < st.st_size:
                counts, cached.offset = _read_lines(path, cached.offset)
                cached.vocabulary.add(counts)
            return cached.vocabulary
        counts, offset = _read_lines(path, 0)
        vocabulary = SpellVocabulary(counts)
        _vocabularies[directory] = _Cached(st.st_ino, offset, vocabulary)
        return vocabulary


def _prefix(form: str) -> int:
    """Letters a two-edit candidate must share: 1, or 3 after the article ال (a third of the lexicon)."""
    return 3 if form.startswith("ال") and len(form) >= 6 else 1


def candidates(vocabulary: SpellVocabulary, word: str, deadline: float | None = None) -> list[str]:
    """Known spellings near ``word``, best first: fewer edits, then more documents. Spellings that fold
    to the same search form (hamza seats, ة/ه...) are not corrections and are left out."""
    form = analysis.spell_form(word)
    if len(form) < MIN_LENGTH:
        return []
    folded = analysis.normalize(form)
    near = {c for c in vocabulary.one_edit(form) if analysis.normalize(c) != folded}
    if not near and len(form) <= TWO_EDITS_MAX_LENGTH and (deadline is None or clock() < deadline):
        near = {c for c in vocabulary.within(form, 2, _prefix(folded)) if analysis.normalize(c) != folded}
    counts = vocabulary.counts
    return sorted(near, key=lambda c: (distance(form, c), -counts.get(c, 0), c))


def correction(vocabulary: SpellVocabulary, word: str, known: bool, deadline: float | None = None) -> str | None:
    """A confident correction of ``word``, or None.

    ``known``: the index has the word (after folding). An unknown word is corrected to its best
    candidate; a known one only when it is rare and the candidate far more common.
    """
    found = candidates(vocabulary, word, deadline)
    if not found:
        return None
    best = found[0]
    if not known:
        return best
    own = vocabulary.counts.get(analysis.spell_form(word), 0)
    best_count = vocabulary.counts.get(best, 0)
    if own <= RARE_MAX_COUNT and best_count >= max(RARE_MIN_COUNT, RARE_RATIO * max(own, 1)):
        return best
    return None


def suggest(vocabulary: SpellVocabulary, words: list[str], unknown: list[str]) -> str | None:
    """The query's words with each unknown one replaced by its nearest known spelling ("did you
    mean", on engines that search the word as typed); None when none has a candidate."""
    replaced = False
    out = []
    for word in words:
        found = candidates(vocabulary, word) if word in unknown else []
        out.append(found[0] if found else word)
        replaced = replaced or bool(found)
    return " ".join(out) if replaced else None
