"""First-search cost and warm latency of run_search / the JSON API on an existing data dir (read-only).

    DJANGO_SETTINGS_MODULE=newsarchive.settings NEWSARCHIVE_DATA_DIR=/tmp/fullsearch \\
    NEWSARCHIVE_CACHE_URL=dummy:// .venv/bin/python -m benchmarks.search_profile [--runs 5] [--api]
    ... -m benchmarks.search_profile --profile "السعودية"      # cProfile of one warm query

``first``: in a fresh interpreter, the time of the first search and the private memory (RssAnon) before
and after it. ``warm``: every query once to warm up, then ``--runs`` passes; each pass gives p50/p95 over
the queries, the report is the median over the passes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

QUERIES = [
    "استانا", "اسعار النفط", "الحوثيين", "وزير الخارجية", "السعودية", "ولي العهد", "الهلال", "داعش", "اليمن",
    "سوق الاسهم", "مجلس الوزراء", "الأمم المتحدة", "كأس العالم", "وزارة الصحة", "كورونا", "التعليم", "الحج",
    "رمضان", "الملك سلمان", "ايران", "الاتفاق النووي", "سوريا", "\"مجلس التعاون\"", "الرياض -جدة", "امريكا",
    "المملكة العربية السعودية", "البطالة", "وزارة العمل", "الأمطار", "حادث مروري", "الدفاع المدني",
    "عاصفة الحزم", "أرامكو", "الميزانية", "المنتخب السعودي", "النصر", "الخارجبة", "وزاره الداخليه", "في",
    "والمفاوضات", "بالمملكة",
]  # fmt: skip


def rss_anon_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _setup():
    import django

    django.setup()


def first(query: str) -> dict:
    _setup()
    from articles.search.query import SearchParams, run_search

    before = rss_anon_kb()
    started = time.perf_counter()
    outcome = run_search(SearchParams(q=query))
    elapsed = time.perf_counter() - started
    return {"query": query, "count": outcome.count, "first_ms": elapsed * 1000, "rss_anon_before_kb": before,
            "rss_anon_after_kb": rss_anon_kb()}  # fmt: skip


def warm(runs: int, api: bool) -> dict:
    _setup()
    from articles.search.query import SearchParams, run_search

    if api:
        from django.conf import settings
        from django.test import Client

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()

        def one(q: str) -> None:
            response = client.get("/api/search/", {"q": q})
            assert response.status_code == 200, (q, response.status_code)
    else:

        def one(q: str) -> None:
            run_search(SearchParams(q=q))

    for q in QUERIES:
        one(q)
    passes = []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(runs):
        times = []
        for q in QUERIES:
            started = time.perf_counter()
            one(q)
            ms = (time.perf_counter() - started) * 1000
            times.append(ms)
            per_query[q].append(ms)
        passes.append((percentile(times, 0.5), percentile(times, 0.95), max(times)))
    return {
        "api": api,
        "runs": runs,
        "p50_ms": statistics.median(p[0] for p in passes),
        "p95_ms": statistics.median(p[1] for p in passes),
        "max_ms": statistics.median(p[2] for p in passes),
        "slowest": sorted(((statistics.median(v), q) for q, v in per_query.items()), reverse=True)[:6],
        "rss_anon_kb": rss_anon_kb(),
    }


def profile(query: str) -> None:
    import cProfile
    import pstats

    _setup()
    from articles.search.query import SearchParams, run_search

    run_search(SearchParams(q=query))
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        run_search(SearchParams(q=query))
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--api", action="store_true", help="warm latency through /api/search/ (test Client)")
    parser.add_argument("--first", help=argparse.SUPPRESS)
    parser.add_argument("--profile", metavar="QUERY")
    parser.add_argument("--first-only", action="store_true")
    args = parser.parse_args(argv)
    if args.first:
        print(json.dumps(first(args.first)))
        return 0
    if args.profile:
        profile(args.profile)
        return 0
    report = {"first": []}
    for q in ("وزير الخارجية", "السعودية", "استانا"):
        out = subprocess.run([sys.executable, "-m", "benchmarks.search_profile", "--first", q],
                             capture_output=True, text=True, check=True)  # fmt: skip
        report["first"].append(json.loads(out.stdout.strip().splitlines()[-1]))
    if not args.first_only:
        report["warm"] = warm(args.runs, args.api)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
