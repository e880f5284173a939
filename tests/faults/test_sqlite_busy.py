"""SQLite under concurrent writers (real settings: file DB, WAL, IMMEDIATE transactions, 20 s timeout).

Four processes with three threads each save articles at once for a few seconds, the index writer
(run_indexer) applying their index tasks meanwhile: nothing may fail with "database is locked" and no
edit may be lost. Once the writer has emptied the queue, the search index agrees with the database.
In the PostgreSQL pass the same writers run against the site's PostgreSQL database (minus the WAL check).
"""

from __future__ import annotations

import subprocess

from tests.browser.livesite import PYTHON, REPO, Indexer, manage, site_database_url, site_env, site_sql, wait_for

PROCESSES = 4
THREADS = 3
ROUNDS = 8

SETUP = f"""
from django.utils import timezone
from articles.models import Article
Article.objects.create(title="مقال مشترك", status="published", published_at=timezone.now())
for p in range({PROCESSES}):
    for t in range({THREADS}):
        Article.objects.create(title=f"مقال المحرر {{p}}-{{t}}", status="published", published_at=timezone.now())
"""


def test_concurrent_orm_writes_lose_nothing(tmp_path):
    env = site_env(tmp_path)
    manage(tmp_path, "migrate", "--noinput", "-v0", env=env)
    manage(tmp_path, "shell", "-c", SETUP, env=env)
    manage(tmp_path, "rebuild_index", "--noinput", env=env)

    writer = Indexer(tmp_path, env).start()
    procs = [
        subprocess.Popen(
            [str(PYTHON), "-m", "tests.faults.sqlite_writer", str(p), str(ROUNDS), str(THREADS)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for p in range(PROCESSES)
    ]
    outputs = [proc.communicate(timeout=240)[0] for proc in procs]
    try:
        wait_for(
            lambda: site_sql(tmp_path, "SELECT COUNT(*) FROM articles_indextask")[0][0] == 0,
            timeout=120,
            message="the index writer emptied the queue",
        )
    finally:
        writer.stop()
    assert [proc.returncode for proc in procs] == [0] * PROCESSES, "\n".join(outputs)
    assert "database is locked" not in "".join(outputs)

    if site_database_url(tmp_path) is None:
        assert site_sql(tmp_path, "PRAGMA journal_mode") == [("wal",)]
    editors = [f"{p}-{t}" for p in range(PROCESSES) for t in range(THREADS)]
    # Every created article is there, with its paragraph.
    created = site_sql(
        tmp_path,
        "SELECT a.title, COUNT(p.id) FROM articles_article a JOIN articles_paragraph p ON p.article_id = a.id "
        "WHERE a.title LIKE 'مقال % رقم %' GROUP BY a.id",
    )
    assert sorted(t for t, _ in created) == sorted(f"مقال {e} رقم {i}" for e in editors for i in range(ROUNDS))
    assert {n for _, n in created} == {1}
    # Every editor's last re-title stuck.
    titles = {t for (t,) in site_sql(tmp_path, "SELECT title FROM articles_article WHERE title LIKE 'مقال المحرر %'")}
    assert titles == {f"مقال المحرر {e} تعديل {ROUNDS - 1}" for e in editors}
    # Every paragraph added to the shared article is there.
    shared = site_sql(
        tmp_path,
        "SELECT COUNT(*) FROM articles_paragraph p JOIN articles_article a ON a.id = p.article_id "
        "WHERE a.title = 'مقال مشترك'",
    )[0][0]
    assert shared == len(editors) * ROUNDS

    # The index saw every save too (one writer: the queue's).
    check = manage(tmp_path, "check_index", env=env, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
