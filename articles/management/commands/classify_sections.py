"""Give a section to the articles whose source named none, by a text classifier (articles/classify.py).

Without options: learns from the archive's articles whose section came from their source (with
``--learn-from-corpus`` also from the corpus's), assigns the others (marked "inferred") when the model is
sure enough, and says how many moved; seconds for the 2,000-article sample, about a minute for the
whole corpus. The search index learns the new sections at the next ``build_index`` (or
``check_index --repair``). ``--evaluate`` measures the classifier on the corpus read in place, no
database, and writes docs/benchmarks/sections.md (about two minutes on 2 cores).
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
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
        output.write_text(_markdown(result), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"accuracy {result.accuracy:.1%} on {result.test} held-out; {output}"))


def _commit() -> str:
    """The short commit, "+changes" when the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _markdown(r: classify.Evaluation) -> str:
    general = r.projected.get(classify.cleaning.GENERAL, 0)
    rows = "\n".join(
        f"| {name} | {n} | {n / r.corpus:.1%} |" for name, n in sorted(r.projected.items(), key=lambda kv: -kv[1])
    )
    header = "| truth \\ predicted | " + " | ".join(r.labels) + " |"
    confusion = "\n".join(
        f"| {label} | " + " | ".join(map(str, row)) + " |" for label, row in zip(r.labels, r.confusion, strict=True)
    )
    goal = "met" if r.sure_accuracy >= 0.85 else "**not met**"
    return f"""# Inferred sections: accuracy

Produced by `manage.py classify_sections --evaluate` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()},
Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores), reading the
SaudiNewsNet corpus in place. Model: multinomial Naive Bayes (alpha {classify.ALPHA}) over sublinear TF-IDF of
the analysed words (`articles/search/analysis.py` stems; title words ×{classify.TITLE_WEIGHT}, first
{classify.BODY_WORDS} body words; words in at least {classify.MIN_DF} training articles).

Labels are the sections the sources' own URLs and title prefixes name (`articles/importers/cleaning.py`):
{r.labelled} of {r.corpus} articles. {r.general_hinted} more carry the Saudi Press Agency's «عام /» prefix,
which names no topic: they are not learned from and are classified like the unlabelled ones.

## Held-out accuracy

{r.train} articles to train, {r.test} held out (20 % of each section, fixed seed).

- What the archive assigns: the articles the model gives at least {classify.MIN_PROBABILITY:.0%} probability,
  {r.sure_share:.1%} of the held-out ones: **accuracy {r.sure_accuracy:.1%}** (goal 85 %: {goal}). The others stay
  in «عام».
- Every held-out article given its most probable section: accuracy {r.accuracy:.1%} (report and confusion
  matrix below).

```
{r.report.rstrip()}
```

{header}
|{"---|" * (len(r.labels) + 1)}
{confusion}

Most errors are between sections that overlap in the sources' own use: «سياسة» and «دولي» (the
sources split politics and world news differently), «محليات» and «اقتصاد» (local economy), and «رأي»,
a genre (opinion columns) rather than a topic, against «ثقافة وفنون». Counts or TF-IDF, smoothing, body
length, word pairs and byline/dateline markers moved the all-articles accuracy between 73 % and 77 %;
the probability floor is what trades coverage for accuracy.

## The corpus after assignment

Trained on every labelled article and applied to the other {r.corpus - r.labelled}; the {r.left_general} it is less than
{classify.MIN_PROBABILITY:.0%} sure about stay in «عام». Share in «عام»: **{general / r.corpus:.1%}** (goal: under 30 %;
it was {(r.corpus - r.labelled) / r.corpus:.1%} before).

| section | articles | share |
|---|---|---|
{rows}
"""
