"""A throwaway site on disk served by the real gunicorn, for browser, fault and load tests.

``Gunicorn`` starts the search index writer (``manage.py run_indexer``) beside gunicorn, as
``make serve`` and the systemd units do: editors' saves reach the index only through it.

Everything runs in subprocesses with the *real* settings module (``newsarchive.settings``) and a
temporary ``NEWSARCHIVE_DATA_DIR``, so the site under test is configured exactly as in production
(DEBUG off, WhiteNoise over collected static files, SQLite in WAL mode, the Whoosh index on disk),
not as the in-process ``tests.settings``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED_DIR", REPO.parent / "shared")).resolve()
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
CORPUS = SHARED / "data" / "saudinewsnet"
OUTPUT = REPO / "test-output"
# The settings module of the site under test; another one (on PYTHONPATH) only to try a settings change.
SERVER_SETTINGS = os.environ.get("NEWSARCHIVE_SERVER_SETTINGS", "newsarchive.settings")

EDITOR = ("editor", "editor-pass-93xk")
ADMIN = ("admin", "admin-pass-93xk")
RELATED_TITLE = 'الدول الضامنة لـ"عملية أستانا": ملتزمون بسيادة سوريا والقضاء على الإرهاب'
XSS_TITLE = "مقال <script>alert('title')</script> بعنوان خطر"
XSS_PARAGRAPHS = [
    "<script>window.__xss = 1</script>نص يبدأ بوسم سكربت.",
    '<a href="javascript:window.__xss=2">رابط جافاسكربت</a> و <img src=x onerror="window.__xss=3"> صورة.',
    '<b>عريض</b> & <i>مائل</i> "اقتباس"',
]
PAGED_SECTION = "منوعات"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like process on ``data_dir`` (no DEBUG, real settings)."""
    # Each site is self-contained in its data dir (SQLite there): under the PostgreSQL CI pass,
    # DATABASE_URL names the database the in-process tests use, which a site must not share.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSARCHIVE_", "PG")) and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS,
        NEWSARCHIVE_DATA_DIR=str(data_dir),
        NEWSARCHIVE_SHARED_DIR=str(SHARED),
        NEWSARCHIVE_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("NEWSARCHIVE_DEBUG", None)
    env.update(extra)
    return env


def manage(data_dir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 600, check: bool = True):
    """Run ``manage.py <args>`` against ``data_dir``; raise with its output when it fails."""
    proc = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=REPO,
        env=env or site_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


# Extra content the flows rely on, added before the index is built:
# - the article one of seed 000's "related articles" titles refers to, arriving after the seed (so
#   RelatedLink.objects.link_pending links it, as the importer does for later arrivals);
# - an article whose body is hostile HTML, which every page must show as text;
# - 25 articles on one day in one section, so section, day archive and pagination have two pages.
CONTENT_SCRIPT = f"""
from datetime import datetime
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from articles.models import Article, Paragraph, RelatedLink, Section
from articles.signals import EDITORS_GROUP

def add(title, paragraphs, section, when):
    article = Article.objects.create(title=title, section=section, status=Article.Status.PUBLISHED,
                                     published_at=timezone.make_aware(when))
    for i, text in enumerate(paragraphs):
        Paragraph.objects.create(article=article, position=i, text=text)
    RelatedLink.objects.link_pending(article)
    return article

def content():
    world = Section.objects.get_or_create(name="الخليج والعالم")[0]
    add({RELATED_TITLE!r}, ["أكدت الدول الضامنة لمسار أستانا التزامها بسيادة سوريا."], world, datetime(2024, 11, 12, 9))
    add({XSS_TITLE!r}, {XSS_PARAGRAPHS!r}, world, datetime(2024, 11, 13, 9, 0))
    paged = Section.objects.get_or_create(name="{PAGED_SECTION}")[0]
    for n in range(25):
        add(f"خبر منوعات رقم {{n + 1}}", [f"نص خبر المنوعات رقم {{n + 1}} عن الطقس في الرياض."], paged,
            datetime(2016, 3, 14, 8, n))

with transaction.atomic():  # one commit, so one search-index update for all of it
    content()
User.objects.create_superuser({ADMIN[0]!r}, "admin@archive.example", {ADMIN[1]!r})
editor = User.objects.create_user({EDITOR[0]!r}, "editor@archive.example", {EDITOR[1]!r}, is_staff=True)
editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
"""


def build_site(data_dir: Path, sample: int = 200, env: dict[str, str] | None = None, content: bool = True) -> None:
    """migrate, seeds + a corpus sample + CONTENT_SCRIPT (with an admin and an editor), index, static files."""
    env = env or site_env(data_dir)
    manage(data_dir, "migrate", "--noinput", "-v0", env=env)
    manage(data_dir, "import_articles", *map(str, SEEDS), env=env)
    if sample:
        manage(data_dir, "import_articles", "--sample", str(sample), str(CORPUS), env=env)
    if content:
        manage(data_dir, "shell", "-c", CONTENT_SCRIPT, env=env)
    # build_index also clears the index tasks the imports above queued (it read those articles).
    manage(data_dir, "build_index", "--procs", "1", "-v0", env=env)
    manage(data_dir, "collectstatic", "--noinput", "-v0", env=env)


def wait_for(predicate, timeout: float = 30, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate`` until it returns a true value (returned) or ``timeout`` passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message}: not true within {timeout} s")
        time.sleep(interval)


class Indexer:
    """``manage.py run_indexer`` on a site's data dir, its output in ``indexer.log``."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.env = env
        self.proc: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "indexer.log"

    def start(self, timeout: float = 30) -> Indexer:
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [str(PYTHON), "manage.py", "run_indexer", "-v2"],
            cwd=REPO,
            env=dict(self.env or site_env(self.data_dir)),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        lease = self.data_dir / "index-writer.lock"

        def holds_lease() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"run_indexer exited with {self.proc.returncode}:\n{self.log()}")
            return lease.exists() and lease.read_text().strip() == str(self.proc.pid)

        wait_for(holds_lease, timeout, message="run_indexer holds the writer lease")
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

    def kill(self) -> None:
        """SIGKILL, as a crash: whatever pass it was in is cut short."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def _close(self) -> None:
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None


@dataclass
class Gunicorn:
    """The real gunicorn on a free loopback port, with the index writer beside it (``indexer=False``:
    without); ``with Gunicorn(...) as server:`` waits until both run."""

    data_dir: Path
    workers: int = 2
    env: dict[str, str] | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    indexer: Indexer | bool | None = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "gunicorn.log"

    def start(self, timeout: float = 30) -> Gunicorn:
        env = dict(self.env or site_env(self.data_dir))
        if self.indexer is True:
            self.indexer = Indexer(self.data_dir, env).start(timeout)
        env.setdefault("NEWSARCHIVE_WORKERS", str(self.workers))
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                str(GUNICORN),
                "newsarchive.wsgi",
                "-c",
                "newsarchive/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
            ],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log()}")

    def worker_pids(self) -> list[int]:
        """Pids of the workers (children of the master), from /proc."""
        if self.proc is None:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            return []

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()
        if isinstance(self.indexer, Indexer):
            self.indexer.stop()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    """GET without raising on HTTP errors: (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


if __name__ == "__main__":  # pragma: no cover - manual use: python -m tests.browser.livesite DATA_DIR
    target = Path(sys.argv[1]).resolve()
    target.mkdir(parents=True, exist_ok=True)
    build_site(target)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # so the with-block stops gunicorn too
    with Gunicorn(target) as server:
        print(server.url, flush=True)
        signal.pause()
