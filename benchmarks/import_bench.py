"""Import the whole SaudiNewsNet corpus into a fresh SQLite database, three times; report the median.

    python -m benchmarks.import_bench            # writes docs/benchmarks/import.md
    python -m benchmarks.import_bench --runs 1   # quicker, same report

Each run is a subprocess with its own NEWSARCHIVE_DATA_DIR (set before Django starts, so the settings put
the database there), runs ``migrate`` and then times ``run_import`` alone. Live search indexing is switched
off for the run: after a bulk import the index is built in one pass (the search team's step), so the import
time here is the importer's own. Takes about 3 x 45 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks" / "import.md"


def once(corpus: Path) -> dict:
    """One timed import in this process (called in a subprocess with a fresh data directory)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from articles.importers import run_import
    from articles.models import Article, Paragraph

    settings.NEWSARCHIVE_SEARCH_REALTIME = False
    call_command("migrate", verbosity=0)
    start, cpu_start = time.perf_counter(), time.process_time()
    report = run_import([corpus])
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    db = Path(settings.DATABASES["default"]["NAME"])
    return {
        "seconds": seconds,
        "cpu": cpu,
        "created": report.created,
        "errors": len(report.errors),
        "articles": Article.objects.count(),
        "paragraphs": Paragraph.objects.count(),
        "db_bytes": sum(p.stat().st_size for p in db.parent.glob(db.name + "*")),
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "data" / "saudinewsnet")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(args.corpus)))
        return
    results = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="import-bench-") as data_dir:
            env = dict(os.environ, NEWSARCHIVE_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="newsarchive.settings")
            env.pop("DATABASE_URL", None)
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.import_bench", "--once", "--corpus", str(args.corpus)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            print(f"run {run + 1}: {result['seconds']:.1f} s, {result['created']} articles", file=sys.stderr)
    write_report(args, results)


def write_report(args: argparse.Namespace, results: list[dict]) -> None:
    seconds = statistics.median(r["seconds"] for r in results)
    last = results[-1]
    runs = ", ".join(f"{r['seconds']:.1f}" for r in results)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"""# Import benchmark

Whole SaudiNewsNet corpus (`../shared/data/saudinewsnet`, 18 zip files) imported into a fresh SQLite database
with `articles.importers.run_import` (what `manage.py import_articles` calls), median of {len(results)} runs.
Live search indexing is off during the run; the index is built afterwards in one pass.
Reproduce: `.venv/bin/python -m benchmarks.import_bench`.

| | |
|---|---|
| Machine | {os.cpu_count()} CPUs (`nproc`), {cpu_model()} |
| Python | {platform.python_version()} ({platform.system()} {platform.release()}) |
| Articles created | {last["created"]} ({last["paragraphs"]} paragraphs), {last["errors"]} errors |
| Total time (median) | {seconds:.1f} s (runs: {runs} s) |
| CPU time of the import process (median) | {statistics.median(r["cpu"] for r in results):.1f} s |
| Load average at the end | {" ".join(f"{x:.1f}" for x in os.getloadavg())} (shared machine) |
| Throughput | {last["created"] / seconds:.0f} articles/s |
| Database size | {last["db_bytes"] / 1e6:.0f} MB (SQLite file + WAL) |

Where the time goes: parsing 18 JSON files (~100 MB), cleaning each record, one `Article.save()` per article
(so `post_save` fires), `bulk_create` for paragraphs, one savepoint per record, one transaction per file.
""",
        encoding="utf-8",
    )
    print(REPORT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
