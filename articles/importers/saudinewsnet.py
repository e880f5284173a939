"""SaudiNewsNet (Alhagri 2015): a directory of YYYY-MM-DD.zip files, each holding one JSON array of articles.

Fields: source, url, date_extracted ("YYYY-MM-DD hh:mm:ss", Riyadh time), title (may be empty), author (a mix of
dateline and byline, with HTML entities), content (paragraphs separated by newlines). See shared/data/README.md.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from articles.importers import cleaning
from articles.importers.base import (
    ArticleRecord,
    PublicationRef,
    RecordInvalid,
    SectionRef,
    Unreadable,
    discover,
    max_file_bytes,
    too_big,
)
from articles.models import Article
from articles.textrules import is_http_url, max_year, strip_control_chars, year_in_range

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


# A member that cannot be read is reported and skipped; the zip's other members still import.
MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    json.JSONDecodeError,
    RecordInvalid,
    RecursionError,
    MemoryError,
)


def files(path: Path) -> Iterator[tuple[str, Callable[[], Iterator[Any]]]]:
    """(label, loader) per file; a loader yields the file's records, and ``Unreadable`` for what it cannot read."""
    for file in discover([path], SUFFIXES):
        yield str(file), (lambda file=file: load(file))


def load(file: Path, limit: int | None = None) -> Iterator[Any]:
    """Records of a .json file or of each .json member of a zip, one JSON document (at most ``limit`` bytes) at a time.

    A zip member's size is checked as declared before reading it and as read while reading it, so a small zip
    of a huge member (a "zip bomb") costs at most ``limit`` bytes. Bytes that are not UTF-8 are kept as
    surrogate escapes and reject only the records whose fields hold them (``build``).
    """
    limit = limit or max_file_bytes()
    if file.suffix != ".zip":
        size = file.stat().st_size
        if size > limit:
            yield Unreadable(f"cannot read file: {too_big(size, limit, 'IMPORT_MAX_FILE_BYTES')}", is_record=False)
            return
        yield from _array(_parse(file.read_bytes()), file.name)
        return
    with zipfile.ZipFile(file) as archive:
        members = sorted((i for i in archive.infolist() if i.filename.endswith(".json")), key=lambda i: i.filename)
        for info in members:
            name = info.filename
            if info.file_size > limit:
                message = too_big(info.file_size, limit, "IMPORT_MAX_FILE_BYTES")
                yield Unreadable(f"member {name!r} is {message.replace(' bytes,', ' bytes uncompressed,', 1)}", False)
                continue
            try:
                with archive.open(info) as member:
                    data = member.read(limit + 1)
                if len(data) > limit:
                    yield Unreadable(f"member {name!r} holds more than its declared {info.file_size:,} bytes", False)
                    continue
                records = _array(_parse(data), name)
            except MEMBER_ERRORS as exc:
                yield Unreadable(f"member {name!r}: cannot read: {type(exc).__name__}: {exc}", False)
                continue
            del data
            yield from records


def _parse(data: bytes) -> Any:
    return json.loads(data.decode("utf-8-sig", errors="surrogateescape"))


def _array(data: Any, name: str) -> list[Any]:
    if not isinstance(data, list):
        raise RecordInvalid(f"{name}: expected a JSON array of articles, got {type(data).__name__}")
    return data


def sample_key(raw: Any) -> str:
    return str(raw.get("url", "")) if isinstance(raw, dict) else repr(raw)


# What surrogateescape decoding makes of bytes that are not UTF-8 (and JSON escapes of lone surrogates).
_UNDECODED = re.compile("[\ud800-\udfff]")


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
    bad = _UNDECODED.search(value)
    if bad:
        code = ord(bad.group())
        byte = f" (byte 0x{code - 0xDC00:02x})" if 0xDC80 <= code <= 0xDCFF else ""
        raise RecordInvalid(f"field {name!r} is not valid UTF-8{byte}")
    return strip_control_chars(value)


def build(raw: Any) -> list[ArticleRecord]:
    """One corpus object -> an article record; raises RecordInvalid naming the bad field."""
    if not isinstance(raw, dict):
        raise RecordInvalid(f"record is not a JSON object but {type(raw).__name__}")
    source = _text(raw, "source").strip()
    url = _text(raw, "url").strip()
    if not url:
        raise RecordInvalid("empty 'url'")
    if not is_http_url(url):
        raise RecordInvalid(f"url {url!r} is not an http(s) URL")
    content = _text(raw, "content")
    stamp = _text(raw, "date_extracted").strip()
    try:
        published_at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=RIYADH)
    except ValueError:
        raise RecordInvalid(f"invalid date_extracted {stamp!r} (expected YYYY-MM-DD hh:mm:ss)") from None
    if not year_in_range(published_at):
        raise RecordInvalid(f"date_extracted {stamp!r} is outside the years 1800 to {max_year()}")
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
