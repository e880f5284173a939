"""Compare the search index with the database: published articles missing from it, indexed with
other content than the database holds (stale: the content digest stored in each document, which
covers title, paragraphs, related links, section and publication names and slugs, publication
state), or indexed but no longer published (extra); the queue of index tasks not yet applied
(backlog, oldest age, failed tasks and their errors) and whether the writer runs; the spelling
sets it was built with against the current ones; build directories left by killed builds.

Exit status 1 when the index is out of step, so cron can alert: articles (unless --repair queued
them), failed tasks, or spelling sets (only build_index fixes those). ``--repair`` queues the
articles that differ; the writer (``run_indexer``) applies them. A backlog of tasks still to be
applied, an index that predates the recorded sets ("unknown") and leftover directories are
reported without failing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from haystack import connections

from articles.search import indexing, lifecycle, queue
from articles.search.backend import SearchUnavailable


class Command(BaseCommand):
    help = (
        "Report articles missing from, stale in or extra in the search index, the index-task backlog, "
        "spelling-set changes since the build and leftover build directories; --repair queues the "
        "articles for the writer (seconds; a full-corpus digest comparison reads every article)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="queue missing/stale/extra articles for the writer")
        parser.add_argument("--limit", type=int, default=20, help="ids listed per kind")

    def handle(self, *args, **options):
        if not hasattr(connections["default"].get_backend(), "indexed_values"):
            indexing.require_whoosh("check_index")
        try:
            missing, stale, extra = indexing.diff_index()
        except SearchUnavailable as exc:
            raise CommandError(f"No readable search index: {exc.detail or exc}. Run manage.py build_index.") from exc
        backlog = queue.backlog(failed_limit=options["limit"])
        writer = queue.writer_pid()
        variants = lifecycle.live_variant_status()
        path = lifecycle.live_index_path()
        leftovers = lifecycle.build_dirs(path) if path else []
        limit, verbose = options["limit"], options["verbosity"] > 0
        if verbose:
            for label, ids in (("missing", missing), ("stale", stale), ("extra", extra)):
                shown = " ".join(str(pk) for pk in sorted(ids)[:limit])
                more = " …" if len(ids) > limit else ""
                self.stdout.write(f"{label}: {len(ids)}" + (f" ({shown}{more})" if ids else ""))
            self.stdout.write(describe_backlog(backlog, writer))
            for task in backlog.failed:
                self.stdout.write(
                    f"  failed: {task.kind} {task.object_id}, {task.attempts} attempt(s), last error: {task.last_error}"
                )
            if variants is not None:
                self.stdout.write(f"spelling variants: {describe_variants(variants)}")
            self.stdout.write(f"leftover build directories: {len(leftovers)}")
            for found in leftovers:
                self.stdout.write(f"  {found.path}: {describe_leftover(found)}")
        problems = []
        if missing or stale or extra:
            if options["repair"]:
                queued = indexing.repair()
                if verbose:
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"Repair: {queued} articles queued; the index writer (run_indexer) applies them."
                        )
                    )
            else:
                problems.append("The index is out of step with the database; run check_index --repair.")
        elif verbose:
            self.stdout.write(self.style.SUCCESS("The index matches the database."))
        if backlog.failed:
            problems.append(f"{len(backlog.failed)} index task(s) failed; see their errors above.")
        if variants is not None and variants.stale:
            problems.append("The index was built with other spelling variants; run manage.py build_index.")
        if problems:
            raise CommandError(" ".join(problems))


def describe_backlog(backlog: queue.Backlog, writer: int | None) -> str:
    """ "index queue: 3 tasks, oldest 2.4 s old; writer running (pid 812)"."""
    if backlog.count:
        plural = "s" if backlog.count != 1 else ""
        tasks = f"{backlog.count} task{plural}, oldest {backlog.oldest_age(timezone.now()):.1f} s old"
    else:
        tasks = "empty"
    running = f"writer running (pid {writer})" if writer else "NO WRITER RUNNING (start manage.py run_indexer)"
    return f"index queue: {tasks}; {running}"


def describe_variants(status: lifecycle.VariantStatus) -> str:
    now = f"{status.current_sets} sets, sha256 {status.current_sha256[:12]}"
    if status.state == "missing":
        return "no index to compare; run manage.py build_index."
    if status.state == "unknown":
        return (
            f"unknown: the index has no {lifecycle.BUILD_INFO} (built by an older release), so which sets "
            f"it holds cannot be told; run manage.py build_index once to record them (now: {now})."
        )
    when = f"{status.built_at:%Y-%m-%d %H:%M:%S %Z}" if status.built_at else "at an unrecorded time"
    built = f"{status.built_sets} sets, sha256 {status.built_sha256[:12]}, built {when}"
    if status.state == "current":
        return f"current ({built})."
    reasons = []
    if status.changes:
        reasons.append(f"the sets changed since the build: {lifecycle.describe_changes(status.changes)}")
    if status.other_writes:
        reasons.append(f"articles re-indexed since the build used {status.other_writes} other version(s) of the sets")
    return (
        f"STALE: {'; '.join(reasons)} (index: {built}; now: {now}). Spellings are folded when an article "
        "is indexed, so searches miss the changed spellings until you run manage.py build_index."
    )


def describe_leftover(found: lifecycle.BuildDir) -> str:
    size = lifecycle.human_size(found.size)
    if found.pid is None:
        return f"{size}, no pid in the name (older release); remove it by hand when no build runs."
    if found.alive:
        return f"{size}, process {found.pid} is running (a build in progress?); left alone."
    return f"{size}, process {found.pid} no longer runs; the next build_index removes it."
