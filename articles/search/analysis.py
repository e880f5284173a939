"""Arabic text analysis for search: pure functions, no Django or Whoosh.

Every function here changes token *text* only; ``tokens()`` reports offsets into the original
string, so highlighting can mark the words exactly as written (with their harakat).

Pipeline (SEARCH-DESIGN.md §2-6, with the issue's folding of ؤ -> و and ئ -> ي):
  tokens()          split the original text into words, keeping marks/tatweel/ZWNJ inside a word
  normalize()       NFKC on presentation forms, drop marks/tatweel/ignorables, fold letters and digits
  analyze_exact()   normalize + variant map                 (exact fields: phrases, fuzzy, ranking)
  analyze_stemmed() normalize + stop words + variants + protected names + light stem (stemmed fields)
  spell_form()      drop marks/tatweel/ignorables and casefold, no folding ("did you mean" vocabulary)
  count_spellings() / write_spellings() / read_spellings()   the "did you mean" vocabulary file
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

# --- Characters -------------------------------------------------------------------------------

# Harakat, Quranic annotation marks and superscript alef: part of a word, dropped by normalize().
MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
TATWEEL = "\u0640"
# Joiners and soft hyphen may sit inside a word; normalize() drops them.
JOINERS = "\u200c\u200d\u00ad"
# Zero-width and bidi controls: deleted by normalize(); separators for the tokenizer.
IGNORABLE = "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"

# A word starts with a letter or digit (tatweel is a letter for Unicode, so exclude it) and goes
# on through letters, digits, marks, tatweel, joiners and stray zero-width/bidi controls (pasted
# text carries them inside words; normalize() drops them without splitting the word). Trailing
# tatweel/controls are not part of the word: a tatweel between words is a separator ("الرياض ـ جدة").
_WORD = re.compile(rf"(?:(?!{TATWEEL})[^\W_])(?:[^\W_]|[{MARKS}{TATWEEL}{JOINERS}{IGNORABLE}\u0300-\u036f])*")
_TRAILING = re.compile(rf"[{TATWEEL}{JOINERS}{IGNORABLE}]+$")
_PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]")


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for lo, hi in ((0x0610, 0x061A), (0x064B, 0x065F), (0x06D6, 0x06ED), (0x200B, 0x200F), (0x202A, 0x202E)):
        for cp in range(lo, hi + 1):
            table[cp] = None
    for lo, hi in ((0x2060, 0x2069),):
        for cp in range(lo, hi + 1):
            table[cp] = None
    for ch in "\u0670\u0640\u00ad\u061c\u200c\u200d\ufeff":
        table[ord(ch)] = None
    # Every Unicode decimal digit of the BMP (Arabic-Indic, Persian, ...) -> ASCII.
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            table[cp] = str(unicodedata.decimal(ch))
    folds = {
        "آأإٱٲٳ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ىیےۍ": "ي",
        "ةۃەۀہ": "ه",
        "کگ": "ك",
        "ڤ": "ف",
        "پ": "ب",
        "چ": "ج",
    }
    for sources, target in folds.items():
        for ch in sources:
            table[ord(ch)] = target
    return table


_TABLE = _build_table()
_SPELL_TABLE = {cp: None for cp, value in _TABLE.items() if value is None}


def _nfkc_presentation(text: str) -> str:
    # Presentation forms (ﻻ, ﷲ, ﺍﻟﻌﺮﺑﻴﺔ) become letters; NFKC may insert spaces (ﷺ), drop them.
    return _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()).replace(" ", ""), text)


def normalize(text: str) -> str:
    """Fold a word (or text) to its search form: أستانةِ -> استانه, ٢٠١٥ -> 2015, ﻻ -> لا."""
    if _PRESENTATION.search(text):
        text = _nfkc_presentation(text)
    return text.translate(_TABLE).casefold()


def spell_form(text: str) -> str:
    """The "did you mean" form: marks, tatweel and ignorables dropped, casefolded, letters kept."""
    if _PRESENTATION.search(text):
        text = _nfkc_presentation(text)
    return text.translate(_SPELL_TABLE).casefold()


# --- Tokens -----------------------------------------------------------------------------------


class Token(NamedTuple):
    text: str  # the word as written in the original text
    start: int  # offset of its first character in the original text
    end: int  # offset after its last character


def tokens(text: str) -> list[Token]:
    """Words of ``text`` with offsets into ``text`` itself (not into a normalized copy)."""
    return list(iter_tokens(text))


def iter_tokens(text: str) -> Iterator[Token]:
    for match in _WORD.finditer(text):
        word = match.group()
        trailing = _TRAILING.search(word)
        if trailing:
            word = word[: trailing.start()]
        yield Token(word, match.start(), match.start() + len(word))


# --- Stop words, protected names, affixes -----------------------------------------------------

# Lucene's Arabic stop words (analysis/common/.../ar/stopwords.txt) plus question words;
# normalized with the same folding so they match normalized tokens.
_LUCENE_STOP = """
من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا الا ألا إلا لكن ما وما
كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن وان وأن وإن التى التي
الذى الذي الذين الى الي إلى إلي على عليها عليه اما أما إما ايضا أيضا كل وكل لم ولم لن ولن هى هي هو
وهى وهي وهو فهى فهي فهو انت أنت لك لها له هذه هذا تلك ذلك هناك كانت كان يكون تكون وكانت وكان غير
بعض قد نحو بين بينما منذ ضمن حيث الان الآن خلال بعد قبل حتى عند عندما لدى جميع
"""
_QUESTION_WORDS = "هل متى أين كيف لماذا ماذا كم أيان"
STOP_WORDS: frozenset[str] = frozenset(normalize(w) for w in (_LUCENE_STOP + _QUESTION_WORDS).split())

# Names that end like a suffix (ان ين ون ات ه ي) or start like a prefix: never stemmed.
# Normalized, in the form left after stripping a prefix (البحرين -> بحرين).
_PROTECTED = """
لبنان بحرين ايران فلسطين سودان عمان يونان يابان باكستان افغانستان كازاخستان اوزبكستان
كردستان طاجيكستان اذربيجان فاتيكان طهران اصفهان تطوان عدن يمن اردن بريطانيا بلجيكا
سلمان رمضان شعبان حسين عثمان سليمان عدنان مروان عمران حسان غسان عفان نيسان حزيران كانون تشرين
جده مكه دبي ابوظبي صنعاء دوحه بنغازي كراتشي نيودلهي هلسنكي طوكيو جيبوتي
لندن واشنطن فيينا برلين بكين صين كيري بوتين روحاني
"""
PROTECTED: frozenset[str] = frozenset(normalize(w) for w in _PROTECTED.split())

# Longest first: one of these is stripped when at least 2 letters remain.
PREFIXES: tuple[str, ...] = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
# A single-letter conjunction/preposition; ambiguous (وزير, بريطانيا), so index mode keeps both forms.
SINGLE_PREFIXES = frozenset("وفبلك")
# Lucene's suffix list and order, after our folding (ة -> ه), stripped in one pass.
SUFFIXES: tuple[str, ...] = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
MIN_STEM = 2


class VariantMap(dict):
    """A folded variant -> canonical map that can key the analysis caches (hashed by identity)."""

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other


EMPTY_VARIANTS: Mapping[str, str] = VariantMap()


def fold_variants(token: str, variant_map: Mapping[str, str]) -> str:
    """The canonical spelling of a normalized token (استانه -> استانا), or the token itself."""
    return variant_map.get(token, token)


def strip_prefix(token: str) -> str | None:
    """The token without its longest article/conjunction prefix (والمفاوضات -> مفاوضات), or None."""
    for prefix in PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            return token[len(prefix) :]
    return None


def strip_suffixes(token: str) -> str:
    """Lucene's suffixes, in order, each at most once, keeping at least 2 letters (مفاوضات -> مفاوض)."""
    for suffix in SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            token = token[: -len(suffix)]
    return token


