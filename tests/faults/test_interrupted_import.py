"""An import killed half-way (SIGKILL, no cleanup) and run again: complete, no duplicates, no half articles."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
import zipfile

import pytest

from tests.browser.livesite import CORPUS, PYTHON, REPO, manage, site_env

pytestmark = pytest.mark.corpus

FILES = [CORPUS / name for name in ("2015-07-23.zip", "2015-08-01.zip", "2015-08-09.zip")]


def article_count(db_path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM articles_article").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def source_records() -> dict[str, str]:
    """url -> content of every record in FILES."""
    records = {}
    for path in FILES:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for record in json.loads(archive.read(name)):
                    records[record["url"]] = record.get("content") or ""
    return records


def test_interrupted_import_resumes_without_duplicates(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    for data_dir in (killed, clean):
        data_dir.mkdir()
        manage(data_dir, "migrate", "--noinput", "-v0")
    db_path = killed / "archive.sqlite3"
    files = [str(p) for p in FILES]

    proc = subprocess.Popen(
        [str(PYTHON), "manage.py", "import_articles", *files],
        cwd=REPO,
        env=site_env(killed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first_file = 1318  # records in 2015-07-23.zip
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and article_count(db_path) < first_file // 2:
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = article_count(db_path)
    assert 0 < partial

    manage(killed, "import_articles", *files)
    manage(clean, "import_articles", *files)

    with sqlite3.connect(db_path) as db:
        total, distinct, null_urls = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT source_url), SUM(source_url IS NULL) FROM articles_article"
        ).fetchone()
        assert (total, null_urls) == (distinct, 0)
        empty = db.execute(
            "SELECT a.source_url FROM articles_article a WHERE NOT EXISTS "
            "(SELECT 1 FROM articles_paragraph p WHERE p.article_id = a.id)"
        ).fetchall()
        urls = {u for (u,) in db.execute("SELECT source_url FROM articles_article")}
    records = source_records()
    # No half-written article: an article without paragraphs had no content in its source either.
    assert [u for (u,) in empty if records.get(u, "").strip()] == []
    # The resumed import holds exactly what an uninterrupted one does.
    with sqlite3.connect(clean / "archive.sqlite3") as db:
        assert urls == {u for (u,) in db.execute("SELECT source_url FROM articles_article")}
    assert partial < len(urls)
