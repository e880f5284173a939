"""Rebuild the search index from the database, fast, without a moment of empty search.

On Elasticsearch/OpenSearch (``NEWSARCHIVE_SEARCH_URL=elasticsearch://...``) it builds a new index
beside the live one and moves the alias to it (articles/search/alias_rebuild.py). On Whoosh:

Documents are analysed in worker processes (two by default: the machine's two cores) and written
into a fresh directory that then replaces the live index in one rename; edits made during the
build are caught up afterwards. The full SaudiNewsNet corpus (31,030 articles) takes about a
minute on two cores. Use it after an import or after editing spelling variants (the index records
the sets it was built with; check_index says when they changed). Directories left by a build that
was killed are removed first.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from haystack import connections
from tqdm import tqdm

from articles.search import indexing
from articles.search.alias_rebuild import RebuildError
from articles.search.backend import SearchUnavailable
from articles.search.lifecycle import human_size


class Command(BaseCommand):
    help = "Rebuild the search index into a new directory and swap it in (31k articles: about a minute on 2 cores)."

    def add_arguments(self, parser):
        parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1), help="analysis processes")
        parser.add_argument("--chunk", type=int, default=1000, help="articles read from the database at a time")

    def handle(self, *args, **options):
        backend = connections["default"].get_backend()
        if not hasattr(backend, "rebuild"):
            indexing.require_whoosh("build_index")
        verbosity = options["verbosity"]
        bar = tqdm(total=0, unit="article", disable=verbosity < 1, file=self.stderr._out)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            if hasattr(backend, "rebuild"):
                try:
                    report = backend.rebuild(chunk=options["chunk"], progress=progress)
                except (SearchUnavailable, RebuildError) as exc:
                    raise CommandError(str(exc)) from exc
            else:
                report = indexing.build(procs=options["procs"], chunk=options["chunk"], progress=progress)
        finally:
            bar.close()
        if verbosity and "index" in report:
            replaced = ", ".join(report["replaced"]) or "nothing"
            self.stdout.write(f"Alias {backend.index_name} -> {report['index']} (replaced {replaced}).")
        if verbosity:
            for leftover in report["leftovers_removed"]:
                self.stdout.write(
                    f"Removed leftover build directory {leftover.path} ({human_size(leftover.size)}, "
                    f"process {leftover.pid} no longer runs)."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {report['articles']} articles in {report['build_seconds']:.1f} s "
                    f"({report['total_seconds']:.1f} s with swap and catch-up, {report['caught_up']} caught up)."
                )
            )
