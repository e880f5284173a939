"""What one query can cost: a fuzz of query shapes built from the index's own vocabulary.

    NEWSARCHIVE_DATA_DIR=/path/to/data python -m benchmarks.query_cost          # the index of that data dir
    python -m benchmarks.query_cost --per-shape 60 --report docs/benchmarks/query-cost.md

Shapes: long words of the vocabulary, one word repeated 12 times, near misses (one and two edits) of
long words, twelve different near misses, phrases of stop words, pasted sentences and paragraphs of
13-120 words from indexed articles, questions, operator soup, and random Unicode. Each query runs
through ``run_search`` in this process; the cost is the CPU time of the searching thread
(``time.thread_time``: what the query takes from a worker, whatever else the shared machine does) and
the wall time beside it. The report lists the slowest queries found and the spread per shape.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

SEED = 20151201
GOAL_SECONDS = 0.3
STOP_WORDS = ["في", "من", "على", "إلى", "عن", "مع", "أن", "التي", "الذي", "هذا"]
QUESTIONS = ["ما", "متى", "كم", "كيف", "لماذا", "هل", "أين", "من هو", "ما هي"]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()


def _edit(word: str, rng: random.Random, edits: int) -> str:
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءة"
    for _ in range(edits):
        i = rng.randrange(len(word))
        kind = rng.choice("dis")
        if kind == "d" and len(word) > 3:
            word = word[:i] + word[i + 1 :]
        elif kind == "i":
            word = word[:i] + rng.choice(letters) + word[i:]
        else:
            word = word[:i] + rng.choice(letters) + word[i + 1 :]
    return word


def shapes(vocabulary: list[str], bodies: list[str], rng: random.Random, per_shape: int) -> dict[str, list[str]]:
    long_words = sorted(vocabulary, key=len, reverse=True)[:2000]
    common = vocabulary[:3000]
    out: dict[str, list[str]] = {name: [] for name in SHAPES}
    for _ in range(per_shape):
        word = rng.choice(long_words)
        out["long word"].append(word)
        out["one word x12"].append(" ".join([_edit(word, rng, 3)] * 12))
        out["near miss"].append(_edit(rng.choice(long_words), rng, rng.choice((1, 2))))
        out["12 near misses"].append(" ".join(_edit(rng.choice(long_words), rng, 1) for _ in range(12)))
        out["stop-word phrases"].append(
            " ".join(f'"{rng.choice(STOP_WORDS)} {rng.choice(STOP_WORDS)}"' for _ in range(6))
        )
        body = rng.choice(bodies).split()
        n = rng.randint(13, 120)
        start = rng.randrange(max(1, len(body) - n))
        out["pasted text"].append(" ".join(body[start : start + n]))
        out["question"].append(f"{rng.choice(QUESTIONS)} {' '.join(rng.sample(common, 3))}؟")
        out["operators"].append(
            " ".join(rng.choice(["+", "-", "OR", "NOT", '"', "~3", "|", "&&"]) + rng.choice(common) for _ in range(15))
        )
        out["common words"].append(" ".join(rng.sample(common[:50], 8)))
        out["random unicode"].append("".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randint(1, 400))))
    return out


SHAPES = (
    "long word",
    "one word x12",
    "near miss",
    "12 near misses",
    "stop-word phrases",
    "pasted text",
    "question",
    "operators",
    "common words",
    "random unicode",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-shape", type=int, default=40)
    parser.add_argument("--report", type=Path, default=Path("docs/benchmarks/query-cost.md"))
    args = parser.parse_args()
    _setup()
    from articles.models import Article
    from articles.search import backend as backend_module
    from articles.search import spelling
    from articles.search.query import SearchInputError, SearchParams, run_search

    backend = backend_module.arabic_whoosh_backend()
    searcher = backend.searcher()
    counts = spelling.spell_vocabulary(backend.path).counts
    vocabulary = [w for w, _c in sorted(counts.items(), key=lambda kv: -kv[1]) if len(w) >= 3]
    rng = random.Random(SEED)
    pks = list(Article.objects.published().values_list("pk", flat=True))
    bodies = [
        " ".join(p.text for p in a.paragraphs.all())
        for a in Article.objects.filter(pk__in=rng.sample(pks, min(300, len(pks)))).prefetch_related("paragraphs")
    ]
    bodies = [b for b in bodies if len(b.split()) > 20] or ["نص"]
    queries = shapes(vocabulary, bodies, rng, args.per_shape)
    run_search(SearchParams(q="السعودية"))  # a warm worker, as gunicorn's are after their first requests
    results = []
    for shape, items in queries.items():
        for q in items:
            cpu, wall = time.thread_time(), time.perf_counter()
            try:
                outcome = run_search(SearchParams(q=q))
                partial, count = outcome.partial, outcome.count
            except SearchInputError:
                partial, count = False, -1
            results.append(
                {
                    "shape": shape,
                    "q": q,
                    "cpu": time.thread_time() - cpu,
                    "wall": time.perf_counter() - wall,
                    "partial": partial,
                    "count": count,
                }
            )
    write_report(args.report, results, searcher.doc_count(), args)


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def write_report(path: Path, results: list[dict], documents: int, args) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    lines = [
        "# What one query can cost (fuzz)",
        "",
        f"Produced by `python -m benchmarks.query_cost --per-shape {args.per_shape}` at commit {commit}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, on {platform.node()} ({os.cpu_count()} cores, "
        f"Python {platform.python_version()}), load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}, "
        f"over an index of {documents:,} documents. Cost = CPU time of the searching thread (worker time); "
        f"wall time beside it. Goal: no query over {GOAL_SECONDS * 1000:.0f} ms of worker time. Raw results: "
        f"`{path.with_suffix('.json').name}`.",
        "",
        "| shape | n | p50 ms | p95 ms | max ms | max wall ms | cut by the deadline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for shape in SHAPES:
        rows = [r for r in results if r["shape"] == shape]
        cpu = [r["cpu"] * 1000 for r in rows]
        lines.append(
            f"| {shape} | {len(rows)} | {_quantile(cpu, 0.5):.1f} | {_quantile(cpu, 0.95):.1f} | {max(cpu):.1f} | "
            f"{max(r['wall'] for r in rows) * 1000:.1f} | {sum(r['partial'] for r in rows)} |"
        )
    over = [r for r in results if r["cpu"] > GOAL_SECONDS]
    lines += [
        "",
        f"Queries over the goal: {len(over)} of {len(results)}.",
        "",
        "## The slowest queries found",
        "",
        "| worker ms | wall ms | shape | results | cut | query (first 120 characters) |",
        "|---:|---:|---|---:|---|---|",
    ]
    for r in sorted(results, key=lambda r: -r["cpu"])[:10]:
        q = r["q"][:120].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {r['cpu'] * 1000:.1f} | {r['wall'] * 1000:.1f} | {r['shape']} | {r['count']} | "
            f"{'yes' if r['partial'] else ''} | {q} |"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=0), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
