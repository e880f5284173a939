"""A throwaway site on disk served by the real gunicorn, for browser, fault and load tests.

``Gunicorn`` starts the search index writer (``manage.py run_indexer``) beside gunicorn, as
``make serve`` and the systemd units do: editors' saves reach the index only through it.

Everything runs in subprocesses with the *real* settings module (``newsarchive.settings``) and a
temporary ``NEWSARCHIVE_DATA_DIR``, so the site under test is configured exactly as in production
(DEBUG off, WhiteNoise over collected static files, SQLite in WAL mode, the Whoosh index on disk),
not as the in-process ``tests.settings``.

Database: SQLite in the data dir, except in the PostgreSQL pass (``scripts/with-postgres.sh`` sets
``DATABASE_URL``): then each site gets a PostgreSQL database of its own on that server, created when
the site is first configured and dropped by ``drop_site_database`` (the test fixtures do it), so
gunicorn, browser and fault tests run on PostgreSQL too without sharing the in-process tests' database.

Ports: gunicorn is handed a socket this process bound to port 0 and keeps listening on
(``--bind fd://N``), so no other process can take the port between choosing and binding it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.waiting import wait_until

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


def listening_socket(host: str = "127.0.0.1") -> socket.socket:
    """A TCP socket bound to a port the OS chose and already listening, inheritable by a child process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


# --- Database of a site ---------------------------------------------------------------------------

# The PostgreSQL server of the PostgreSQL pass (the in-process tests' database on it); None: SQLite.
POSTGRES_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
_site_databases: dict[str, str] = {}  # data dir -> database name, created and not yet dropped


def _admin_connection():
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(POSTGRES_URL)
    return psycopg.connect(
        dbname=conf["NAME"],
        user=conf.get("USER") or None,
        password=conf.get("PASSWORD") or None,
        host=conf.get("HOST") or None,
        port=conf.get("PORT") or None,
        autocommit=True,
    )


def site_database_url(data_dir: Path) -> str | None:
    """The PostgreSQL URL of ``data_dir``'s own database (created on first call); None outside the PG pass."""
    if not POSTGRES_URL:
        return None
    key = str(Path(data_dir).resolve())
    name = _site_databases.get(key)
    if name is None:
        name = "site_" + hashlib.sha256(key.encode()).hexdigest()[:16]
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        _site_databases[key] = name
    parts = urllib.parse.urlsplit(POSTGRES_URL)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_site_database(data_dir: Path) -> None:
    """Drop ``data_dir``'s PostgreSQL database if one was created (no-op on SQLite); closes its connections."""
    name = _site_databases.pop(str(Path(data_dir).resolve()), None)
    if name:
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_databases() -> set[str]:
    """Data dirs whose PostgreSQL database exists now (for fixtures that drop what a test created)."""
    return set(_site_databases)


def site_sql(data_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Run one read-only SQL statement on the site's database (SQLite file or its PostgreSQL database).

    Portable SQL only; ``%s`` placeholders are rewritten to ``?`` for SQLite. An SQLite file that does
    not exist yet, or tables not created yet, raise as the driver does.
    """
    url = site_database_url(data_dir)
    if url is None:
        import sqlite3

        path = Path(data_dir) / "archive.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20) as db:
            return db.execute(sql.replace("%s", "?") if params else sql, params).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params or None).fetchall()  # no params: a literal % stays itself


def site_env(data_dir: Path, sqlite: bool = False, **extra: str) -> dict[str, str]:
    """The environment of a production-like process on ``data_dir`` (no DEBUG, real settings).

    The database is the site's own: SQLite in ``data_dir``, or in the PostgreSQL pass a PostgreSQL
    database of its own (never the in-process tests' one); ``sqlite=True`` keeps SQLite regardless,
    for tests of SQLite itself.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSARCHIVE_", "PG")) and k != "DATABASE_URL"}
    database_url = None if sqlite else site_database_url(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
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


def wait_for(predicate, timeout: float = 60, interval: float = 0.05, message: str = "condition"):
    """``tests.waiting.wait_until`` under the name the index-writer helpers use."""
    return wait_until(predicate, timeout=timeout, message=message, interval=interval)


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
    """The real gunicorn on a port the OS chose, with the index writer beside it (``indexer=False``:
    without); ``with Gunicorn(...) as server:`` waits until both run."""

    data_dir: Path
    workers: int = 2
    env: dict[str, str] | None = None
    port: int = 0  # known once started: the port of the socket handed to gunicorn
    proc: subprocess.Popen | None = None
    indexer: Indexer | bool | None = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "gunicorn.log"

    def start(self, timeout: float = 60) -> Gunicorn:
        env = dict(self.env or site_env(self.data_dir))
        if self.indexer is True:
            self.indexer = Indexer(self.data_dir, env).start(timeout)
        env.setdefault("NEWSARCHIVE_WORKERS", str(self.workers))
        self._log = self.log_path.open("ab")
        # gunicorn listens on our socket (fd://): the port is held from the moment the OS chose it.
        with listening_socket() as sock:
            self.port = sock.getsockname()[1]
            self.proc = subprocess.Popen(
                [
                    str(GUNICORN),
                    "newsarchive.wsgi",
                    "-c",
                    "newsarchive/gunicorn.conf.py",
                    "--bind",
                    f"fd://{sock.fileno()}",
                    "--workers",
                    str(self.workers),
                ],
                cwd=REPO,
                env=env,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                pass_fds=(sock.fileno(),),
            )

        def answering() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    return response.status == 200 and len(self.worker_pids()) == self.workers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        try:
            wait_until(answering, timeout=timeout, message=lambda: f"gunicorn did not answer:\n{self.log()}")
        except BaseException:
            self.stop()
            raise
        return self

    def wait_for_workers(self, count: int | None = None, without: int | None = None, timeout: float = 60) -> list[int]:
        """Wait until the master has ``count`` workers (default: as started), none of them ``without``."""
        count = self.workers if count is None else count

        def ready() -> list[int] | None:
            pids = self.worker_pids()
            return pids if len(pids) == count and without not in pids else None

        return wait_until(ready, timeout=timeout, message=lambda: f"workers now {self.worker_pids()}:\n{self.log()}")

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
