"""What every importer shares: the report, the record shape, and the upsert that writes articles.

A format module (seed_page, saudinewsnet, jsonl) only turns its files into ``ArticleRecord`` objects; this module
decides create / update / unchanged, one ``transaction.atomic`` per file and one savepoint per record, so a bad
record is reported with its file and record number and the rest of the file still imports.

Articles are written with ``Article.save()`` so ``post_save`` fires for each of them (the search index listens for
it, after commit). Paragraphs and related links are ``bulk_create``d after their article: no signal fires for them,
so search indexing must run after commit (on_commit) or be rebuilt after a large import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from articles.importers import cleaning
from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, Section, title_key


class RecordInvalid(ValueError):
    """A record that cannot become an article; its message names what is wrong."""


# Read at each call, so a test can lower them (docs/operations.md "Import limits").
def max_file_bytes() -> int:
    """The largest JSON document read whole: a .json file, a zip member (declared and read), a seed page."""
    return settings.IMPORT_MAX_FILE_BYTES


def max_line_bytes() -> int:
    """The longest JSONL line (one article), its line ending included."""
    return settings.IMPORT_MAX_LINE_BYTES


def too_big(size: int, limit: int, setting: str, unit: str = "bytes") -> str:
    return f"{size:,} {unit}, more than the limit of {limit:,} bytes (NEWSARCHIVE_{setting})"


def not_utf8(data: bytes, exc: UnicodeDecodeError, where: str) -> str:
    return f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte {exc.start + 1} {where}"


@dataclass(frozen=True)
class Unreadable:
    """What a format's reader yields in place of a record it could not read (too long, not UTF-8, ...).

    ``is_record``: the problem takes a record's place (a JSONL line), so record numbers stay line numbers;
    otherwise it concerns a part of the file (a zip member) and is reported without a record number.
    """

    message: str
    is_record: bool = True

    def fail(self) -> list[Record]:
        raise RecordInvalid(self.message)


@dataclass(frozen=True)
class RecordError:
    file: str
    record_no: int | None  # 1-based; None for a problem with the whole file
    message: str
    unit: str = "record"  # what record_no counts: "line" in JSONL files

    def __str__(self) -> str:
        where = self.file if self.record_no is None else f"{self.file}, {self.unit} {self.record_no}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # records not imported because they were bad
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.errors

    def error(self, file: str, record_no: int | None, message: str, unit: str = "record") -> None:
        self.errors.append(RecordError(file, record_no, message, unit))

    def warn(self, file: str, record_no: int | None, message: str, unit: str = "record") -> None:
        self.warnings.append(RecordError(file, record_no, message, unit))

    def summary(self) -> str:
        return (
            f"{self.created} created / {self.updated} updated / {self.unchanged} unchanged / "
            f"{self.skipped} skipped / {len(self.errors)} errors"
        )


@dataclass(frozen=True)
class PublicationRef:
    name: str
    slug: str = ""
    source_key: str | None = None
    website: str = ""


@dataclass(frozen=True)
class SectionRef:
    name: str
    slug: str = ""
    position: int | None = None


@dataclass
class ArticleRecord:
    """One article as a format module read it, already cleaned."""

    title: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (kind "p"|"h", text)
    section: SectionRef | None = None
    publication: PublicationRef | None = None
    dateline: str = ""
    byline: str = ""
    published_at: datetime | None = None  # None: keep the stored date on update
    default_published_at: datetime | None = None  # used only when creating an article without a date
    updated_at: datetime | None = None
    lead: str = ""
    source_url: str | None = None
    content_hash: str | None = None
    status: str = Article.Status.PUBLISHED
    needs_review: bool = False
    related: list[tuple[str, str | None]] = field(default_factory=list)  # (title, target key or None)
    warnings: list[str] = field(default_factory=list)  # reported with file and record number once saved

    def key(self) -> str:
        """The upsert key: the source URL, else the content hash."""
        if self.source_url:
            return self.source_url
        if not self.content_hash:
            self.content_hash = cleaning.content_hash(self.title, [text for _, text in self.paragraphs])
        return self.content_hash


@dataclass
class BriefRecord:
    text: str
    region: str = ""
    published_at: datetime | None = None
    publication: PublicationRef | None = None
    is_active: bool = True


Record = ArticleRecord | BriefRecord
# A format yields, per file, (record number, a thunk building the record): building may raise for a bad record.
# The number is None for a problem that is not one record's (a zip member that cannot be read).
RecordSource = Iterator[tuple[int | None, Callable[[], list[Record]]]]
# Building one record can fail in these ways; each rejects that record only.
BUILD_ERRORS = (RecordInvalid, KeyError, TypeError, ValueError, AttributeError, RecursionError, MemoryError)


def sample_rank(key: str) -> int:
    """A stable pseudo-random rank for a record key: the same records are sampled on every run and machine."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


