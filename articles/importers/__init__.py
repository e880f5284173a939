"""Importers: turn seed pages, the SaudiNewsNet corpus and the archive's own JSONL export into articles.

``run_import(paths)`` is the one entry point (the ``import_articles`` command is a thin shell around it):
it picks a format per path, optionally samples, and writes each file in one transaction through ``base.Importer``.

A format's loader streams its file (a line, a zip member at a time, each bounded in size) and yields
``base.Unreadable`` for what it cannot read; whatever goes wrong while reading one file is reported with
that file and the import goes on with the next one.
"""

from __future__ import annotations

import heapq
import json
import zipfile
from collections.abc import Iterable
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from types import ModuleType

from django.db import transaction
from tqdm import tqdm

from articles.importers import jsonl, saudinewsnet, seed_page
from articles.importers.base import Importer, ImportReport, RecordInvalid, RecordSource, Unreadable, sample_rank

FORMATS: dict[str, ModuleType] = {"seed": seed_page, "saudinewsnet": saudinewsnet, "jsonl": jsonl}
# Reading a file can fail as a whole: missing, not a zip, truncated JSON, not UTF-8, hostile nesting or size.
FILE_ERRORS = (
    OSError,
    zipfile.BadZipFile,
    json.JSONDecodeError,
    UnicodeDecodeError,
    RecordInvalid,
    EOFError,
    RecursionError,
    MemoryError,
)


def detect(path: Path) -> ModuleType | None:
    """The format of a file or directory from its name: .txt seed pages, .zip/.json corpus, .jsonl export."""
    names = [p.name for p in path.iterdir()] if path.is_dir() else [path.name]
    for module in (saudinewsnet, jsonl, seed_page):
        if any(name.endswith(module.SUFFIXES) for name in names):
            return module
    return None


def run_import(
    paths: Iterable[str | Path],
    fmt: str = "auto",
    sample: int | None = None,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportReport:
    report = ImportReport()
    importer = Importer(report)
    jobs = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            report.error(str(path), None, "no such file or directory")
            continue
        module = FORMATS[fmt] if fmt != "auto" else detect(path)
        if module is None:
            report.error(str(path), None, "unknown format (expected .txt, .zip, .json or .jsonl; see --format)")
            continue
        jobs.extend((module, label, loader) for label, loader in module.files(path))
    keep = _sample(jobs, sample, report) if sample is not None else None
    # Each file commits on its own (base.Importer); a dry run wraps them all in one transaction rolled back at the end.
    with transaction.atomic() if dry_run else nullcontext():
        for module, label, loader in tqdm(jobs, unit="file", disable=not progress):
            build = module.build
            if module is seed_page:
                build = partial(seed_page.build, now=importer.now)
            importer.import_file(label, _records(module, loader, build, keep), unit=getattr(module, "UNIT", "record"))
        if dry_run:
            transaction.set_rollback(True)
    return report


def _records(module: ModuleType, loader, build, keep: set[int] | None) -> RecordSource:
    """(record number, thunk) for each record a loader reads, sampled; a failure to read ends the file, reported."""
    number = 0
    try:
        for raw in loader():
            if isinstance(raw, Unreadable):
                if raw.is_record:
                    number += 1
                yield (number if raw.is_record else None), raw.fail
                continue
            number += 1
            if keep is None or sample_rank(_key(module, raw)) in keep:
                yield number, partial(build, raw)
    except FILE_ERRORS as exc:
        yield None, Unreadable(f"cannot read file: {type(exc).__name__}: {exc}").fail


def _key(module: ModuleType, raw: object) -> str:
    try:
        return module.sample_key(raw)
    except (AttributeError, TypeError):
        return repr(raw)


def _sample(jobs: list, size: int, report: ImportReport) -> set[int]:
    """The ranks of the ``size`` records with the smallest stable hash: the same sample, spread over every file."""
    ranks: list[int] = []
    for module, _label, loader in jobs:
        try:
            ranks.extend(sample_rank(_key(module, raw)) for raw in loader() if not isinstance(raw, Unreadable))
        except FILE_ERRORS:
            continue  # reported when the file is imported
    return set(heapq.nsmallest(size, ranks))
