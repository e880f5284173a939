"""The admin's article search: the archive's Arabic search (``run_search``), plus the literal database match.

The index holds published articles only, so a draft is found by the database match on title, byline
and dateline (ModelAdmin.search_fields), and published articles by both: «أستانا» finds what is written
أستانة or آستانة, with the same folding, clitics and spelling sets as the public search. When the index
cannot be read, the database match alone answers and the editor is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Publication, Section
from articles.search.query import SearchInputError, SearchParams, SearchUnavailable, run_search

logger = logging.getLogger("articles.search")

# The changelist filters the matched ids in SQL (pk IN (...)); beyond this many, the newest are kept.
# Each page of run_search builds highlighted snippets (4-6 ms a hit): one page of 100 costs ~0.5 s for
# a word in a third of the articles, a rare word ~20 ms (docs/operations.md "Admin search"). Editors
# narrow a long list with the filters, which the search applies itself (Narrowing).
LIMIT = 100
PAGE = 100  # run_search's largest page

UNAVAILABLE = "البحث العربي في الأرشيف غير متاح الآن (فهرس البحث لا يُقرأ)، فهذه نتائج المطابقة الحرفية فقط."


def too_many(count: int, limit: int) -> str:
    return (
        f"وجد البحث {count} مقالًا منشورًا؛ تُعرض أحدث {limit} منها مع المسودات المطابقة. "
        "ضيّق البحث بكلمة أخرى أو بالمرشّحات."
    )


@dataclass
class Narrowing:
    """The changelist's filters that the search itself can apply, so the newest LIMIT are the right ones."""

    section: str | None = None
    publication: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _day(value: str | None) -> date | None:
    if not value:
        return None
    moment = parse_datetime(value)
    return moment.date() if moment else parse_date(value[:10])


def narrowing_from(query: QueryDict) -> Narrowing:
    """Section, publication and date filters of the article changelist (list_filter, date_hierarchy)."""
    out = Narrowing()
    try:
        if section := query.get("section__id__exact"):
            out.section = Section.objects.filter(pk=int(section)).values_list("slug", flat=True).first()
        if publication := query.get("publication__id__exact"):
            out.publication = Publication.objects.filter(pk=int(publication)).values_list("slug", flat=True).first()
        year, month, day = (query.get(f"published_at__{part}") for part in ("year", "month", "day"))
        if year:
            y, m, d = int(year), int(month or 1), int(day or 1)
            out.date_from = date(y, m, d)
            if day:
                out.date_to = out.date_from
            elif month:
                out.date_to = (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)
            else:
                out.date_to = date(y, 12, 31)
        if start := _day(query.get("published_at__gte")):
            out.date_from = max(filter(None, [out.date_from, start]))
        if end := _day(query.get("published_at__lt")):
            end -= timedelta(days=1)  # "before" that day: the last day asked is the one before
            out.date_to = min(filter(None, [out.date_to, end]))
    except (ValueError, TypeError, OverflowError):  # a hand-edited URL: the changelist reports it itself
        return Narrowing()
    return out


@dataclass
class ArchiveMatches:
    pks: list[int]
    count: int  # all published articles the search matched (may exceed len(pks))
    message: str | None = None  # for the editor, when the search could not be used fully


def archive_matches(q: str, narrowing: Narrowing | None = None, limit: int | None = None) -> ArchiveMatches:
    """Ids of the published articles ``run_search`` finds for ``q`` with all its words, newest first."""
    n = narrowing or Narrowing()
    limit = limit or LIMIT
    pks: list[int] = []
    page = 1
    try:
        while True:
            params = SearchParams(
                q=q,
                section=n.section,
                publication=n.publication,
                date_from=n.date_from,
                date_to=n.date_to,
                sort="newest",
                page=page,
                page_size=PAGE,
            )
            outcome = run_search(params)
            if outcome.fallback:  # "some of the words" ranking: editors asked for all of them
                return ArchiveMatches([], 0)
            pks += [hit.pk for hit in outcome.hits]
            if len(pks) >= min(limit, outcome.count) or not outcome.hits:
                break
            page += 1
    except SearchInputError as exc:
        return ArchiveMatches([], 0, exc.message)
    except SearchUnavailable:
        logger.exception("admin search: index unavailable for q=%r", q)
        return ArchiveMatches([], 0, UNAVAILABLE)
    count = outcome.count
    return ArchiveMatches(pks[:limit], count, too_many(count, limit) if count > limit else None)
