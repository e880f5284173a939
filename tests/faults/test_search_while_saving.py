"""Searches in several processes while an editor saves: none may fail.

Every save commits to the index, and some commits merge segments and delete their files, or
replace the table of contents, while other processes open or read the index. The load test found
three such races (a deleted column file: 500; a vanished temp file or table of contents: 503);
this runs real processes against a real on-disk index until each has had many chances: the
searchers run from before the first save until after the last one.
"""

from __future__ import annotations

import subprocess

from tests.browser.livesite import PYTHON, REPO, manage, site_env

SEARCHERS = 2
SAVES = 40
SEARCHES = 50  # at least, each

SETUP = """
from django.utils import timezone
from articles.models import Article, Paragraph
words = ["الرياض", "وزير الخارجية", "أستانة", "النفط", "مجلس الوزراء", "الهلال", "جدة", "السوق"]
for i in range(300):
    a = Article.objects.create(title=f"خبر {i} عن {words[i % 8]}", status="published", published_at=timezone.now())
    Paragraph.objects.create(article=a, position=0, text=f"نص الخبر {i}: {words[i % 8]} و{words[(i + 3) % 8]}.")
"""


def test_searches_never_fail_while_an_editor_saves(tmp_path):
    env = site_env(tmp_path)
    manage(tmp_path, "migrate", "--noinput", "-v0", env=env)
    manage(tmp_path, "shell", "-c", SETUP, env=env)
    manage(tmp_path, "build_index", "-v0", env=env)
    env["NEWSARCHIVE_SEARCH_REALTIME"] = "1"
    env["SEARCH_WHILE_SAVING_SEARCHERS"] = str(SEARCHERS)
    workdir = tmp_path / "run"
    workdir.mkdir()

    def start(role: str) -> subprocess.Popen:
        count = SAVES if role == "save" else SEARCHES
        return subprocess.Popen(
            [str(PYTHON), "-m", "tests.faults.search_while_saving", role, str(workdir), str(count)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    procs = [start("save")] + [start("search") for _ in range(SEARCHERS)]
    outputs = [proc.communicate(timeout=600)[0] for proc in procs]
    report = "\n".join(outputs)
    assert [proc.returncode for proc in procs] == [0] * len(procs), report
    saves = int(outputs[0].split("save: ")[1].split(" done")[0])
    searches = [int(out.split("search: ")[1].split(" done")[0]) for out in outputs[1:]]
    assert saves == SAVES, report
    assert min(searches) >= SEARCHES, report
