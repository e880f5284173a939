"""Give a section to the articles whose source named none, by a text classifier (articles/classify.py).

Without options: learns from the archive's articles whose section came from their source (with
``--learn-from-corpus`` also from the corpus's), assigns the others (marked "inferred") when the model is
sure enough, and says how many moved; seconds for the 2,000-article sample, about a minute for the
whole corpus. The search index learns the new sections at the next ``build_index`` (or
``check_index --repair``). ``--evaluate`` measures the classifier on the corpus read in place, no
database, and writes docs/benchmarks/sections.md (about two minutes on 2 cores).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles import classify

REPORT = Path(settings.BASE_DIR) / "docs" / "benchmarks" / "sections.md"


class Command(BaseCommand):
    help = "Assign inferred sections to articles without one from their source; --evaluate writes the accuracy report."

    def add_arguments(self, parser):
        parser.add_argument("--evaluate", action="store_true", help="measure on the corpus, write the report")
        parser.add_argument(
            "--corpus",
            type=Path,
            default=Path(settings.SHARED_DIR) / "data" / "saudinewsnet",
            help="SaudiNewsNet directory for --evaluate and --learn-from-corpus",
        )
        parser.add_argument(
            "--learn-from-corpus",
            action="store_true",
            help="also learn from the corpus's labelled articles (an archive holding a sample; +15 s)",
        )
        parser.add_argument("--output", type=Path, default=REPORT, help="report path (with --evaluate)")
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, **options):
        if options["evaluate"]:
            return self.evaluate(options["corpus"], options["output"])
        try:
            corpus = options["corpus"] if options["learn_from_corpus"] else None
            if corpus is not None and not corpus.is_dir():
                raise CommandError(f"No corpus directory at {corpus} (--corpus).")
            result = classify.assign_sections(dry_run=options["dry_run"], corpus=corpus)
        except ValueError as exc:
            raise CommandError(f"Cannot classify: {exc}.") from exc
        if options["verbosity"]:
            moved = ", ".join(f"{name} {n}" for name, n in sorted(result.assigned.items(), key=lambda kv: -kv[1]))
            share = result.general_after / result.total if result.total else 0
            verb = "would get" if options["dry_run"] else "got"
            self.stdout.write(
                f"{result.labelled} articles with a section from their source; {sum(result.assigned.values())} "
                f"{verb} an inferred one ({moved}); {result.left_general} the model is not sure about stay in «عام». "
                f"«عام»: {result.general_before} -> {result.general_after} of {result.total} ({share:.1%})."
            )
            if not options["dry_run"] and result.assigned:
                self.stdout.write(self.style.SUCCESS("Done. Rebuild the search index (manage.py build_index)."))

    def evaluate(self, corpus: Path, output: Path) -> None:
        if not corpus.is_dir():
            raise CommandError(f"No corpus directory at {corpus} (--corpus).")
        result = classify.evaluate(corpus)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(result.markdown(_commit()), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"accuracy {result.accuracy:.1%} on {result.test} held-out; {output}"))


def _commit() -> str:
    """The short commit, "+changes" when the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
