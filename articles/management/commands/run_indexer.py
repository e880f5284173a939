"""The search index writer: applies the queued index tasks (articles/search/queue.py), beside gunicorn.

Requests only queue tasks; this process is the one that writes the index, so no request ever
waits for the index lock. Run exactly one per index, supervised (``make serve`` starts it beside
gunicorn, ``deploy/newsarchive-indexer.service`` under systemd). A second one waits for the
first's lease and takes over when it stops. Killing it at any moment loses nothing: tasks are
deleted only after the index committed them, and the next writer applies the rest.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from articles.search import queue


class Command(BaseCommand):
    help = (
        "Apply queued search-index tasks until stopped (SIGTERM/SIGINT finish the current pass); "
        "--drain: apply what is queued now, then exit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--drain", action="store_true", help="apply the queued tasks, then exit")
        parser.add_argument("--no-wait", action="store_true", help="exit with an error if another writer runs")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with queue.writer_lease(wait=not options["no_wait"]) as held:
            if not held:
                raise CommandError(f"Another index writer holds {queue.lease_path()} (pid {queue.writer_pid()}).")
            if options["drain"]:
                done = queue.drain()
                left = queue.backlog()
                if verbosity:
                    self.stdout.write(self.style.SUCCESS(f"Applied {done} index tasks; {left.count} left queued."))
                return
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            if verbosity:
                self.stdout.write(f"Index writer running (pid lease {queue.lease_path()}).")
                self.stdout.flush()
            queue.run_forever(stop, on_pass=self._report if verbosity >= 2 else None)

    def _report(self, report: queue.PassReport) -> None:
        # One line a busy pass; "lag" is how long its oldest task waited from commit to index commit.
        lag = max(report.lags) if report.lags else 0.0
        self.stdout.write(
            f"applied={report.written} failed={report.failed} renamed_articles={report.renamed_articles} "
            f"max_lag_ms={lag * 1000:.0f}"
        )
        self.stdout.flush()
