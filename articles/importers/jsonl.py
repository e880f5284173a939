"""The archive's own export format: one JSON object a line, articles then briefs, in a stable order.

An export is a backup and a way to move an archive between databases, so it must not depend on primary keys:
articles are ordered by (published_at, source_url or content_hash, title), related links name their target by
its source URL or content hash, and keys are sorted. Export -> import into an empty database -> export again
gives the same bytes (tests/importers/test_jsonl_roundtrip.py).

Reading splits lines at "\n" only (``str.splitlines`` would also split at U+2028, U+0085 and others inside
a title), one bounded line at a time, and decodes each line on its own: a bad byte costs its line only.
Every field is type-checked, so a hostile line is reported with a message naming the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from articles.importers.base import (
    ArticleRecord,
    BriefRecord,
    PublicationRef,
    RecordInvalid,
    SectionRef,
    Unreadable,
    discover,
    max_line_bytes,
    not_utf8,
    target_key_of,
    too_big,
)
from articles.models import Article, Brief, Paragraph, Publication, Section
from articles.textrules import is_http_url, is_valid_slug, max_year, slug_for, strip_control_chars, year_in_range

SUFFIXES = (".jsonl",)
UNIT = "line"  # record numbers are line numbers
CHUNK = 500


# --- export ---------------------------------------------------------------------------------------------------------
def _when(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _section(section: Section | None) -> dict | None:
    if section is None:
        return None
    return {"name": section.name, "slug": section.slug, "position": section.position}


def _publication(publication: Publication | None) -> dict | None:
    if publication is None:
        return None
    return {
        "name": publication.name,
        "slug": publication.slug,
        "source_key": publication.source_key,
        "website": publication.website,
    }


def article_line(article: Article) -> dict[str, Any]:
    return {
        "type": "article",
        "title": article.title,
        "section": _section(article.section),
        "publication": _publication(article.publication),
        "dateline": article.dateline,
        "byline": article.byline,
        "published_at": _when(article.published_at),
        "updated_at": _when(article.updated_at),
        "lead": article.lead,
        "source_url": article.source_url,
        "content_hash": article.content_hash,
        "status": article.status,
        "needs_review": article.needs_review,
        "paragraphs": [{"kind": p.kind, "text": p.text} for p in article.paragraphs.all()],
        "related": [
            {
                "title": link.title,
                "target": None
                if link.target is None
                else {"key": target_key_of(link.target), "title": link.target.title},
            }
            for link in article.related_links.all()
        ],
    }


# JSON leaves these raw inside strings, but str.splitlines() and many editors break lines at them: escaped,
# every tool sees one record a line. (json.dumps already escapes C0 characters such as \x0b and \x1c.)
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}
_LINE_BREAK = re.compile("[\u2028\u2029\u0085]")


def _dump(data: dict) -> str:
    line = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _LINE_BREAK.sub(lambda m: _LINE_BREAKS[m.group()], line) + "\n"


def export(out: IO[str]) -> int:
    """Write every article and brief to ``out``; returns the number of lines."""
    rows = Article.objects.values_list("pk", "published_at", "source_url", "content_hash", "title")
    order = sorted(rows, key=lambda r: (_when(r[1]) or "", r[2] or r[3] or "", r[4], r[0]))
    pks = [row[0] for row in order]
    count = 0
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        by_pk = Article.objects.for_detail().in_bulk(chunk)
        for pk in chunk:
            out.write(_dump(article_line(by_pk[pk])))
            count += 1
    briefs = Brief.objects.select_related("publication")

    # Dated briefs by time (then region, text); undated ones keep their page order, which an import
    # recreates as their primary-key order, so a restored ticker reads as the original did.
    def order(brief: Brief) -> tuple:
        if brief.published_at is None:
            return ("", "", "", brief.pk)
        return (_when(brief.published_at), brief.region, brief.text)

    for brief in sorted(briefs, key=order):
        out.write(
            _dump(
                {
                    "type": "brief",
                    "region": brief.region,
                    "text": brief.text,
                    "published_at": _when(brief.published_at),
                    "publication": _publication(brief.publication),
                    "is_active": brief.is_active,
                }
            )
        )
        count += 1
    return count


# --- import ---------------------------------------------------------------------------------------------------------
def files(path: Path) -> Iterator[tuple[str, Callable[[], Iterator[str | Unreadable]]]]:
    for file in discover([path], SUFFIXES):
        yield str(file), (lambda file=file: read_lines(file, max_line_bytes()))


def read_lines(file: Path, limit: int) -> Iterator[str | Unreadable]:
    """The file's lines (split at "\\n" only), each decoded on its own; a line over ``limit`` bytes is skipped."""
    with open(file, "rb") as stream:
        first = True
        while line := stream.readline(limit + 1):
            if len(line) > limit:
                size = len(line) + (0 if line.endswith(b"\n") else _skip_line(stream))
                yield Unreadable(f"line is {too_big(size, limit, 'IMPORT_MAX_LINE_BYTES', 'bytes long')}")
                first = False
                continue
            if first and line.startswith(b"\xef\xbb\xbf"):  # a byte order mark some editors add
                line = line[3:]
            first = False
            line = line.removesuffix(b"\n").removesuffix(b"\r")  # JSON error positions are then on line 1
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Unreadable(not_utf8(line, exc, "of the line"))


def _skip_line(stream) -> int:
    """Read past the rest of an overlong line without holding it; returns how many bytes that was."""
    skipped = 0
    while chunk := stream.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def sample_key(raw: str) -> str:
    return raw


