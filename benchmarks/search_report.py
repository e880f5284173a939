"""The search benchmark's report: ``docs/benchmarks/search.md`` rendered from its raw results.

    python -m benchmarks.search_report      # re-render from docs/benchmarks/search-results.json (+ search-before.json)

``benchmarks.search_eval`` calls this after every run. Every table and figure comes from the JSON; the only
hand-written text is the commentary between the markers below, which a re-render keeps as it is.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from benchmarks import search_eval as se

COMMENTARY_START = "<!-- commentary: hand-written, kept as is by benchmarks/search_report.py -->"
COMMENTARY_END = "<!-- end of commentary -->"
DEFAULT_COMMENTARY = "(none yet)"
SYSTEM_ORDER = ("archive", "portable", "lucene", "lucene_whoosh_idf", "haystack")
CLASS_ORDER = (*se.PERTURBATIONS, "names_control", "names_tuning", "names_heldout", "synonym_drop", "long",
               "misspell", "questions")  # fmt: skip


def save(payload: dict, path: Path) -> None:
    """Store one run under its slot; the other slots' runs stay (two runs may finish at the same time)."""
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"search-eval-{digest}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runs = load(path)
        runs[payload["slot"]] = payload
        text = json.dumps({"runs": runs}, ensure_ascii=False, separators=(",", ":")) + "\n"
        path.write_text(text, encoding="utf-8")


def load(path: Path | None) -> dict[str, dict]:
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["runs"]


def _systems(run: dict) -> list[str]:
    return sorted(run["systems"], key=lambda s: SYSTEM_ORDER.index(s) if s in SYSTEM_ORDER else 99)


def _classes(run: dict) -> list[str]:
    present = {c for s in run["systems"].values() for c in s["summary"]}
    return [c for c in CLASS_ORDER if c in present]


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _ms(x: float) -> str:
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _table(header: list[str], rows: list[list[str]], align_first: int = 1) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * align_first + "---:|" * (len(header) - align_first)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _match_before(slot: str, before: dict[str, dict]) -> dict | None:
    """The reference run of the same slot, else one over the same corpus (``full`` for ``full-questions``)."""
    if slot in before:
        return before[slot]
    corpus = slot.split("-")[0]
    return next((r for s, r in before.items() if s.split("-")[0] == corpus), None)


