"""The real site (gunicorn + ``run_indexer``, production settings) with the index lock held by another
process, and with its index writer killed by SIGKILL in the middle of a pass: an editor's save
returns at once, search catches up once the writer can write, and no queued change is lost."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.browser.livesite import ADMIN, RELATED_TITLE, Gunicorn, Indexer, build_site, get, manage, wait_for
from tests.searchutil import index_lock_held_elsewhere, lock_is_held

TITLE_WORD = "الضامنة"  # in the title of livesite.RELATED_TITLE (and in other articles)
PK_OF_RELATED_TITLE = f"from articles.models import Article; print(Article.objects.get(title={RELATED_TITLE!r}).pk)"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("index-writer-site")
    build_site(data_dir, sample=0)
    return data_dir


class AdminSession:
    """Django's admin over HTTP with a cookie jar: CSRF token from each form, as a browser sends it."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, form_path: str, data: dict) -> tuple[int, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_path)).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body)
        with self.opener.open(request, timeout=30) as response:  # follows the redirect after a save
            return response.status, response.read().decode()

    def login(self, username: str, password: str) -> None:
        status, html = self.post(
            "/admin/login/?next=/admin/",
            "/admin/login/",
            {"username": username, "password": password, "next": "/admin/"},
        )
        assert status == 200 and "logout" in html, html[:500]


def api_search(server: Gunicorn, q: str) -> list[int]:
    status, body = get(f"{server.url}/api/search/?q={urllib.parse.quote(q)}")
    assert status == 200, body[:300]
    return [hit["id"] for hit in json.loads(body)["results"]]


def test_an_unpublish_while_the_index_lock_is_held_returns_and_reaches_search_after(site):
    lock_path = site / "whoosh_index.lock"
    with Gunicorn(site, workers=2) as server:
        pk = int(manage(site, "shell", "-c", PK_OF_RELATED_TITLE).stdout.split()[-1])
        assert pk in api_search(server, TITLE_WORD)
        admin = AdminSession(server.url)
        admin.login(*ADMIN)
        changelist = "/admin/articles/article/"
        with index_lock_held_elsewhere(lock_path):
            status, html = admin.post(
                changelist, changelist, {"action": "unpublish", "_selected_action": [pk], "index": "0"}
            )
            assert status == 200  # no 500, no 30 s timeout: the request never waited for the lock
            assert "أُعيد مقال واحد إلى المسودات." in html
            assert lock_is_held(lock_path)  # it came back while the lock was still held
            assert pk in api_search(server, TITLE_WORD)  # the writer is waiting for the lock
        wait_for(lambda: pk not in api_search(server, TITLE_WORD), timeout=60, message="unpublished article gone")
        # and back: publishing it again is searchable again, with the writer free
        admin.post(changelist, changelist, {"action": "publish", "_selected_action": [pk], "index": "0"})
        wait_for(lambda: pk in api_search(server, TITLE_WORD), timeout=60, message="republished article found")
    assert "Traceback" not in server.log()


SAVE = """
from articles.models import Article
article = Article.objects.get(title="خبر منوعات رقم 7")
article.title = "خبر منوعات رقم 7 عن مرصادنا"
article.save()
print(article.pk)
"""


def test_a_writer_killed_mid_pass_loses_nothing(site):
    lock_path = site / "whoosh_index.lock"
    with Gunicorn(site, workers=1) as server:
        writer = server.indexer
        with index_lock_held_elsewhere(lock_path):
            pk = int(manage(site, "shell", "-c", SAVE).stdout.split()[-1])  # commits the change and its task
            # The writer took the task and is inside its pass, waiting for the lock: kill it there.
            wait_for(lambda: "waiting for the index write lock" in writer.log(), timeout=60, message="writer waits")
            writer.kill()
        report = manage(site, "check_index", check=False).stdout
        assert "index queue: 1 task, oldest" in report and "NO WRITER RUNNING" in report
        assert f"stale: 1 ({pk})" in report
        assert api_search(server, "مرصادنا") == []

        replacement = Indexer(site).start()
        try:
            wait_for(lambda: api_search(server, "مرصادنا") == [pk], timeout=60, message="replayed save found")
        finally:
            replacement.stop()
    report = manage(site, "check_index", check=False)
    assert "index queue: empty" in report.stdout and "The index matches the database." in report.stdout
    assert report.returncode == 0
