"""An import killed half-way (SIGKILL, no cleanup) and run again: complete, no duplicates, no half articles."""

from __future__ import annotations

import json
import signal
import subprocess
import zipfile

import pytest

from tests.browser.livesite import CORPUS, PYTHON, REPO, manage, site_env, site_sql
from tests.waiting import wait_until

pytestmark = pytest.mark.corpus

# Two of the smallest days; the importer commits once per file, so the kill lands inside the second.
FILES = [CORPUS / name for name in ("2015-08-09.zip", "2015-08-01.zip")]


def article_count(data_dir) -> int:
    return site_sql(data_dir, "SELECT COUNT(*) FROM articles_article")[0][0]


def source_records() -> dict[str, dict]:
    """url -> record, for every record in FILES."""
    records = {}
    for path in FILES:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for record in json.loads(archive.read(name)):
                    records[record["url"]] = record
    return records


def test_interrupted_import_resumes_without_duplicates(tmp_path):
    manage(tmp_path, "migrate", "--noinput", "-v0")
    files = [str(p) for p in FILES]
    records = source_records()
    with zipfile.ZipFile(FILES[0]) as archive:
        first_file = {r["url"] for name in archive.namelist() for r in json.loads(archive.read(name))}

    proc = subprocess.Popen(
        [str(PYTHON), "manage.py", "import_articles", *files],
        cwd=REPO,
        env=site_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The first file's articles appear all at once, when its transaction commits; the importer is then
    # on the second file, whose transaction the kill interrupts.
    wait_until(lambda: proc.poll() is not None or article_count(tmp_path) > 0, timeout=300, message="no commit")
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = article_count(tmp_path)
    assert 0 < partial < len(records)

    result = manage(tmp_path, "import_articles", *files)
    assert " 0 errors" in result.stdout + result.stderr

    total, distinct, null_urls = site_sql(
        tmp_path, "SELECT COUNT(*), COUNT(DISTINCT source_url), COUNT(*) - COUNT(source_url) FROM articles_article"
    )[0]
    empty = [
        u
        for (u,) in site_sql(
            tmp_path,
            "SELECT a.source_url FROM articles_article a WHERE NOT EXISTS "
            "(SELECT 1 FROM articles_paragraph p WHERE p.article_id = a.id)",
        )
    ]
    urls = {u for (u,) in site_sql(tmp_path, "SELECT source_url FROM articles_article")}
    assert (total, null_urls) == (distinct, 0)
    # Everything of the first file (committed before the kill) and of the second (re-run) is there,
    # except records with neither title nor body, which the importer skips.
    wanted = {u for u, r in records.items() if (r.get("title") or "").strip() or (r.get("content") or "").strip()}
    assert urls == wanted
    # The kill left exactly the first file, committed whole, and nothing of the second (one transaction a file).
    assert partial == len(first_file & wanted)
    # No half-written article: an article without paragraphs had no content in its source either.
    assert [u for u in empty if (records[u].get("content") or "").strip()] == []
