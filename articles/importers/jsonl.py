"""The archive's own export format: one JSON object a line, articles then briefs, in a stable order.

An export is a backup and a way to move an archive between databases, so it must not depend on primary keys:
articles are ordered by (published_at, source_url or content_hash, title), related links name their target by
its source URL or content hash, and keys are sorted. Export -> import into an empty database -> export again
gives the same bytes (tests/importers/test_jsonl_roundtrip.py).
"""

from __future__ import annotations

import json
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
    discover,
    target_key_of,
)
from articles.models import Article, Brief, Publication, Section

SUFFIXES = (".jsonl",)
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


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


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
    for brief in sorted(briefs, key=lambda b: (_when(b.published_at) or "", b.region, b.text)):
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
def files(path: Path) -> Iterator[tuple[str, Callable[[], list[str]]]]:
    for file in discover([path], SUFFIXES):
        yield str(file), (lambda file=file: file.read_text(encoding="utf-8").splitlines())


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
    return parsed


def _publication_ref(data: dict | None) -> PublicationRef | None:
    if not data:
        return None
    return PublicationRef(data["name"], data.get("slug", ""), data.get("source_key"), data.get("website", ""))


def build(raw: str) -> list[ArticleRecord | BriefRecord]:
    if not raw.strip():
        return []
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RecordInvalid(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RecordInvalid(f"line is not a JSON object but {type(data).__name__}")
    kind = data.get("type")
    if kind == "brief":
        return [
            BriefRecord(
                text=data["text"],
                region=data.get("region", ""),
                published_at=_parse_when(data.get("published_at"), "published_at"),
                publication=_publication_ref(data.get("publication")),
                is_active=bool(data.get("is_active", True)),
            )
        ]
    if kind != "article":
        raise RecordInvalid(f"unknown type {kind!r}")
    section = data.get("section")
    return [
        ArticleRecord(
            title=data["title"],
            paragraphs=[(p["kind"], p["text"]) for p in data.get("paragraphs", [])],
            section=SectionRef(section["name"], section.get("slug", ""), section.get("position")) if section else None,
            publication=_publication_ref(data.get("publication")),
            dateline=data.get("dateline", ""),
            byline=data.get("byline", ""),
            published_at=_parse_when(data.get("published_at"), "published_at"),
            updated_at=_parse_when(data.get("updated_at"), "updated_at"),
            lead=data.get("lead", ""),
            source_url=data.get("source_url"),
            content_hash=data.get("content_hash"),
            status=data.get("status", Article.Status.PUBLISHED),
            needs_review=bool(data.get("needs_review", False)),
            related=[(link["title"], (link.get("target") or {}).get("key")) for link in data.get("related", [])],
        )
    ]
