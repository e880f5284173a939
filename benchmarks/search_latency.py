"""Warm search latency through the JSON API, index size and worker memory.

    python -m benchmarks.search_latency                       # in-process Django test Client, 5,000 articles
    python -m benchmarks.search_latency --server gunicorn     # a real gunicorn (2 workers) over HTTP
    python -m benchmarks.search_latency --full --runs 7

The articles (a fixed sample of SaudiNewsNet, read in place) are imported into a throwaway database and
indexed by the project's own backend (``rebuild_index``), exactly as ``benchmarks.search_eval`` does. Every
query of :data:`QUERIES` plus ``--title-queries`` known-item queries from titles is sent once to warm up,
then ``--runs`` times; each run gives a p50 and a p95 over its requests, and the report is the median of
those over the runs (so one slow run does not decide the number). Requests are sequential: this measures
the latency of one search, not throughput. The page cache is turned off (``NEWSARCHIVE_CACHE_URL=dummy://``)
so every request really searches.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks import search_eval

# Real reader queries: names in their common spellings, phrases, exclusions, misspellings, stop words.
QUERIES = [
    "وزير الخارجية", "أستانا", "استانة", "أسعار النفط", "اسعار النفط", "الهلال", "الهلال والنصر", "داعش",
    "مجلس الوزراء", "ولي العهد", "الأمم المتحدة", "اليمن", "الحوثيين", "كأس العالم", "سوق الأسهم",
    "وزارة الصحة", "كورونا", "فيروس كورونا", "التعليم", "الحج", "رمضان", "الملك سلمان", "إيران", "ايران",
    "الاتفاق النووي", "سوريا", "سورية", "\"مجلس التعاون\"", "الرياض -جدة", "امريكا", "أميركا", "المملكه",
    "المملكة العربية السعودية", "البطالة", "الإسكان", "وزارة العمل", "هيئة مكافحة الفساد", "الأمطار",
    "حادث مروري", "الدفاع المدني", "أمانة جدة", "مطار الملك خالد", "الاسهم السعوديه", "تويتر", "سناب شات",
    "عاصفة الحزم", "إعادة الأمل", "المسجد الحرام", "الجوازات", "الخطوط السعودية", "أرامكو", "سابك",
    "البنك المركزي", "ساما", "التضخم", "الميزانية", "المعلمين", "الجامعة", "الطلاب المبتعثين", "الرياضة",
    "المنتخب السعودي", "دوري جميل", "الاتحاد", "الأهلي", "النصر", "الشباب", "فيفا", "بلاتر", "ميسي",
    "رونالدو", "الخارجبة", "وزاره الداخليه", "الشرطه", "في", "من", "والمفاوضات", "بالمملكة", "للمملكة",
]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss_kb(pid: int) -> dict[str, int]:
    """RSS, PSS and private memory of a process, in kB (smaps_rollup).

    RSS counts the pages of the memory-mapped index files that a worker touched; those are the kernel's page
    cache, shared by every worker. The private figure is what one more worker costs.
    """
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return {
        "rss": fields.get("Rss", 0),
        "pss": fields.get("Pss", 0),
        "private": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
    }


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


class InProcess:
    """Django's test Client: the full middleware stack and view, no network."""

    name = "django test Client (in process)"

    def __init__(self):
        from django.test import Client

        self.client = Client(HTTP_HOST="localhost")  # in the default ALLOWED_HOSTS

    def get(self, params: dict) -> int:
        return self.client.get("/api/search/", params).status_code

    def worker_rss_kb(self) -> list[dict[str, int]]:
        return [rss_kb(os.getpid())]

    def close(self):
        pass