def _finish(token: str, variant_map: Mapping[str, str]) -> str:
    if token in variant_map:
        return variant_map[token]
    if token in PROTECTED:
        return token
    return strip_suffixes(token)


def light_stems(token: str, variant_map: Mapping[str, str] = EMPTY_VARIANTS, index: bool = False) -> tuple[str, ...]:
    """Stems of a normalized, non-stop token.

    Query mode gives one stem. Index mode gives two when the word starts with a single-letter
    clitic (و ف ب ل ك) that may also be part of the word (وزير/ووزير, بريطانيا/ببريطانيا):
    the unstripped stem and the stripped one, so either query form finds it.
    """
    if token in variant_map:
        return (variant_map[token],)
    if token in PROTECTED:
        return (token,)
    rest = token[1:]
    if token[0] in SINGLE_PREFIXES and (rest in PROTECTED or rest in variant_map):
        # لبنان inside للبنان, أستانة inside بأستانة: the name is the only sensible reading.
        return (_finish(rest, variant_map),)
    stripped = strip_prefix(token)
    if stripped is not None:
        return (_finish(stripped, variant_map),)
    if len(token) >= 4 and token[0] in SINGLE_PREFIXES:
        full = _finish(token, variant_map)
        if index:
            inner = strip_prefix(rest)
            return _dedupe(full, _finish(inner if inner is not None else rest, variant_map))
        return (full,)
    return (_finish(token, variant_map),)


