"""Text captured from an article page (shared/seeds/*.txt), in one of two shapes, told apart by content.

A whole page: section, title, "city - author", body paragraphs, then the side blocks "إقرأ المزيد في: <section>"
(date dd/mm/yyyy + title of another article of the section), "التغطية الإخبارية" (brief lines, "لبنان| ...") and
"مقالات مرتبطة" (related titles). A body-only page starts mid-story with a long paragraph: it becomes a draft
with a title derived from its text, for an editor to complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from articles.importers import cleaning
from articles.importers.base import (
    ArticleRecord,
    BriefRecord,
    PublicationRef,
    RecordInvalid,
    SectionRef,
    Unreadable,
    discover,
    max_file_bytes,
    not_utf8,
    too_big,
)
from articles.models import Article
from articles.textrules import strip_control_chars

SUFFIXES = (".txt",)
# The page quotes its own site ("لموقع العهد الإخباري").
PUBLICATION = PublicationRef("العهد الإخباري")
MORE_MARKER = re.compile(r"^[إا]قرأ المزيد في\s*:\s*(?P<section>.+)$")
COVERAGE_MARKER = "التغطية الإخبارية"
RELATED_MARKER = "مقالات مرتبطة"
DATE_LINE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$")


def files(path: Path) -> Iterator[tuple[str, Callable[[], Iterator[str | Unreadable]]]]:
    for file in discover([path], SUFFIXES):
        yield str(file), (lambda file=file: load(file))


def load(file: Path) -> Iterator[str | Unreadable]:
    """The page's text: one record. A page is one article, so a bad byte or an oversized file rejects it whole."""
    size, limit = file.stat().st_size, max_file_bytes()
    if size > limit:
        yield Unreadable(f"cannot read file: {too_big(size, limit, 'IMPORT_MAX_FILE_BYTES')}", is_record=False)
        return
    data = file.read_bytes()
    try:
        yield data.decode("utf-8")
    except UnicodeDecodeError as exc:
        yield Unreadable(f"cannot read file: {not_utf8(data, exc, 'of the file')}", is_record=False)


def sample_key(raw: str) -> str:
    return raw


def is_body_only(first_line: str) -> bool:
    """A page starts with a short section name; a body-only capture starts with a long paragraph."""
    return len(first_line.split()) > 12 or first_line.endswith((".", "؟", "!"))


def build(raw: str, now: datetime | None = None) -> list[ArticleRecord | BriefRecord]:
    now = now or timezone.now()
    lines = [strip_control_chars(cleaning.clean_text(line)) for line in raw.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        raise RecordInvalid("empty page")
    if is_body_only(lines[0]):
        return [_body_only([line for line in lines if line])]
    return _page(lines, now)


def _body_only(paragraphs: list[str]) -> ArticleRecord:
    title = cleaning.derive_title(paragraphs)
    return ArticleRecord(
        title=title,
        paragraphs=cleaning.paragraph_kinds(paragraphs),
        status=Article.Status.DRAFT,
        needs_review=True,
        lead=cleaning.truncate_words(paragraphs[0], 300),
        warnings=[
            f"body only (no title, section or date): imported as a draft titled {title!r}; an editor must complete it"
        ],
    )


def _page(lines: list[str], now: datetime) -> list[ArticleRecord | BriefRecord]:
    if len(lines) < 4:
        raise RecordInvalid("a page needs a section, a title, a 'city - author' line and a body")
    section = SectionRef(lines[0])
    title = lines[1]
    dateline, byline = cleaning.split_dateline_byline(lines[2])
    blocks: dict[str, list[str]] = {"body": [], "more": [], "coverage": [], "related": []}
    current = "body"
    for line in lines[3:]:
        if MORE_MARKER.match(line):
            current = "more"
        elif line == COVERAGE_MARKER:
            current = "coverage"
        elif line == RELATED_MARKER:
            current = "related"
        elif line:
            blocks[current].append(line)
    body = blocks["body"]
    if not body:
        raise RecordInvalid("the page has no body text")
    records: list[ArticleRecord | BriefRecord] = list(_more_in_section(blocks["more"], section))
    records.append(
        ArticleRecord(
            title=title,
            paragraphs=cleaning.paragraph_kinds(body),
            section=section,
            publication=PUBLICATION,
            dateline=dateline,
            byline=byline,
            # The page has no date: stored undated (NULL), never the import time; an editor's date is kept on re-import.
            published_at=None,
            lead=cleaning.truncate_words(body[0], 300),
            needs_review=True,
            related=[(related, None) for related in blocks["related"]],
            warnings=[f"{title!r}: the page has no date; stored as undated, an editor must set the real date"],
        )
    )
    for line in blocks["coverage"]:
        region, bar, text = line.partition("|")
        region, text = (region.strip(), text.strip()) if bar else ("", line)
        # The page gives no times: the briefs are stored without one (shown in page order, without a time).
        records.append(BriefRecord(text=text, region=region, publication=PUBLICATION, published_at=None))
    return records


def _more_in_section(lines: list[str], section: SectionRef) -> Iterator[ArticleRecord]:
    """ "إقرأ المزيد في" lists (date, title) pairs: each is an article of the section in its own right (no body)."""
    date = None
    for line in lines:
        match = DATE_LINE.match(line)
        if match:
            date = timezone.make_aware(datetime(int(match["y"]), int(match["m"]), int(match["d"])))
        elif date is not None:
            yield ArticleRecord(
                title=line, section=section, publication=PUBLICATION, published_at=date, needs_review=True
            )
            date = None
