"""SaudiNewsNet (Alhagri 2015): a directory of YYYY-MM-DD.zip files, each holding one JSON array of articles.

Fields: source, url, date_extracted ("YYYY-MM-DD hh:mm:ss", Riyadh time), title (may be empty), author (a mix of
dateline and byline, with HTML entities), content (paragraphs separated by newlines). See shared/data/README.md.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from articles.importers import cleaning
from articles.importers.base import ArticleRecord, PublicationRef, RecordInvalid, SectionRef, discover
from articles.models import Article

SUFFIXES = (".zip", ".json")
RIYADH = ZoneInfo("Asia/Riyadh")
# source id -> (Arabic name, website)
PUBLICATIONS = {
    "alriyadh": ("الرياض", "http://www.alriyadh.com"),
    "aljazirah": ("الجزيرة", "http://www.al-jazirah.com"),
    "alyaum": ("اليوم", "http://www.alyaum.com"),
    "aleqtisadiya": ("الاقتصادية", "http://www.aleqt.com"),
    "aawsat": ("الشرق الأوسط", "http://aawsat.com"),
    "okaz": ("عكاظ", "http://www.okaz.com.sa"),
    "alwatan": ("الوطن", "http://www.alwatan.com.sa"),
    "almadina": ("المدينة", "http://www.al-madina.com"),
    "alweeam": ("الوئام", "http://www.alweeam.com.sa"),
    "3alyoum": ("عين اليوم", "http://www.3alyoum.com"),
    "sabq": ("سبق", "http://sabq.org"),
    "was": ("وكالة الأنباء السعودية (واس)", "http://www.spa.gov.sa"),
    "arreyadi": ("الرياضي", "http://www.arreyadi.com.sa"),
    "arriyadiyah": ("الرياضية", "http://www.arriyadiyah.com"),
}
UNTITLED = "بلا عنوان"


def files(path: Path) -> Iterator[tuple[str, Callable[[], list[Any]]]]:
    """(label, loader) per file; a loader returns the file's records or raises for an unreadable file."""
    for file in discover([path], SUFFIXES):
        yield str(file), (lambda file=file: load(file))


def load(file: Path) -> list[Any]:
    if file.suffix == ".zip":
        records: list[Any] = []
        with zipfile.ZipFile(file) as archive:
            for member in sorted(n for n in archive.namelist() if n.endswith(".json")):
                records.extend(_array(json.loads(archive.read(member).decode("utf-8")), member))
        return records
    return _array(json.loads(file.read_text(encoding="utf-8")), file.name)


def _array(data: Any, name: str) -> list[Any]:
    if not isinstance(data, list):
        raise RecordInvalid(f"{name}: expected a JSON array of articles, got {type(data).__name__}")
    return data


def sample_key(raw: Any) -> str:
    return str(raw.get("url", "")) if isinstance(raw, dict) else repr(raw)


def _text(raw: dict, name: str, required: bool = True) -> str:
    if name not in raw:
        if required:
            raise RecordInvalid(f"missing field {name!r}")
        return ""
    value = raw[name]
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise RecordInvalid(f"field {name!r} must be a string, got {type(value).__name__}")
    return value


def build(raw: Any) -> list[ArticleRecord]:
    """One corpus object -> an article record; raises RecordInvalid naming the bad field."""
    if not isinstance(raw, dict):
        raise RecordInvalid(f"record is not a JSON object but {type(raw).__name__}")
    source = _text(raw, "source").strip()
    url = _text(raw, "url").strip()
    if not url:
        raise RecordInvalid("empty 'url'")
    content = _text(raw, "content")
    stamp = _text(raw, "date_extracted").strip()
    try:
        published_at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=RIYADH)
    except ValueError:
        raise RecordInvalid(f"invalid date_extracted {stamp!r} (expected YYYY-MM-DD hh:mm:ss)") from None
    author = _text(raw, "author", required=False)

    section, title = cleaning.section_from_title(_text(raw, "title", required=False))
    section = section or cleaning.section_from_url(url) or cleaning.GENERAL
    paragraphs = cleaning.strip_source_leftovers(cleaning.split_paragraphs(content))
    paragraphs, lead_in = cleaning.strip_lead_in(paragraphs, author)
    dateline, byline = cleaning.split_dateline_byline(author)
    if lead_in and not (dateline and byline):
        lead_dateline, lead_byline = cleaning.lead_in_dateline_byline(lead_in)
        dateline, byline = dateline or lead_dateline, byline or lead_byline

    warnings, needs_review, status = [], False, Article.Status.PUBLISHED
    if not title:
        title, needs_review = cleaning.derive_title(paragraphs), True
        warnings.append(f"empty title, derived from the body: {title!r}" if title else "empty title and body")
    if not paragraphs:
        needs_review = True
    if not title:
        title, status = UNTITLED, Article.Status.DRAFT
    name, website = PUBLICATIONS.get(source, (source or "غير معروف", ""))
    kinds = cleaning.paragraph_kinds(paragraphs)
    first = next((text for kind, text in kinds if kind == "p"), "")
    return [
        ArticleRecord(
            title=title,
            paragraphs=kinds,
            section=SectionRef(section),
            publication=PublicationRef(name, source_key=source or None, website=website),
            dateline=dateline,
            byline=byline,
            published_at=published_at,
            lead=cleaning.truncate_words(first, 300),
            source_url=url,
            status=status,
            needs_review=needs_review,
            warnings=warnings,
        )
    ]
