"""Server time of the public pages on a full-corpus database, page cache off: median of N runs.

    NEWSARCHIVE_DATA_DIR=/tmp/fullweb .venv/bin/python -m benchmarks.pages_bench [--runs 5] [--json out.json]

The data directory must hold an ``archive.sqlite3`` with the whole corpus imported (``migrate`` then
``NEWSARCHIVE_SEARCH_REALTIME=0 manage.py import_articles /work/shared/data/saudinewsnet``). The script
only reads it. The page cache is switched off (``NEWSARCHIVE_PAGE_CACHE_SECONDS=0``) and Django's cache is a
per-process ``locmem://`` one. Nothing is cached between runs (no fragment caching): the first run of a page
differs from the others only by SQLite's and the OS's warm caches. Reported: the first run, the median wall
time, and the median CPU time of this process (SQLite runs in-process, so that is the server's work; it
is less disturbed than wall time when other jobs share the machine).
Each request goes through the Django test ``Client`` (the whole middleware stack, no network).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    os.environ["NEWSARCHIVE_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("NEWSARCHIVE_CACHE_URL", "locmem://")
    os.environ.setdefault("NEWSARCHIVE_SEARCH_REALTIME", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pages() -> dict[str, str]:
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from articles.models import Article, Section

    section = (
        Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    )  # the biggest section: deepest pagination
    published = Article.objects.published()
    article = published.latest_first().first()
    when = timezone.localtime(article.published_at)
    publication = article.publication
    # The median article's dates: the busy part of the corpus (2015), not the newest few articles.
    middle = published.order_by("published_at")[published.count() // 2]
    busy = timezone.localtime(middle.published_at)
    return {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "section page 50": section.get_absolute_url() + "?page=50",
        "archive index": reverse("articles:archive"),
        "year": reverse("articles:archive_year", args=[when.year]),
        "month": reverse("articles:archive_month", args=[when.year, when.month]),
        "day": reverse("articles:archive_day", args=[when.year, when.month, when.day]),
        "year (corpus)": reverse("articles:archive_year", args=[busy.year]),
        "month (corpus)": reverse("articles:archive_month", args=[busy.year, busy.month]),
        "day (corpus)": reverse("articles:archive_day", args=[busy.year, busy.month, busy.day]),
        "article": article.get_absolute_url(),
        "article (corpus)": middle.get_absolute_url(),
        "publication": publication.get_absolute_url(),
        "feed rss": reverse("articles:feed_rss"),
        "feed atom": reverse("articles:feed_atom"),
        "section feed": reverse("articles:section_feed_rss", args=[section.slug]),
        "sitemap index": "/sitemap.xml",
        "sitemap-articles.xml": "/sitemap-articles.xml",
        "sitemap-articles.xml?p=2": "/sitemap-articles.xml?p=2",
    }


def measure(runs: int) -> dict[str, dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    results = {}
    for name, url in pages().items():
        times = []
        cpu = []
        queries = 0
        status = None
        for i in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as ctx:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            status = response.status_code
            if i == 0:
                queries = len(ctx.captured_queries)
        results[name] = {
            "url": url,
            "status": status,
            "cold_ms": round(times[0], 1),
            "median_ms": round(statistics.median(times), 1),
            "median_cpu_ms": round(statistics.median(cpu), 1),
            "queries_cold": queries,
            "bytes": len(response.content),
        }
        print(
            f"{name:24} {status} cold {times[0]:7.1f} ms  median {statistics.median(times):7.1f} ms  "
            f"cpu {statistics.median(cpu):7.1f} ms  "
            f"{queries:3} queries  {url}",
            flush=True,
        )
    return results


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.platform()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    setup()
    from articles.models import Article

    print(machine())
    print(f"{Article.objects.count()} articles, {Article.objects.published().count()} published")
    results = measure(args.runs)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "pages": results}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
