"""Compare the search index with the database: published articles missing from it, indexed with
an older ``modified`` stamp (stale), or indexed but no longer published (extra).

Exit status 1 when anything is out of step (and --repair was not given), so cron can alert.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.search import indexing


class Command(BaseCommand):
    help = "Report articles missing from, stale in or extra in the search index; --repair fixes them (seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="re-index missing/stale, remove extra")
        parser.add_argument("--limit", type=int, default=20, help="ids listed per kind")

    def handle(self, *args, **options):
        missing, stale, extra = indexing.diff_index()
        limit = options["limit"]
        if options["verbosity"]:
            for label, ids in (("missing", missing), ("stale", stale), ("extra", extra)):
                shown = " ".join(str(pk) for pk in sorted(ids)[:limit])
                more = " …" if len(ids) > limit else ""
                self.stdout.write(f"{label}: {len(ids)}" + (f" ({shown}{more})" if ids else ""))
        if not (missing or stale or extra):
            if options["verbosity"]:
                self.stdout.write(self.style.SUCCESS("The index matches the database."))
            return
        if not options["repair"]:
            raise CommandError("The index is out of step with the database; run check_index --repair.")
        updated, removed = indexing.repair()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Repaired: {updated} updated, {removed} removed."))
