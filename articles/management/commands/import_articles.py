"""Import articles from seed pages, the SaudiNewsNet corpus (.zip/.json) or the archive's JSONL export.

Editors and operators load content with this command; all the work is in ``articles.importers`` so tests and
the benchmark call the same code. Each file commits on its own; a bad record is reported with its file and
record number and skipped, and the command then exits non-zero so scripts notice. Search is not updated per
article here: run ``rebuild_index`` (or the search team's post-import step) after a large import.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.importers import FORMATS, run_import

MAX_WARNINGS = 20


class Command(BaseCommand):
    help = (
        "Import articles from files or directories (.txt seed pages, SaudiNewsNet .zip/.json, .jsonl export). "
        "The whole corpus (31,030 articles) takes about a minute; --sample 2000 a few seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS], help="default: from file names")
        parser.add_argument(
            "--sample", type=int, metavar="N", help="import about N articles spread over all files (same every run)"
        )
        parser.add_argument("--dry-run", action="store_true", help="read and validate everything, then roll back")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if options["sample"] is not None and options["sample"] < 1:
            raise CommandError("--sample must be a positive number")
        report = run_import(
            options["paths"],
            fmt=options["format"],
            sample=options["sample"],
            dry_run=options["dry_run"],
            progress=verbosity > 0 and self.stderr.isatty(),
        )
        if verbosity > 0:
            shown = report.warnings if verbosity > 1 else report.warnings[:MAX_WARNINGS]
            for warning in shown:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
            if len(shown) < len(report.warnings):
                more = len(report.warnings) - len(shown)
                self.stdout.write(self.style.WARNING(f"... and {more} more warnings (use -v 2 to see all)"))
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"error: {error}"))
        prefix = "dry run, nothing saved: " if options["dry_run"] else ""
        if verbosity > 0:
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(f"{prefix}{report.summary()} ({report.files} files)"))
        if not report.ok:
            raise CommandError(f"{report.skipped} records skipped, {len(report.errors)} errors")
