"""scripts/with-postgres.sh: a throwaway PostgreSQL for one command, cleaned up, exit code kept."""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path
from urllib.parse import unquote

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "with-postgres.sh"


def postgres_installed() -> bool:
    return bool(os.environ.get("PG_BIN") or glob.glob("/usr/lib/postgresql/*/bin/initdb"))


needs_postgres = pytest.mark.skipif(
    not postgres_installed(), reason="PostgreSQL server binaries not installed (apt-get install postgresql)"
)


@needs_postgres
def test_runs_command_against_fresh_database_and_cleans_up():
    probe = 'psql -tAc "select current_database(), current_setting(\'server_encoding\')"; echo "$DATABASE_URL"; exit 7'
    result = subprocess.run([str(SCRIPT), "sh", "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 7, result.stderr
    row, url = result.stdout.splitlines()
    assert row == "newsarchive|UTF8"
    config = dj_database_url.parse(url)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "newsarchive"
    socket_dir = Path(unquote(config["HOST"]))
    assert socket_dir.name.startswith("newsarchive-pg.")
    assert not socket_dir.exists()


@needs_postgres
def test_failing_start_of_command_is_reported():
    result = subprocess.run([str(SCRIPT), "/nonexistent/command"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 127


def test_usage_without_command():
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 64
    assert "usage" in result.stderr


@pytest.mark.django_db
def test_tests_run_on_the_database_of_database_url():
    """Under with-postgres.sh the suite really runs on PostgreSQL, otherwise on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


PROBE_SITE_DATABASE = """
from django.db import connection
print("DB=" + connection.vendor + "|" + str(connection.settings_dict["NAME"]))
"""


def test_live_sites_run_on_a_database_of_their_own(tmp_path):
    """A live site (gunicorn, browser and fault tests) uses PostgreSQL in the PostgreSQL pass, in a
    database of its own that is dropped afterwards; otherwise SQLite in its data dir."""
    from tests.browser.livesite import POSTGRES_URL, _admin_connection, drop_site_database, manage

    vendor, name = manage(tmp_path, "shell", "-c", PROBE_SITE_DATABASE).stdout.split("DB=")[1].strip().split("|")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        assert (vendor, name) == ("sqlite", str(tmp_path / "archive.sqlite3"))
        return
    assert vendor == "postgresql"
    assert name != dj_database_url.parse(POSTGRES_URL)["NAME"]  # not the in-process tests' database

    def exists() -> bool:
        with _admin_connection() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None

    assert exists()
    drop_site_database(tmp_path)
    assert not exists()
