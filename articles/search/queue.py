"""The index writer: applies the queued ``IndexTask`` rows to the search index, outside any request.

One pass (``drain_once``) takes the oldest ready article tasks (up to ``BATCH``), re-indexes their
articles in one ``indexing.sync_articles`` call and deletes exactly the rows it took, after the
index committed; a task written meanwhile for the same article stays and is applied on the next
pass. Then it advances the oldest section/publication rename by ``RENAME_CHUNK`` articles, so a
rename of thousands of articles never keeps an editor's save waiting behind it; the rename's
progress (``cursor``) is saved after each chunk. A failing batch is retried article by article,
so one bad article does not hold back the others; its tasks keep ``attempts`` and ``last_error``
and wait longer each time (``retry_delay``). Every step is idempotent: a pass killed anywhere
(``kill -9``) is simply done again by the next writer.

``run_forever`` is what ``manage.py run_indexer`` runs; it first takes ``writer_lease``, an flock
on a file in the data directory, so that a second writer started by mistake waits as a standby.
docs/operations.md, "The search index writer".
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import F, Min, Q
from django.utils import timezone

from articles.models import Article, IndexTask
from articles.search import indexing

log = logging.getLogger(__name__)

BATCH = 200
RENAME_CHUNK = 200
# Seconds between looks at an empty queue: a save waits at most this long before its pass starts.
POLL_SECONDS = 0.2
MAX_RETRY_SECONDS = 300
LEASE_FILE = "index-writer.lock"
ERROR_CHARS = 2000


@dataclass
class PassReport:
    written: int = 0  # tasks applied and deleted
    failed: int = 0
    renamed_articles: int = 0
    # Seconds from each applied task's creation to its commit in the index (the writer's lag).
    lags: list[float] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.written or self.failed or self.renamed_articles)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, MAX_RETRY_SECONDS))


def _ready(now: datetime):
    return IndexTask.objects.filter(Q(not_before__isnull=True) | Q(not_before__lte=now))


def drain_once(batch: int = BATCH, rename_chunk: int = RENAME_CHUNK) -> PassReport:
    """One writer pass: a batch of article tasks, then one chunk of the oldest rename."""
    report = PassReport()
    now = timezone.now()
    tasks = list(_ready(now).filter(kind=IndexTask.Kind.ARTICLE).order_by("pk")[:batch])
    if tasks:
        _apply_articles(tasks, report)
    rename = _ready(now).exclude(kind=IndexTask.Kind.ARTICLE).order_by("pk").first()
    if rename is not None:
        _advance_rename(rename, rename_chunk, report)
    if report.written or report.renamed_articles:
        _invalidate_pages()
    return report


def _apply_articles(tasks: list[IndexTask], report: PassReport) -> None:
    by_article: dict[int, list[IndexTask]] = {}
    for task in tasks:
        by_article.setdefault(task.object_id, []).append(task)
    try:
        indexing.sync_articles(list(by_article))
    except Exception as exc:
        if len(by_article) == 1:
            _failed(tasks, exc, report)
            return
        log.warning("index batch of %d articles failed (%r); retrying one by one", len(by_article), exc)
        for group in by_article.values():
            try:
                indexing.sync_articles([group[0].object_id])
            except Exception as one:
                _failed(group, one, report)
            else:
                _done(group, report)
        return
    _done(tasks, report)


def _done(tasks: list[IndexTask], report: PassReport) -> None:
    # Exactly the rows this pass read: a task written since (a newer save) is applied next pass.
    IndexTask.objects.filter(pk__in=[t.pk for t in tasks]).delete()
    now = timezone.now()
    report.written += len(tasks)
    report.lags.extend((now - t.created).total_seconds() for t in tasks)


def _failed(tasks: list[IndexTask], exc: BaseException, report: PassReport) -> None:
    error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
    log.error("index tasks %s failed: %s", [t.pk for t in tasks], error)
    now = timezone.now()
    for task in tasks:
        attempts = task.attempts + 1
        IndexTask.objects.filter(pk=task.pk).update(
            attempts=attempts, last_error=error, not_before=now + retry_delay(attempts)
        )
    report.failed += len(tasks)


def _advance_rename(task: IndexTask, chunk: int, report: PassReport) -> None:
    field_name = "section_id" if task.kind == IndexTask.Kind.SECTION else "publication_id"
    pks = list(
        Article.objects.published()
        .filter(**{field_name: task.object_id}, pk__gt=task.cursor)
        .order_by("pk")
        .values_list("pk", flat=True)[:chunk]
    )
    try:
        if pks:
            indexing.sync_articles(pks)
    except Exception as exc:
        _failed([task], exc, report)
        return
    report.renamed_articles += len(pks)
    if len(pks) < chunk:
        IndexTask.objects.filter(pk=task.pk).delete()
        report.written += 1
        report.lags.append((timezone.now() - task.created).total_seconds())
    else:
        IndexTask.objects.filter(pk=task.pk).update(cursor=pks[-1])


def _invalidate_pages() -> None:
    """Cached search pages were stored before the index changed: drop them (articles/cache.py)."""
    from articles.cache import bump_version

    try:
        bump_version()
    except Exception:  # a cache outage must not stop the index
        log.warning("could not invalidate the page cache after an index write", exc_info=True)


def drain(batch: int = BATCH, rename_chunk: int = RENAME_CHUNK) -> int:
    """Passes until no task is ready; returns the tasks applied. Failed tasks wait for their retry."""
    total = 0
    while True:
        report = drain_once(batch, rename_chunk)
        total += report.written
        if not report.busy or (report.failed and not report.written and not report.renamed_articles):
            return total


# --- The long-running writer ------------------------------------------------------------------


def lease_path() -> Path:
    return Path(settings.DATA_DIR) / LEASE_FILE


@contextmanager
def writer_lease(wait: bool = True) -> Iterator[bool]:
    """Hold the writer's lease (an flock, released by the kernel when the process dies).

    Yields True when held; with ``wait=False`` yields False at once when another writer has it.
    The holder's pid is written into the file for ``check_index``.
    """
    path = lease_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def writer_pid() -> int | None:
    """The pid of the running writer, or None when no process holds the lease."""
    path = lease_path()
    if not path.exists():
        return None
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = handle.read().strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None


def run_forever(stop: threading.Event, on_pass=None) -> None:
    """Apply tasks until ``stop`` is set (between passes: a pass is never cut short by a SIGTERM)."""
    while not stop.is_set():
        try:
            report = drain_once()
        except Exception:
            # The database or the index is unavailable: every task is still queued.
            log.exception("index writer pass failed; retrying")
            close_old_connections()
            stop.wait(min(5.0, POLL_SECONDS * 10))
            continue
        if on_pass is not None and report.busy:
            on_pass(report)
        if not report.busy or (report.failed and not report.written and not report.renamed_articles):
            close_old_connections()
            stop.wait(POLL_SECONDS)


# --- The backlog, for check_index ---------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest: datetime | None
    failed: list[IndexTask]

    def oldest_age(self, now: datetime | None = None) -> float | None:
        if self.oldest is None:
            return None
        return ((now or timezone.now()) - self.oldest).total_seconds()


def backlog(failed_limit: int = 20) -> Backlog:
    summary = IndexTask.objects.aggregate(oldest=Min("created"))
    failed = list(IndexTask.objects.filter(attempts__gt=0).order_by(F("attempts").desc(), "pk")[:failed_limit])
    return Backlog(IndexTask.objects.count(), summary["oldest"], failed)