def render_run(run: dict, before: dict | None) -> list[str]:
    systems, classes = _systems(run), _classes(run)
    m = run["machine"]
    docs = run["documents"]
    out = [f"## Run `{run['slot']}`: {docs['news']:,} news articles + {docs['wikipedia']} ARCD paragraphs", ""]
    modified = " (search code modified, not committed)" if m.get("search_code_modified") else ""
    out += [
        f"- command: `{run['command']}`",
        f"- date: {run['date']}; commit `{m['commit']}`{modified}",
        f"- machine: nproc={m['nproc']}, {m['cpu']}, {m.get('memory_gb', '?')} GB RAM, Python {m['python']}; "
        f"load average (1/5/15 min) {m['load_start']} at the start, {m['load_end']} at the end (shared machine)",
        f"- wall time {run['seconds'] / 60:.1f} min (corpus read and queries built in "
        f"{run['phases'].get('load_and_queries', 0):.0f} s); ranks read per query: {run['cutoff']}",
        "",
    ]
    out += _table(
        ["system", "index build", "index size", "queries", "query time", "load after"],
        [
            [
                s,
                f"{b['index_seconds']:.0f} s",
                f"{b['index_bytes'] / 1e6:.0f} MB",
                str(sum(v["n"] for v in run["systems"][s]["summary"].values())),
                f"{b['query_seconds']:.0f} s",
                b["load_after"],
            ]
            for s in systems
            for b in [run["systems"][s]["build"]]
        ],
    )
    sums = {s: run["systems"][s]["summary"] for s in systems}

    out += ["", "### Quality: Success@10 / MRR@10 per class", ""]
    rows = []
    for c in classes:
        n = next(sums[s][c]["n"] for s in systems if c in sums[s])
        rows.append([c, str(n)] + [f"{_f(sums[s][c]['success_at_10'])} / {_f(sums[s][c]['mrr_at_10'])}"
                                    if c in sums[s] else "-" for s in systems])  # fmt: skip
    out += _table(["class", "n", *systems], rows, 2)

    if "questions" in classes:
        out += ["", "### Questions (ARCD development set)", ""]
        out += [
            "The ARCD paragraphs compete with the news articles above. **This is a development set**: the rules "
            "of the archive may be tuned on it, so the figure that counts is on questions not seen here.",
            "",
        ]
        rows = [[s, _f(q["success_at_1"]), _pct(q["success_at_10"]), _f(q["mrr_at_10"])]
                for s in systems for q in [sums[s].get("questions")] if q]  # fmt: skip
        out += _table(["system", "Success@1", "Success@10", "MRR@10"], rows)

    kinds = [
        (c, k.split(":", 1)[1])
        for c in classes
        for k in next(sums[s][c] for s in systems if c in sums[s])
        if k.startswith("success_at_10:")
    ]
    if kinds:
        out += ["", "### Success@10 by kind of change", ""]
        rows = []
        for c, k in kinds:
            ref = next(sums[s][c] for s in systems if c in sums[s])
            cells = [_f(sums[s][c].get(f"success_at_10:{k}")) if c in sums[s] else "-" for s in systems]
            rows.append([f"{c}: {k}", str(ref[f"n:{k}"]), *cells])
        out += _table(["class: kind", "n", *systems], rows, 2)

    mis = sums.get("archive", {}).get("misspell")
    if mis and "offered" in mis:
        out += ["", "### Misspellings: what the archive does with them", ""]
        out += _table(
            ["archive, misspell class", "share of queries"],
            [
                ["target in the top 10 of the results shown", _pct(mis["success_at_10"])],
                ["a suggestion or correction offered", _pct(mis["offered"])],
                ["results shown for the corrected query (automatic correction)", _pct(mis["applied"])],
                ["the offered query is the query before the typo", _pct(mis["restores_original"])],
                ["target in the top 10 of the corrected query's results", _pct(mis["corrected_success_at_10"])],
            ],
        )
        out += [
            "",
            "The corrected query's results are the shown ones when the archive corrected automatically, "
            "else those of the offered suggestion (followed once, untimed).",
        ]

    refusals = [
        [
            s,
            c,
            str(sums[s][c]["errors"]),
            str(sums[s][c]["refused_by_page"]),
            _f(sums[s][c]["success_at_10"]),
            _f(sums[s][c].get("success_at_10_page", sums[s][c]["success_at_10"])),
        ]  # fmt: skip
        for s in systems
        for c in classes
        if c in sums[s] and (sums[s][c]["errors"] or sums[s][c]["refused_by_page"])
    ]
    if refusals:
        out += ["", "### Queries refused", ""]
        out += [
            "`errors`: the system raised (counted as a miss; first message in the JSON). `refused by the page`: "
            "the search page and API form refuse the query with HTTP 400 (checked for `long` and `questions`); "
            "in process `run_search` still answers it (its parser keeps the first words), so Success@10 is given "
            "both ways.",
            "",
        ]
        header = ["system", "class", "errors", "refused by the page", "S@10 in process", "S@10 through the page"]
        out += _table(header, refusals, 2)
        first = {
            (s, c): run["systems"][s]["errors"][c][0][1]
            for s in systems
            for c in classes
            if run["systems"][s]["errors"].get(c)
        }
        out += [""] + [f"- {s}, {c}: `{msg}`" for (s, c), msg in first.items()]

    out += ["", "### Latency per class (ms per query, in process, uncached: p50 / p95 / p99)", ""]
    rows = []
    for c in classes:
        rows.append([c] + [f"{_ms(sums[s][c]['p50_ms'])} / {_ms(sums[s][c]['p95_ms'])} / {_ms(sums[s][c]['p99_ms'])}"
                           if c in sums[s] else "-" for s in systems])  # fmt: skip
    out += _table(["class", *systems], rows)
    out += [
        "",
        "Each query timed once, after 10 warm-up queries, by the benchmark's own process calling the system "
        f"(for archive `run_search` with page_size {run['cutoff']}: matching, ranking, highlighting of the page, "
        "facets, suggestion); no page or result cache. The machine is shared: compare systems within one run.",
    ]

    if before is not None and before.get("date") != run.get("date"):
        out += render_compare(run, before)
    if "archive" in run["systems"] and "questions" in classes:
        out += render_misses(run)
    return out


def render_compare(run: dict, before: dict) -> list[str]:
    shown = [s for s in ("archive", "lucene") if s in run["systems"] and s in before["systems"]]
    if not shown:
        return []
    out = ["", f"### Before → after (before: commit `{before['machine']['commit']}`, {before['date']}, "
           f"`{before['command']}`)", ""]  # fmt: skip
    rows = []
    for c in _classes(run):
        cells = []
        for s in shown:
            a, b = run["systems"][s]["summary"].get(c), before["systems"][s]["summary"].get(c)
            if a is None or b is None:
                cells += ["-", "-", "-"]
                continue
            cells += [
                f"{_f(b['success_at_10'])} → {_f(a['success_at_10'])}",
                f"{_f(b['mrr_at_10'])} → {_f(a['mrr_at_10'])}",
                f"{_ms(b['p95_ms'])} → {_ms(a['p95_ms'])}",
            ]
        n = next(run["systems"][s]["summary"][c]["n"] for s in shown if c in run["systems"][s]["summary"])
        rows.append([c, str(n), *cells])
    header = ["class", "n"] + [f"{s} {x}" for s in shown for x in ("S@10", "MRR@10", "p95 ms")]
    out += _table(header, rows, 2)
    return out


