"""Load the shipped spelling sets (articles/search/starter_variants.py) into VariantSet.

Idempotent: existing sets keep what editors added, missing spellings are appended. Documents are
canonicalised at index time, so rebuild the index afterwards (``manage.py build_index``).
"""

from django.core.management.base import BaseCommand

from articles.search.variants import upsert_starter_variants


class Command(BaseCommand):
    help = "Create or complete the shipped spelling variant sets (a second, then run build_index)."

    def handle(self, *args, **options):
        created, updated = upsert_starter_variants()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Variant sets: {created} created, {updated} updated."))
