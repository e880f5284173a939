"""Pure text cleaning for imported articles: no Django, no I/O, tested by tables (tests/importers/test_cleaning.py).

The corpus is scraped HTML: entities (``&nbsp;``, ``&quot;``), no-break spaces and bidi marks, "dateline - byline"
lines in a dozen house styles, and sections hidden in URLs or in title prefixes. Every rule for that mess lives here.
"""

from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import unquote, urlsplit

# --- Whitespace and entities ----------------------------------------------------------------------------------------
# Bidi and zero-width marks the scrapers left in (RLM, LRM, embeddings, BOM); they are invisible and break matching.
_INVISIBLE = re.compile(r"[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str | None) -> str:
    """One line of text: entities decoded, NBSP and every run of whitespace turned into one space, trimmed."""
    if not text:
        return ""
    text = html.unescape(html.unescape(text))  # some sources double-escape: &amp;nbsp;
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def split_paragraphs(text: str | None) -> list[str]:
    """Body text with paragraphs separated by newlines -> cleaned, non-empty paragraphs."""
    if not text:
        return []
    decoded = html.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    return [line for line in (clean_text(raw) for raw in decoded.split("\n")) if line]


def content_hash(title: str, paragraphs: list[str]) -> str:
    """sha256 of the normalized title and body: the identity of an article that has no source URL."""
    body = "\n".join(clean_text(p) for p in paragraphs)
    return hashlib.sha256(f"{clean_text(title)}\n{body}".encode()).hexdigest()


def truncate_words(text: str, max_chars: int = 300) -> str:
    """Cut ``text`` at a word boundary to at most ``max_chars`` characters, with an ellipsis when cut."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(" ،,؛;:-–")
    return f"{cut}…"


# --- Dateline / byline ----------------------------------------------------------------------------------------------
CITIES = frozenset(
    """
    الرياض جدة مكة الدمام الخبر الظهران الأحساء الاحساء القطيف الجبيل تبوك أبها ابها جازان جيزان نجران الباحة الطائف
    حائل بريدة القصيم عنيزة الجوف سكاكا عرعر ينبع القريات الخرج المجمعة الدوادمي عفيف رابغ القنفذة بيشة صبيا أضم
    الليث الأفلاج تيماء العلا الوجه ضباء أملج الزلفي شقراء المنامة البحرين الكويت الدوحة دبي أبوظبي الشارقة مسقط
    صنعاء عدن تعز مأرب الحديدة القاهرة الإسكندرية عمّان بيروت دمشق بغداد البصرة الموصل أربيل طهران أنقرة إسطنبول
    اسطنبول القدس غزة الخرطوم طرابلس تونس الجزائر الرباط نواكشوط مقديشو جيبوتي لندن باريس برلين روما مدريد موسكو
    بروكسل جنيف فيينا واشنطن نيويورك أوتاوا بكين طوكيو نيودلهي كابول كراتشي لاهور سول أستانا أستانة كوالالمبور
    جاكرتا سيدني
    """.split()
) | frozenset(
    [
        "مكة المكرمة",
        "المدينة المنورة",
        "خميس مشيط",
        "حفر الباطن",
        "أبو ظبي",
        "رام الله",
        "الدار البيضاء",
        "لوس أنجلوس",
        "سان فرانسيسكو",
        "إسلام آباد",
        "اسلام آباد",
        "الأمم المتحدة",
    ]
)
# Newspapers and wire services: a byline when no person is named, never a dateline.
AGENCIES = frozenset(
    [
        "الوئام",
        "سبق",
        "عين اليوم",
        "واس",
        "رويترز",
        "ا ف ب",
        "أ ف ب",
        "أ.ف.ب",
        "ا.ف.ب",
        "فرانس برس",
        "د ب أ",
        "د.ب.أ",
        "يو بي اي",
        "يو بي آي",
        "أ ش أ",
        "الأناضول",
        "وكالات",
        "الرياض الإلكتروني",
        "الاقتصادية",
        "الاقتصادية الإلكترونية",
        "الشرق الأوسط",
        "الشرق الأوسط أونلاين",
        "عكاظ",
        "الجزيرة",
        "المدينة",
        "اليوم",
        "الرياضية",
        "الرياضي",
        "الوطن",
        "العهد الإخباري",
    ]
)
# Words that say how a story was gathered, not who wrote it: kept only when nothing else is left.
FILLERS = frozenset(["متابعة", "متابعات", "خاص", "تقرير", "بروفايل سبق"])
_BY_PREFIX = re.compile(r"^(?:بقلم|بواسطة|المؤلف|كتب|كتبت|إعداد|اعداد)\s*:?\s*")
_PARENS = re.compile(r"^(?P<who>[^()]*?)\s*\((?P<city>[^()]+)\)\s*:?$")
_FROM_CITY = re.compile(r"^(?P<who>.+?)\s+من\s+(?P<city>\S+(?:\s\S+)?)$")
# "-", en/em dashes, ":" and a spaced tatweel ("وكالات ـ طهران") all separate parts.
_SEPARATORS = re.compile(r"\s*[-–—:]\s*|\s+ـ\s+")
_QUOTES = re.compile(r"[«»\"“”„'‘’]")


def _part(text: str) -> str:
    return _QUOTES.sub("", text).strip(" .،,")


def split_dateline_byline(raw: str | None) -> tuple[str, str]:
    """``"لندن: رنيم حنوش"`` -> ``("لندن", "رنيم حنوش")``; ``"عمر عريبي - سبق- جازان:"`` -> ``("جازان", "عمر عريبي")``.

    Returns (dateline city, byline). A named person wins the byline over a newspaper or agency; a lone agency is
    the byline. A part is a city when it is in ``CITIES``, in parentheses, or after "من"; failing that, a one-word
    part beside a longer one is taken for the city ("حسين احمد -الخبر").
    """
    text = clean_text(raw).split("|", 1)[0].strip()
    text = _BY_PREFIX.sub("", text).strip(" :")
    if not text:
        return "", ""
    match = _PARENS.match(text)
    if match:
        return _part(match["city"]), split_dateline_byline(match["who"])[1]
    match = _FROM_CITY.match(_QUOTES.sub("", text))
    if match and _part(match["city"]) in CITIES:
        return _part(match["city"]), _part(match["who"])
    parts = [p for p in (_part(p) for p in _SEPARATORS.split(text)) if p]
    cities = [p for p in parts if p in CITIES]
    agencies = [p for p in parts if p in AGENCIES and p not in cities]
    fillers = [p for p in parts if p in FILLERS]
    people = [p for p in parts if p not in CITIES and p not in AGENCIES and p not in FILLERS]
    if not cities and len(parts) > 1:
        single = [p for p in people if " " not in p]
        if len(single) == 1 and len(people) + len(agencies) + len(fillers) > 1:
            cities = single
            people = [p for p in people if p != single[0]]
    byline_parts = people or agencies or fillers
    return (cities[0] if cities else ""), " - ".join(byline_parts)


# The Saudi Press Agency opens its stories with "بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس".
_WAS_LEAD = re.compile(r"^(?P<city>\D+?)\s+\d{1,2}\s+\S+\s+\d{4}\s*هـ.*?(?P<by>واس|يونا)\s*$")


def _norm(text: str) -> str:
    return re.sub(r"[\s:–—\-ـ]+", " ", text).strip()


def strip_lead_in(paragraphs: list[str], author: str = "") -> tuple[list[str], str]:
    """Drop the byline/dateline a body repeats at its start; return (paragraphs, the lead-in removed or "").

    ``"عمر عريبي - سبق- جازان: أوضح ..."`` with that author -> ``"أوضح ..."``; a first paragraph that is only a
    dateline (``"عين اليوم – نيويورك"``, the SPA's dated city line) is dropped whole and returned so the caller can
    fill an empty author from it.
    """
    if not paragraphs:
        return paragraphs, ""
    first = paragraphs[0]
    author = clean_text(author).strip(" :")
    if author:
        want = _norm(author)
        # Compare word by word so dash and colon spacing differences do not matter.
        words = first.split(" ")
        for n in range(1, min(len(words), 12) + 1):
            if _norm(" ".join(words[:n])) == want:
                rest = " ".join(words[n:]).lstrip(" :–-")
                return ([rest] if rest else []) + paragraphs[1:], author
    if len(paragraphs) > 1 and _WAS_LEAD.match(first):
        return paragraphs[1:], first
    if len(paragraphs) > 1 and len(first.split()) <= 7 and not first.endswith((".", "؟", "!")):
        if re.search(r"\s[-–—]\s|\S[-–]\s|\s[-–]\S", first) and "،" not in first:
            return paragraphs[1:], first
    return paragraphs, ""


def lead_in_dateline_byline(lead_in: str) -> tuple[str, str]:
    """The dateline and byline carried by a lead-in that ``strip_lead_in`` removed."""
    match = _WAS_LEAD.match(lead_in)
    if match:
        return match["city"].strip(), match["by"]
    return split_dateline_byline(lead_in)


# --- Sections -------------------------------------------------------------------------------------------------------
GENERAL = "عام"
# The archive's fixed sections, in menu order.
SECTIONS = ["سياسة", "اقتصاد", "محليات", "دولي", "رياضة", "ثقافة وفنون", "منوعات", "رأي", GENERAL]

_ALWATAN = {
    "politics": "سياسة",
    "economy": "اقتصاد",
    "sports": "رياضة",
    "local": "محليات",
    "nation": "محليات",
    "citizen_journalist": "محليات",
    "culture": "ثقافة وفنون",
    "articles": "رأي",
    "discussion": "رأي",
    "dialogue": "رأي",
}
_3ALYOUM_NEWS = {"pol": "سياسة", "local": "محليات", "regions": "محليات", "golobal": "دولي", "global": "دولي"}
_3ALYOUM = {
    "finance": "اقتصاد",
    "sports": "رياضة",
    "culture": "ثقافة وفنون",
    "technology": "منوعات",
    "opinion": "رأي",
}
# al-jazirah.com/2015/20150807/sp3.htm: the page code names the paper's section.
_ALJAZIRAH = {"sp": "رياضة", "ec": "اقتصاد", "cu": "ثقافة وفنون", "du": "دولي", "ar": "رأي"}
_SPORTS_HOSTS = ("arriyadiyah.com", "arreyadi.com.sa")


def section_from_url(url: str | None) -> str | None:
    """The section a source URL names, or None: ``alwatan.com.sa/Politics/...`` -> "سياسة"."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    segments = [unquote(s).lower() for s in parts.path.split("/") if s]
    first = segments[0] if segments else ""
    if host == "alwatan.com.sa":
        return _ALWATAN.get(first)
    if host == "3alyoum.com":
        if first == "news" and len(segments) > 1:
            return _3ALYOUM_NEWS.get(segments[1])
        return _3ALYOUM.get(first)
    if host == "al-jazirah.com" and segments:
        match = re.match(r"([a-z]+)\d*\.htm", segments[-1])
        return _ALJAZIRAH.get(match[1]) if match else None
    if host in _SPORTS_HOSTS:
        return "رياضة"
    return None


_TITLE_PREFIX = re.compile(r"^\s*(?P<prefix>[\u0621-\u064a]+)\s*/\s*(?P<title>.+)$")
_PREFIX_SECTIONS = {
    "عام": GENERAL,
    "سياسي": "سياسة",
    "اقتصادي": "اقتصاد",
    "إقتصادي": "اقتصاد",
    "رياضي": "رياضة",
    "ثقافي": "ثقافة وفنون",
    "اجتماعي": "منوعات",
    "تقرير": GENERAL,
}


def section_from_title(title: str) -> tuple[str | None, str]:
    """The Saudi Press Agency's "سياسي / ..." prefix -> (section, title without the prefix); else (None, title)."""
    title = clean_text(title)
    match = _TITLE_PREFIX.match(title)
    if match and match["prefix"] in _PREFIX_SECTIONS:
        return _PREFIX_SECTIONS[match["prefix"]], match["title"].strip()
    return None, title


# --- Titles and crossheads ------------------------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[.!؟?؛]")


def derive_title(paragraphs: list[str], max_words: int = 12) -> str:
    """A title for an untitled article: its first sentence, at most ``max_words`` words (ellipsis when cut)."""
    for paragraph in paragraphs:
        sentence = _SENTENCE_END.split(paragraph, 1)[0].strip(" :،,")
        words = sentence.split()
        if words:
            return " ".join(words) if len(words) <= max_words else " ".join(words[:max_words]) + "…"
    return ""


_NO_CROSSHEAD_END = (".", ":", "؛", "،", ",", "!", "؟", "?", "…", '"', "»", "”")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")
_SENTENCE_CLOSE = (".", "!", "؟", "?", '"', "»", "”", ")")
# The Saudi Press Agency ends its stories with "// انتهى //" ("end"): not text.
_END_MARKER = re.compile(r"^/+\s*انتهى\s*/+$")


def is_crosshead(line: str, max_words: int = 10) -> bool:
    """A short line of words without final punctuation: a subheading inside a body."""
    line = line.strip()
    words = line.split()
    return (
        0 < len(words) <= max_words
        and not line.endswith(_NO_CROSSHEAD_END)
        and len(_ARABIC_WORD.findall(line)) >= 2
        and not line.startswith(("/", "*", "-", "("))
    )


def paragraph_kinds(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(kind, text) for a body: "h" for a crosshead, else "p".

    A crosshead sits between paragraphs: not the first or last line, after a finished sentence and before a
    paragraph longer than itself (so runs of short lines, such as verse or lists, stay paragraphs).
    """
    paragraphs = [p for p in paragraphs if not _END_MARKER.match(p)]
    kinds = []
    for i, text in enumerate(paragraphs):
        crosshead = (
            0 < i < len(paragraphs) - 1
            and is_crosshead(text)
            and paragraphs[i - 1].endswith(_SENTENCE_CLOSE)
            and len(paragraphs[i + 1].split()) > max(10, len(text.split()))
        )
        kinds.append(("h" if crosshead else "p", text))
    return kinds


# A source's own "link to this story" footer, left in the body by the scraper: «رابط الخبر بصحيفة الوئام: <title>»,
# on its own line or glued to the end of the last paragraph (about 2,090 SaudiNewsNet articles, all alweeam).
_SOURCE_LINK_FOOTER = re.compile(r"\s*رابط (?:الخبر|المقال|الموضوع) (?:ب|في )?(?:صحيفة|موقع) [^:\n]{1,40}:.*$")
# The Saudi Press Agency's filing time, Makkah time, as the last line: «18:37 ت م» (365 articles).
_FILING_TIME = re.compile(r"\s*\b\d{1,2}:\d{2}\s*ت\s*م$")


def strip_source_leftovers(paragraphs: list[str]) -> list[str]:
    """The body without a source's trailing footer (``_SOURCE_LINK_FOOTER``, ``_FILING_TIME``); a paragraph
    left empty is dropped.

    Only the last paragraph is looked at: the same words inside a story are the story's own.
    """
    if not paragraphs:
        return paragraphs
    last = _FILING_TIME.sub("", _SOURCE_LINK_FOOTER.sub("", paragraphs[-1])).strip()
    return [*paragraphs[:-1], last] if last else paragraphs[:-1]
