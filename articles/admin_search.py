"""The admin's article search: the archive's Arabic search (``run_search``), plus the literal database match.

The index holds published articles only, so a draft is found by the database match on title, byline
and dateline (ModelAdmin.search_fields), and published articles by both: «أستانا» finds what is written
أستانة or آستانة, with the same folding, clitics and spelling sets as the public search. When the index
cannot be read, the database match alone answers and the editor is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from articles.search.query import SearchInputError, SearchParams, SearchUnavailable, run_search

logger = logging.getLogger("articles.search")

# The changelist filters the matched ids in SQL (pk IN (...)); beyond this many, the newest are kept.
LIMIT = 1000
PAGE = 100  # run_search's largest page

UNAVAILABLE = "البحث العربي في الأرشيف غير متاح الآن (فهرس البحث لا يُقرأ)، فهذه نتائج المطابقة الحرفية فقط."


def too_many(count: int) -> str:
    return (
        f"وجد البحث {count} مقالًا منشورًا؛ تُعرض أحدث {LIMIT} منها مع المسودات المطابقة. "
        "ضيّق البحث بكلمة أخرى أو بالمرشّحات."
    )


@dataclass
class ArchiveMatches:
    pks: list[int]
    count: int  # all published articles the search matched (may exceed len(pks))
    message: str | None = None  # for the editor, when the search could not be used fully


def archive_matches(q: str, limit: int = LIMIT) -> ArchiveMatches:
    """Ids of the published articles ``run_search`` finds for ``q`` with all its words, newest first."""
    pks: list[int] = []
    page = 1
    try:
        while True:
            outcome = run_search(SearchParams(q=q, sort="newest", page=page, page_size=PAGE))
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
    return ArchiveMatches(pks[:limit], count, too_many(count) if count > limit else None)
