"""Print (or apply) the Elasticsearch/OpenSearch index settings generated from the Arabic analysis.

The settings carry the editors' spelling sets as synonyms, so re-apply them (into a new index, then
swap the alias: docs/scaling.md) after editing sets, as the Whoosh index is rebuilt then too.
Runs in about a second.
"""

import json
import urllib.error
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from articles.search.elasticsearch import index_settings


class Command(BaseCommand):
    help = "Print the JSON body for PUT /<index> (analysis + mapping); --apply URL creates the index there."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply",
            metavar="URL",
            help="PUT the settings to this index URL, e.g. http://127.0.0.1:9200/newsarchive-2025-01-01",
        )
        parser.add_argument("--timeout", type=float, default=30.0, help="HTTP timeout in seconds (default 30)")

    def handle(self, *args, apply=None, timeout=30.0, **options):
        body = index_settings()
        if not apply:
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        request = urllib.request.Request(
            apply,
            data=json.dumps(body, ensure_ascii=False).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:2000]
            raise CommandError(f"{apply} answered {error.code}: {detail}") from error
        except (urllib.error.URLError, OSError) as error:
            raise CommandError(f"cannot reach {apply}: {error}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Created {apply}: {answer}"))