def _parse_when(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RecordInvalid(f"invalid {name} {value!r}") from None
    if parsed.tzinfo is None:
        raise RecordInvalid(f"{name} {value!r} has no time zone")
    if not year_in_range(parsed):
        raise RecordInvalid(f"{name} {value!r} is outside the years 1800 to {max_year()}")
    return parsed


def _text(data: dict, name: str, where: str = "", required: bool = False) -> str:
    """A string field, control characters stripped; "" when absent or null unless ``required``."""
    value = data.get(name)
    if value is None:
        if required:
            raise RecordInvalid(f"missing field {where + name!r}")
        return ""
    if not isinstance(value, str):
        raise RecordInvalid(f"field {where + name!r} must be a string, got {type(value).__name__}")
    if _SURROGATE.search(value):
        raise RecordInvalid(f"field {where + name!r} holds an unpaired surrogate, which cannot be stored")
    return strip_control_chars(value)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _object(data: dict, name: str) -> dict | None:
    value = data.get(name)
    if value is None or isinstance(value, dict):
        return value or None
    raise RecordInvalid(f"field {name!r} must be an object, got {type(value).__name__}")


def _list(data: dict, name: str) -> list[dict]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordInvalid(f"field {name!r} must be a list, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise RecordInvalid(f"field '{name}[{i}]' must be an object, got {type(item).__name__}")
    return value


def _slug(kind: str, data: dict, warnings: list[str]) -> str:
    slug, name = _text(data, "slug", f"{kind}."), _text(data, "name", f"{kind}.")
    if not slug or is_valid_slug(slug):
        return slug
    fixed = slug_for(slug, name)
    if not fixed:
        raise RecordInvalid(
            f"{kind} slug {slug!r} is not a valid slug, and neither the slug nor the name {name!r} give one"
        )
    warnings.append(f"{kind} slug {slug!r} is not a valid slug: using {fixed!r}")
    return fixed


def _publication_ref(data: dict | None, warnings: list[str]) -> PublicationRef | None:
    if not data:
        return None
    website = _text(data, "website", "publication.")
    if website and not is_http_url(website):
        warnings.append(f"publication website {website!r} is not an http(s) URL: left empty")
        website = ""
    return PublicationRef(
        _text(data, "name", "publication.", required=True),
        _slug("publication", data, warnings),
        _text(data, "source_key", "publication.") or None,
        website,
    )


def _section_ref(data: dict | None, warnings: list[str]) -> SectionRef | None:
    if not data:
        return None
    position = data.get("position")
    if position is not None and (type(position) is not int or not 0 <= position <= 32767):
        raise RecordInvalid(f"field 'section.position' must be a whole number from 0 to 32767, got {position!r}")
    return SectionRef(_text(data, "name", "section.", required=True), _slug("section", data, warnings), position)


def _source_url(data: dict) -> str | None:
    url = _text(data, "source_url") or None
    if url is not None and not is_http_url(url):
        raise RecordInvalid(f"source_url {url!r} is not an http(s) URL")
    return url


def _paragraphs(data: dict) -> list[tuple[str, str]]:
    rows = []
    for i, item in enumerate(_list(data, "paragraphs")):
        kind = _text(item, "kind", f"paragraphs[{i}].") or Paragraph.Kind.PARAGRAPH
        if kind not in Paragraph.Kind.values:
            raise RecordInvalid(f"field 'paragraphs[{i}].kind' must be 'p' or 'h', got {kind!r}")
        rows.append((kind, _text(item, "text", f"paragraphs[{i}].", required=True)))
    return rows


def _related(data: dict) -> list[tuple[str, str | None]]:
    rows = []
    for i, item in enumerate(_list(data, "related")):
        target = item.get("target")
        if target is not None and not isinstance(target, dict):
            raise RecordInvalid(f"field 'related[{i}].target' must be an object, got {type(target).__name__}")
        key = _text(target, "key", f"related[{i}].target.") or None if target else None
        rows.append((_text(item, "title", f"related[{i}].", required=True), key))
    return rows


def build(raw: str) -> list[ArticleRecord | BriefRecord]:
    if not raw.strip():
        return []
    try:
        # strict=False: a raw control character inside a string is read (then stripped), not a lost line.
        data = json.loads(raw, strict=False)
    except json.JSONDecodeError as exc:
        raise RecordInvalid(f"not JSON: {exc}") from None
    except RecursionError:
        raise RecordInvalid("JSON nested too deeply to read (RecursionError)") from None
    if not isinstance(data, dict):
        raise RecordInvalid(f"line is not a JSON object but {type(data).__name__}")
    kind = data.get("type")
    warnings: list[str] = []
    if kind == "brief":
        return [
            BriefRecord(
                text=_text(data, "text", required=True),
                region=_text(data, "region"),
                published_at=_parse_when(data.get("published_at"), "published_at"),
                publication=_publication_ref(_object(data, "publication"), warnings),
                is_active=bool(data.get("is_active", True)),
            )
        ]
    if kind != "article":
        raise RecordInvalid(f"unknown type {kind!r}")
    status = data.get("status", Article.Status.PUBLISHED)
    if status not in Article.Status.values:
        raise RecordInvalid(f"unknown status {status!r} (expected 'draft' or 'published')")
    content_hash = _text(data, "content_hash") or None
    return [
        ArticleRecord(
            title=_text(data, "title", required=True),
            paragraphs=_paragraphs(data),
            section=_section_ref(_object(data, "section"), warnings),
            publication=_publication_ref(_object(data, "publication"), warnings),
            dateline=_text(data, "dateline"),
            byline=_text(data, "byline"),
            published_at=_parse_when(data.get("published_at"), "published_at"),
            updated_at=_parse_when(data.get("updated_at"), "updated_at"),
            lead=_text(data, "lead"),
            source_url=_source_url(data),
            content_hash=content_hash,
            status=status,
            needs_review=bool(data.get("needs_review", False)),
            related=_related(data),
            warnings=warnings,
        )
    ]
