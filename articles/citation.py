"""How to cite an article: APA-like text, BibTeX and RIS, from the article and its absolute URL.

Pure formatting (no request, no database): the views pass the article (section and publication joined)
and the permalink. An undated article is cited as «د.ت.» (APA's "n.d." in Arabic) and carries no year
field in BibTeX or RIS rather than an invented one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format

from articles.models import Article

NO_DATE = "د.ت."
_BIBTEX_SPECIALS = re.compile(r"([&%$#_{}])")
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str
    ris: str
    url: str

    @property
    def reference(self) -> str:
        """The APA-like text without its closing URL (pages set the URL apart, left to right)."""
        return self.text.removesuffix(self.url).rstrip()


def _one_line(value: str) -> str:
    return _SPACE.sub(" ", value or "").strip()


def _sentence(value: str) -> str:
    """The value as an APA element: ends with one full stop (or its own ?/!)."""
    value = _one_line(value)
    return value if value.endswith((".", "؟", "?", "!")) else f"{value}."


def apa(article: Article, url: str) -> str:
    """ "علي حسن. (21 يوليو، 2015). العنوان. العهد الإخباري. https://…" (APA 7 for a newspaper web article)."""
    if article.published_at:
        with translation.override("ar"):
            when = date_format(timezone.localtime(article.published_at), "DATE_FORMAT")
    else:
        when = NO_DATE
    parts = []
    author = _one_line(article.byline)
    title = _sentence(article.title)
    if author:
        parts += [_sentence(author), f"({when}).", title]
    else:  # APA: without an author the title moves to the author's place
        parts += [title, f"({when})."]
    if article.publication:
        parts.append(_sentence(article.publication.name))
    parts.append(url)
    return " ".join(parts)


def _bibtex_value(value: str) -> str:
    value = _one_line(value).replace("\\", r"\textbackslash{}")
    return _BIBTEX_SPECIALS.sub(r"\\\1", value)


def bibtex_key(article: Article) -> str:
    year = timezone.localtime(article.published_at).year if article.published_at else "nd"
    return f"newsarchive{article.pk}-{year}"


def bibtex(article: Article, url: str) -> str:
    fields: list[tuple[str, str]] = [("title", article.title)]
    if article.byline:
        # Double braces: a whole name, not "Last, First" to be split by BibTeX.
        fields.append(("author", "{" + _bibtex_value(article.byline) + "}"))
    if article.publication:
        fields.append(("journal", article.publication.name))
    if article.published_at:
        local = timezone.localtime(article.published_at)
        fields += [("year", str(local.year)), ("month", _BIBTEX_MONTHS[local.month - 1]), ("day", str(local.day))]
    fields += [("url", url), ("language", "arabic")]
    lines = [f"@article{{{bibtex_key(article)},"]
    for name, value in fields:
        if name == "month":
            lines.append(f"  {name} = {value},")  # a BibTeX month macro, unbraced
        elif name in ("author", "url"):
            lines.append(f"  {name} = {{{value}}},")
        else:
            lines.append(f"  {name} = {{{_bibtex_value(value)}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def ris(article: Article, url: str) -> str:
    """RIS (``TY  - NEWS`` … ``ER  - ``), CRLF line ends as the format specifies."""
    lines = [("TY", "NEWS"), ("TI", article.title)]
    if article.byline:
        lines.append(("AU", article.byline))
    if article.publication:
        lines.append(("T2", article.publication.name))
    if article.published_at:
        local = timezone.localtime(article.published_at)
        lines += [("PY", str(local.year)), ("DA", local.strftime("%Y/%m/%d"))]
    if article.section:
        lines.append(("KW", article.section.name))
    lines += [("UR", url), ("LA", "ar"), ("ID", bibtex_key(article)), ("ER", "")]
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def cite(article: Article, url: str) -> Citation:
    return Citation(text=apa(article, url), bibtex=bibtex(article, url), ris=ris(article, url), url=url)
