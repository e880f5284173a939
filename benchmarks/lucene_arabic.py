"""Lucene's ``ArabicAnalyzer`` rules, in Python, for the search benchmark's reference system.

Elasticsearch and OpenSearch's built-in ``arabic`` analyzer is this Lucene analyzer, so a BM25 index
built with :func:`analyze` replicates what an Elasticsearch deployment with ``"analyzer": "arabic"`` would
match. The chain is Lucene 9's ``ArabicAnalyzer.createComponents``, in its order:

    StandardTokenizer -> LowerCaseFilter -> DecimalDigitFilter -> StopFilter (Lucene's Arabic list,
    *before* normalization, as Lucene does) -> ArabicNormalizationFilter -> ArabicStemFilter

``normalize`` and ``stem`` follow ``ArabicNormalizer.java`` and ``ArabicStemmer.java`` character by
character, including their length rules. The one approximation is the tokenizer: Lucene's
StandardTokenizer implements UAX #29 word breaks; :data:`TOKEN_RE` keeps the same units for Arabic and
Latin news text (letters and digits together, harakat/tatweel/ZWNJ/ZWJ inside a word, everything else a
separator). The stem-exclusion set is empty (the analyzer's default).
"""

from __future__ import annotations

import re
import unicodedata

# --- ArabicNormalizer.java -------------------------------------------------------------------------
ALEF = "\u0627"
ALEF_MADDA = "\u0622"
ALEF_HAMZA_ABOVE = "\u0623"
ALEF_HAMZA_BELOW = "\u0625"
YEH = "\u064a"
DOTLESS_YEH = "\u0649"
TEH_MARBUTA = "\u0629"
HEH = "\u0647"
TATWEEL = "\u0640"
FATHATAN = "\u064b"
DAMMATAN = "\u064c"
KASRATAN = "\u064d"
FATHA = "\u064e"
DAMMA = "\u064f"
KASRA = "\u0650"
SHADDA = "\u0651"
SUKUN = "\u0652"

_NORMALIZE = str.maketrans(
    {
        ALEF_MADDA: ALEF,
        ALEF_HAMZA_ABOVE: ALEF,
        ALEF_HAMZA_BELOW: ALEF,
        DOTLESS_YEH: YEH,
        TEH_MARBUTA: HEH,
        TATWEEL: None,
        KASRATAN: None,
        DAMMATAN: None,
        FATHATAN: None,
        FATHA: None,
        DAMMA: None,
        KASRA: None,
        SHADDA: None,
        SUKUN: None,
    }
)


def normalize(token: str) -> str:
    """``ArabicNormalizer.normalize``: alef forms -> ا, ى -> ي, ة -> ه, drop tatweel and the eight harakat.

    Like Lucene, it leaves ؤ/ئ, ٱ, superscript alef (U+0670) and presentation forms alone.
    """
    return token.translate(_NORMALIZE)


# --- ArabicStemmer.java ----------------------------------------------------------------------------
# Order matters: prefixes are tried in this order and the first that fits is removed (one only);
# every suffix is tried in this order and each one that fits is removed in turn.
PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def _starts_with_check_length(s: str, prefix: str) -> bool:
    # ArabicStemmer.startsWithCheckLength: a one-letter prefix (و) needs a word of 4+ letters,
    # any other needs at least 2 letters left after it.
    if len(prefix) == 1 and len(s) < 4:
        return False
    if len(s) < len(prefix) + 2:
        return False
    return s.startswith(prefix)


def _ends_with_check_length(s: str, suffix: str) -> bool:
    # ArabicStemmer.endsWithCheckLength: at least 2 letters must remain.
    if len(s) < len(suffix) + 2:
        return False
    return s.endswith(suffix)


def stem_prefix(s: str) -> str:
    for prefix in PREFIXES:
        if _starts_with_check_length(s, prefix):
            return s[len(prefix) :]
    return s


def stem_suffix(s: str) -> str:
    for suffix in SUFFIXES:
        if _ends_with_check_length(s, suffix):
            s = s[: -len(suffix)]
    return s


def stem(token: str) -> str:
    """``ArabicStemmer.stem``: one prefix, then the suffix pass."""
    return stem_suffix(stem_prefix(token))


# --- ArabicAnalyzer's default stop set (analysis/ar/stopwords.txt, Jacques Savoy, BSD) ------------
# Not normalized: Lucene applies it before ArabicNormalizationFilter, so both أ and ا forms are listed.
STOPWORDS = frozenset(
    """
    من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا الا ألا إلا لكن ما وما
    كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن وان وأن وإن التى التي الذى
    الذي الذين الى الي إلى إلي على عليها عليه اما أما إما ايضا أيضا كل وكل لم ولم لن ولن هى هي هو وهى
    وهي وهو فهى فهي فهو انت أنت لك لها له هذه هذا تلك ذلك هناك كانت كان يكون تكون وكانت وكان غير بعض قد
    نحو بين بينما منذ ضمن حيث الان الآن خلال بعد قبل حتى عند عندما لدى جميع
    """.split()
)

# --- StandardTokenizer (UAX #29), approximated for Arabic/Latin news text -------------------------
TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d])+")


def _decimal_digits(token: str) -> str:
    # DecimalDigitFilter: any Unicode decimal digit (Nd) -> its ASCII digit.
    if token.isascii():
        return token
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in token)


def analyze_token(raw: str) -> str | None:
    """One tokenizer token through the rest of the chain; ``None`` when the stop filter drops it."""
    token = _decimal_digits(raw.lower())
    if token in STOPWORDS:
        return None
    return stem(normalize(token))


def tokens(text: str):
    """Yield ``(term, start, end)`` for every indexed term of ``text`` (offsets into ``text``)."""
    for match in TOKEN_RE.finditer(text):
        term = analyze_token(match.group())
        if term:
            yield term, match.start(), match.end()


def analyze(text: str) -> list[str]:
    """The terms Elasticsearch's ``arabic`` analyzer would index for ``text``."""
    return [term for term, _, _ in tokens(text)]