def _dedupe(first: str, second: str) -> tuple[str, ...]:
    return (first,) if first == second else (first, second)


def strip_clitics(token: str, variant_map: Mapping[str, str] = EMPTY_VARIANTS) -> str:
    """The query-mode stem of a normalized token (والمفاوضات -> مفاوض, لبنان -> لبنان)."""
    return light_stems(token, variant_map, index=False)[0]


# --- Per-word analysis, cached (news text repeats its words) --------------------------------


@lru_cache(maxsize=500_000)
def analyze_stemmed(word: str, variant_map: Mapping[str, str] = EMPTY_VARIANTS, index: bool = False) -> tuple[str, ...]:
    """Terms of one original word for the stemmed fields: () for stop words and empty words."""
    token = normalize(word)
    if not token or token in STOP_WORDS:
        return ()
    return light_stems(token, variant_map, index)


@lru_cache(maxsize=500_000)
def analyze_exact(word: str, variant_map: Mapping[str, str] = EMPTY_VARIANTS) -> str:
    """The term of one original word for the exact fields (normalized, variant-folded, not stemmed)."""
    return fold_variants(normalize(word), variant_map)


@lru_cache(maxsize=100_000)
def analyze_clitic(word: str, variant_map: Mapping[str, str] = EMPTY_VARIANTS) -> tuple[tuple[str, ...], str] | None:
    """The other reading of a query word that may start with a one-letter clitic (وقرار = و + قرار).

    Query mode keeps such a word unstripped (وزير is a word); this gives the stripped reading as
    (stems, exact term) so the query can match either form, or None when the word has no such
    reading (no clitic, a known prefix+ال form, a protected name, or a stop word left after ``و``).
    """
    token = normalize(word)
    if not token or token in STOP_WORDS or len(token) < 4 or token[0] not in SINGLE_PREFIXES:
        return None
    query = light_stems(token, variant_map, index=False)
    stems = tuple(s for s in light_stems(token, variant_map, index=True) if s not in query)
    rest = token[1:]
    if not stems or rest in STOP_WORDS:
        return None
    return stems, fold_variants(rest, variant_map)


@lru_cache(maxsize=500_000)
def analyze_spell(word: str) -> str:
    return spell_form(word)


def clear_caches() -> None:
    analyze_stemmed.cache_clear()
    analyze_exact.cache_clear()
    analyze_clitic.cache_clear()
    analyze_spell.cache_clear()


def build_variant_map(sets: list[list[str]]) -> VariantMap:
    """Fold spelling sets ([canonical, variant, ...]) into normalized variant -> canonical.

    The canonical maps to itself too, so it is never stemmed into something its variants are not.
    """
    mapping = VariantMap()
    for spellings in sets:
        forms = [normalize(s.strip()) for s in spellings if s and s.strip()]
        forms = [f for f in forms if f]
        if not forms:
            continue
        canonical = forms[0]
        for form in forms:
            mapping.setdefault(form, canonical)
    return mapping


# --- "Did you mean" vocabulary ------------------------------------------------------------------
# One file in the index directory, ``word<TAB>documents`` per line, in spell form. A build writes
# it once (instead of a spell field with postings for every article: a third of the postings);
# later writes append the words of the documents they add, and a reader sums repeated words.

SPELL_FILE = "spelling.tsv"


def count_spellings(text: str, counts: Counter) -> None:
    """Count each distinct word of ``text`` once, as written (``spell_counts`` folds them)."""
    counts.update(set(_WORD.findall(text)))


def spell_counts(raw: Mapping[str, int]) -> dict[str, int]:
    """{spell form: documents} from raw word counts (variants of one form summed)."""
    out: dict[str, int] = {}
    for word, count in raw.items():
        form = spell_form(word)
        if form:
            out[form] = out.get(form, 0) + count
    return out


def write_spellings(directory: str, counts: Mapping[str, int], append: bool = False) -> None:
    with open(os.path.join(directory, SPELL_FILE), "a" if append else "w", encoding="utf-8") as handle:
        handle.writelines(f"{word}\t{count}\n" for word, count in sorted(counts.items()))


def read_spellings(directory: str) -> dict[str, int]:
    """{spell form: documents} of an index directory; {} when it has no vocabulary."""
    counts: dict[str, int] = {}
    try:
        handle = open(os.path.join(directory, SPELL_FILE), encoding="utf-8")
    except FileNotFoundError:
        return counts
    with handle:
        for line in handle:
            word, _, count = line.rstrip("\n").partition("\t")
            if word and count.isdigit():
                counts[word] = counts.get(word, 0) + int(count)
    return counts