class Importer:
    """Writes records into the database, one file at a time."""

    def __init__(self, report: ImportReport | None = None, now: datetime | None = None) -> None:
        from django.utils import timezone

        self.report = report or ImportReport()
        self.now = now or timezone.now()
        self._sections: dict[str, Section] = {}
        self._publications: dict[str, Publication] = {}
        self._unit = "record"  # what the current file's record numbers count

    # --- lookups ----------------------------------------------------------------------------------------------------
    def section(self, ref: SectionRef | None) -> Section | None:
        if ref is None or not ref.name:
            return None
        if ref.name not in self._sections:
            defaults: dict[str, Any] = {}
            if ref.slug:
                defaults["slug"] = ref.slug
            position = ref.position
            if position is None and ref.name in cleaning.SECTIONS:
                position = (cleaning.SECTIONS.index(ref.name) + 1) * 10
            if position is not None:
                defaults["position"] = position
            section = Section.objects.filter(name=ref.name).first()
            if section is None:
                section = Section(name=ref.name, **defaults)
                section.save()
            self._sections[ref.name] = section
        return self._sections[ref.name]

    def publication(self, ref: PublicationRef | None) -> Publication | None:
        if ref is None or not ref.name:
            return None
        if ref.name not in self._publications:
            publication = Publication.objects.filter(name=ref.name).first()
            if publication is None:
                publication = Publication(
                    name=ref.name, slug=ref.slug, source_key=ref.source_key or None, website=ref.website
                )
                publication.save()
            self._publications[ref.name] = publication
        return self._publications[ref.name]

    # --- files ------------------------------------------------------------------------------------------------------
    def import_file(self, label: str, source: RecordSource, unit: str = "record") -> None:
        """Validate every record of a file, then write the good ones in one transaction."""
        self.report.files += 1
        self._unit = unit
        good: list[tuple[int, Record]] = []
        for record_no, build in source:
            try:
                good.extend((record_no, record) for record in build())
            except BUILD_ERRORS as exc:
                self._bad(label, record_no, exc)
        articles = [r.key() for _, r in good if isinstance(r, ArticleRecord)]
        with transaction.atomic():
            existing = self._preload(articles)
            links: list[tuple[Article, ArticleRecord]] = []
            for record_no, record in good:
                try:
                    with transaction.atomic():
                        if isinstance(record, BriefRecord):
                            self._save_brief(record)
                            continue
                        article, changed = self._save_article(record, existing)
                    for message in record.warnings:
                        self.report.warn(label, record_no, message, unit)
                    if changed:
                        links.append((article, record))
                except Exception as exc:  # one bad record (e.g. an IntegrityError) must not stop the file
                    self._bad(label, record_no, exc)
            self._link(links)

    def _bad(self, label: str, record_no: int | None, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, RecordInvalid) else f"{type(exc).__name__}: {exc}"
        self.report.error(label, record_no, message, self._unit)
        if record_no is not None:
            self.report.skipped += 1

    def _preload(self, keys: list[str]) -> dict[str, Article]:
        """Existing articles of this file by key, with their paragraphs and links, in a few queries."""
        found: dict[str, Article] = {}
        urls = [k for k in keys if "://" in k]
        hashes = [k for k in keys if "://" not in k]
        for field_name, values in (("source_url", urls), ("content_hash", hashes)):
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                query = (
                    Article.objects.filter(**{f"{field_name}__in": chunk})
                    .select_related("section", "publication")
                    .prefetch_related("paragraphs", "related_links__target")
                )
                for article in query:
                    found[getattr(article, field_name)] = article
        return found

    # --- writing ----------------------------------------------------------------------------------------------------
    def _save_article(self, record: ArticleRecord, existing: dict[str, Article]) -> tuple[Article, bool]:
        if not record.title:
            raise RecordInvalid("no title and no body text to derive one from")
        key = record.key()
        values = {
            "title": record.title[:500],
            "section": self.section(record.section),
            "publication": self.publication(record.publication),
            "dateline": record.dateline[:200],
            "byline": record.byline[:300],
            "updated_at": record.updated_at,
            "lead": record.lead,
            "source_url": record.source_url or None,
            # The hash identifies URL-less articles only: reprints share a body under different URLs.
            "content_hash": None if record.source_url else key,
            "status": record.status,
            "needs_review": record.needs_review,
        }
        if record.published_at is not None:
            values["published_at"] = record.published_at
        article = existing.get(key)
        if article is None:
            values.setdefault("published_at", record.default_published_at)
            article = Article(**values)
            article.save()
            self._write_children(article, record)
            existing[key] = article
            self.report.created += 1
            return article, True
        if article.section_inferred and (record.section is None or record.section.name == cleaning.GENERAL):
            del values["section"]  # the source names none: keep the one classify_sections inferred
        elif article.section_inferred:
            values["section_inferred"] = False  # the source's own section replaces the inferred one
        changed = [name for name, value in values.items() if _differs(getattr(article, name), value)]
        for name in changed:
            setattr(article, name, values[name])
        if changed:
            article.save()
        body_changed = _paragraph_rows(article) != record.paragraphs
        links_changed = _links_differ(_link_rows(article), record.related)
        if body_changed:
            article.paragraphs.all().delete()
        if links_changed:
            article.related_links.all().delete()
        self._write_children(article, record, paragraphs=body_changed, links=links_changed)
        if changed or body_changed or links_changed:
            if not changed:
                article.save(update_fields=["modified"])  # post_save: the body changed
            self.report.updated += 1
            return article, True
        self.report.unchanged += 1
        return article, False

    def _write_children(self, article: Article, record: ArticleRecord, paragraphs: bool = True, links: bool = True):
        if paragraphs and record.paragraphs:
            Paragraph.objects.bulk_create(
                Paragraph(article=article, position=i, kind=kind, text=text)
                for i, (kind, text) in enumerate(record.paragraphs)
            )
        if links and record.related:
            # bulk_create skips RelatedLink.save(), so the title key is computed here.
            RelatedLink.objects.bulk_create(
                RelatedLink(source=article, position=i, title=title[:500], title_key=title_key(title))
                for i, (title, _target) in enumerate(record.related)
            )

    def _link(self, saved: list[tuple[Article, ArticleRecord]]) -> None:
        """Point related links at their articles: explicit targets, then equal titles, both directions."""
        for article, record in saved:
            if record.related:
                for link in article.related_links.filter(target__isnull=True):
                    target_key = record.related[link.position][1] if link.position < len(record.related) else None
                    target = _find_target(target_key, link.title_key, exclude=article.pk)
                    if target is not None:
                        link.target = target
                        link.save(update_fields=["target"])
        # link_pending for every saved article, but only where a pending link can match: one query per 500
        # articles instead of one UPDATE each (the corpus has no related links at all).
        keys = {article.title_key for article, _ in saved if article.title_key}
        pending: set[str] = set()
        key_list = sorted(keys)
        for start in range(0, len(key_list), 500):
            chunk = key_list[start : start + 500]
            pending.update(
                RelatedLink.objects.filter(target__isnull=True, title_key__in=chunk).values_list("title_key", flat=True)
            )
        for article, _ in saved:
            if article.title_key in pending:
                RelatedLink.objects.link_pending(article)

    def _save_brief(self, record: BriefRecord) -> None:
        brief, created = Brief.objects.get_or_create(
            region=record.region[:100],
            text=record.text[:500],
            defaults={
                "published_at": record.published_at,  # None: the source gave no time; not the import time
                "publication": self.publication(record.publication),
                "is_active": record.is_active,
            },
        )
        if not created and record.published_at and brief.published_at != record.published_at:
            brief.published_at = record.published_at
            brief.save(update_fields=["published_at"])


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Model) or isinstance(new, Model):
        return getattr(old, "pk", None) != getattr(new, "pk", None)
    return old != new


def _paragraph_rows(article: Article) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in article.paragraphs.all()]


def _link_rows(article: Article) -> list[tuple[str, str | None]]:
    return [(link.title, target_key_of(link.target)) for link in article.related_links.all()]


def _links_differ(old: list[tuple[str, str | None]], new: list[tuple[str, str | None]]) -> bool:
    """Titles in order; a target only when the record names one (pages name titles, links are found later)."""
    if [title for title, _ in old] != [title[:500] for title, _ in new]:
        return True
    return any(want is not None and want != have for (_, have), (_, want) in zip(old, new, strict=True))


def target_key_of(article: Article | None) -> str | None:
    if article is None:
        return None
    return article.source_url or article.content_hash or None


def _find_target(target_key: str | None, key: str, exclude: int) -> Article | None:
    query = Article.objects.exclude(pk=exclude)
    if target_key:
        field_name = "source_url" if "://" in target_key else "content_hash"
        found = query.filter(**{field_name: target_key}).first()
        if found is not None:
            return found
    if not key:
        return None
    return query.filter(title_key=key).order_by("pk").first()


def discover(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Files under each path (a file or a directory), sorted so imports run in the same order everywhere."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(suffixes))
        else:
            yield path