def render_misses(run: dict, limit: int = 25) -> list[str]:
    items = run["items"]["questions"]
    ranks = run["systems"]["archive"]["ranks"]["questions"]
    lucene = run["systems"].get("lucene", {}).get("ranks", {}).get("questions")
    titles = run.get("titles", {})
    misses = [i for i, r in enumerate(ranks) if not 0 < r <= 10]
    out = ["", f"### Archive misses on the question set (first {min(limit, len(misses))} of {len(misses)})", ""]
    diagnosis = run["systems"]["archive"].get("question_misses", {})
    rows = []
    for i in misses[:limit]:
        target, text, _qid = items[i]
        count, fallback, top = diagnosis.get(str(i), diagnosis.get(i, [None, None, []]))
        matched = "-" if count is None else f"{count}{' (any word)' if fallback else ''}"
        first = titles.get(top[0], top[0]) if top else "-"
        rows.append([text.strip(), titles.get(target, target), str(ranks[i] or "-"),
                     str(lucene[i] or "-") if lucene else "", matched, first])  # fmt: skip
    header = ["question", "answering paragraph", "archive rank", "lucene rank", "archive matches", "archive's first"]
    out += _table(header, rows, 2)
    return out


def render(runs: dict[str, dict], before: dict[str, dict], commentary: str) -> str:
    out = [
        "# Search quality and latency",
        "",
        "Generated by `benchmarks/search_eval.py` (each run rewrites this file through "
        "`benchmarks/search_report.py`); raw results, per-query ranks and times included, in "
        '`search-results.json` beside it, the reference "before" run in `search-before.json`. Only the '
        "commentary section at the end is hand-written.",
        "",
        "```sh",
        ".venv/bin/python -m benchmarks.search_eval                   # 5,000-article sample + ARCD, every class",
        ".venv/bin/python -m benchmarks.search_eval --full            # all of SaudiNewsNet + ARCD, every class",
        ".venv/bin/python -m benchmarks.search_eval --questions-only  # all of SaudiNewsNet + ARCD, questions only",
        ".venv/bin/python -m benchmarks.search_report                 # re-render this file from the JSON",
        "```",
        "",
        "## What is measured",
        "",
        "Known items: a reader remembers an article and types some words of its title (picked deterministically, "
        "by a hash of the URL, from titles with 3+ content words: Arabic, 3+ letters, not a Lucene stop word), "
        "then respells them one way at a time; a class counts only the queries it changes. A query succeeds when "
        "the article (or one with the same normalized title; for `long`, one holding the same sentence) is ranked. "
        "Success@k: in the top k; MRR@10: mean of 1/rank, 0 beyond 10.",
        "",
    ]
    out += _table(["class", "query"], [[c, se.CLASS_NOTES[c]] for c in CLASS_ORDER], 2)
    out += [
        "",
        "Systems (same documents, title + body, same run): **archive** this project "
        "(`articles.search.query.run_search` on an index built by its backend); **portable** the path used with "
        "Elasticsearch/Solr (`articles.search.portable.run_search`), here on the archive's Whoosh index; "
        "**lucene** BM25 (k1=1.2, b=0.75) over Lucene's ArabicAnalyzer, i.e. Elasticsearch's `arabic` analyzer "
        "(`benchmarks/lucene_arabic.py`), with a `match` (OR) query and Lucene's idf; **lucene_whoosh_idf** the same "
        "scored with Whoosh's BM25F idf (this baseline before 1 Dec 2026); **haystack** haystack 3.4's default Whoosh "
        "setup (English stemming analyzer, AND of the words).",
        "",
        "Name groups: `NAME_VARIANTS` in `benchmarks/search_eval.py`. A `names` query is **tuning** when the two "
        "spellings are in one shipped starter variant set (`articles/search/starter_variants.py`, chosen on this "
        "corpus, partly after this evaluation showed misses), **held out** otherwise.",
        "",
    ]
    order = sorted(runs, key=lambda s: (s.split("-")[0] != "full", s))
    for slot in order:
        out += render_run(runs[slot], _match_before(slot, before))
        out.append("")
    out += ["## Commentary", "", COMMENTARY_START, commentary.strip() or DEFAULT_COMMENTARY, COMMENTARY_END, ""]
    return "\n".join(out)


def commentary_of(report: Path) -> str:
    if not report.exists():
        return DEFAULT_COMMENTARY
    text = report.read_text(encoding="utf-8")
    if COMMENTARY_START not in text or COMMENTARY_END not in text:
        return DEFAULT_COMMENTARY
    return text.split(COMMENTARY_START, 1)[1].split(COMMENTARY_END, 1)[0].strip()


def write(results: Path, before: Path | None, report: Path) -> Path:
    runs = load(results)
    reference = load(before) if before is not None and before.resolve() != results.resolve() else {}
    report.write_text(render(runs, reference, commentary_of(report)), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=se.RESULTS)
    parser.add_argument("--before", type=Path, default=se.BEFORE)
    parser.add_argument("--report", type=Path, default=se.REPORT)
    args = parser.parse_args(argv)
    print(write(args.results, args.before, args.report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
