"""Export every article and brief as JSONL, in an order that does not depend on primary keys.

The export is the archive's backup and transfer format: importing it into an empty database with
``import_articles`` and exporting again gives a byte-identical file, so two exports can be compared with diff.
"""

from django.core.management.base import BaseCommand

from articles.importers import jsonl


class Command(BaseCommand):
    help = "Write all articles and briefs to OUT.jsonl ('-' for stdout). The whole corpus takes about half a minute."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT.jsonl", help="output file, or - for standard output")

    def handle(self, *args, **options):
        if options["out"] == "-":
            jsonl.export(_Plain(self.stdout))
            return
        with open(options["out"], "w", encoding="utf-8", newline="\n") as out:
            count = jsonl.export(out)
        if options["verbosity"] > 0:
            self.stderr.write(self.style.SUCCESS(f"{count} lines written to {options['out']}"))


class _Plain:
    """Writes through a command's stdout wrapper without adding line endings or styles (call_command in tests)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