class Gunicorn:
    """A real gunicorn (this repository's gunicorn.conf.py) on a free local port."""

    def __init__(self, workers: int):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.name = f"gunicorn, {workers} sync workers, HTTP on 127.0.0.1"
        env = {**os.environ, "NEWSARCHIVE_WORKERS": str(workers), "NEWSARCHIVE_ACCESS_LOG": "/dev/null"}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [
                str(gunicorn),
                "-c",
                "newsarchive/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "newsarchive.wsgi",
            ],  # fmt: skip
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/opensearch.xml", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        self.close()
        raise RuntimeError("gunicorn did not start")

    def get(self, params: dict) -> int:
        url = f"http://127.0.0.1:{self.port}/api/search/?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            exc.read()
            return exc.code

    def worker_rss_kb(self) -> list[dict[str, int]]:
        return [rss_kb(pid) for pid in children(self.proc.pid)]

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def measure(server, queries: list[str], runs: int) -> dict:
    statuses: dict[int, int] = {}
    for q in queries:  # warm-up: caches, searcher, analysis tables
        server.get({"q": q})
    p50s, p95s, means = [], [], []
    for _ in range(runs):
        times = []
        for q in queries:
            started = time.perf_counter()
            status = server.get({"q": q})
            times.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
        p50s.append(percentile(times, 0.50))
        p95s.append(percentile(times, 0.95))
        means.append(statistics.fmean(times))
    return {
        "p50_ms": statistics.median(p50s),
        "p95_ms": statistics.median(p95s),
        "mean_ms": statistics.median(means),
        "runs": runs,
        "requests_per_run": len(queries),
        "p50_per_run": [round(v, 2) for v in p50s],
        "p95_per_run": [round(v, 2) for v in p95s],
        "statuses": statuses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="all 31,030 articles instead of a 5,000 sample")
    parser.add_argument("--sample", type=int, default=search_eval.SAMPLE_SIZE)
    parser.add_argument("--runs", type=int, default=5, help="measured passes over the queries (default 5)")
    parser.add_argument("--title-queries", type=int, default=100, help="known-item queries added from titles")
    parser.add_argument("--server", choices=["client", "gunicorn"], default="client")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="search-latency-"))
    (workdir / "data").mkdir()
    os.environ["NEWSARCHIVE_CACHE_URL"] = "dummy://"
    server = None
    try:
        search_eval.setup_django(workdir)
        docs = search_eval.sample(search_eval.load_corpus(search_eval.corpus_dir()), None if args.full else args.sample)
        started = time.perf_counter()
        search_eval.Archive().index(docs)
        index_seconds = time.perf_counter() - started
        general, _ = search_eval.build_queries(docs, args.title_queries)
        queries = QUERIES + [q.variants["control"] for q in general]
        server = InProcess() if args.server == "client" else Gunicorn(args.workers)
        result = measure(server, queries, args.runs)
        result.update(
            {
                "server": server.name,
                "documents": len(docs),
                "index_seconds": round(index_seconds, 1),
                "index_bytes": search_eval.dir_size(workdir / "archive_index"),
                "worker_rss_kb": server.worker_rss_kb(),
                "machine": search_eval.machine(),
            }
        )
        ok = result["statuses"].get(200, 0)
        if ok < 0.9 * args.runs * len(queries):
            # Timing error pages is not timing search: say so and fail.
            total = args.runs * len(queries)
            print(f"only {ok} of {total} requests answered 200: {result['statuses']}", file=sys.stderr)
            return 1
        m = result["machine"]
        print(f"# Search latency: {len(docs)} documents, {len(queries)} queries x {args.runs} runs, {server.name}")
        print(f"machine: nproc={m['nproc']}, {m['cpu']}, Python {m['python']}, commit {m['commit']}")
        print(f"- warm latency: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
              f"mean {result['mean_ms']:.1f} ms (medians over runs)")  # fmt: skip
        print(f"- per run p50 {result['p50_per_run']} / p95 {result['p95_per_run']}; statuses {result['statuses']}")
        print(f"- index: {result['index_bytes'] / 1e6:.1f} MB, built in {index_seconds:.1f}s (DB import included)")
        for i, mem in enumerate(result["worker_rss_kb"], 1):
            print(f"- worker {i}: RSS {mem['rss'] / 1024:.0f} MB, PSS {mem['pss'] / 1024:.0f} MB, "
                  f"private {mem['private'] / 1024:.0f} MB")  # fmt: skip
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        if server is not None:
            server.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
