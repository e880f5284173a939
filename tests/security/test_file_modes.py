"""The data dir holds the SQLite database (sessions, password hashes) and the secret key: nobody else may read them.

The data dir's SQLite database even in the PostgreSQL pass (these are modes of SQLite's files).
Checked on a fresh data dir under the usual umask 022 (which alone would make every new file world-readable),
and on an existing one left open by an older version.
"""

import os
import stat
from contextlib import contextmanager

from tests.browser.livesite import manage, site_env


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(data_dir) -> dict[str, int]:
    found = {"": stat.S_IMODE(data_dir.stat().st_mode)}
    for name in ["archive.sqlite3", "archive.sqlite3-wal", "archive.sqlite3-shm", "secret_key"]:
        if (data_dir / name).exists():
            found[name] = stat.S_IMODE((data_dir / name).stat().st_mode)
    return found


def test_a_fresh_data_dir_is_private_after_migrate(tmp_path):
    data_dir = tmp_path / "data"
    with umask(0o022):
        manage(data_dir, "migrate", "--noinput", "-v0", env=site_env(data_dir, sqlite=True))
        # A second process opens the database in WAL mode: its -wal and -shm files take the database's mode.
        manage(
            data_dir,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; User.objects.count()",
            env=site_env(data_dir, sqlite=True),
        )
    found = modes(data_dir)
    assert found.pop("") == 0o750
    assert found["archive.sqlite3"] == 0o600 and found["secret_key"] == 0o600
    assert set(found.values()) == {0o600}, found


def test_an_existing_world_readable_data_dir_is_closed(tmp_path):
    data_dir = tmp_path / "data"
    with umask(0o022):
        manage(data_dir, "migrate", "--noinput", "-v0", env=site_env(data_dir, sqlite=True))
    data_dir.chmod(0o755)
    for name in ["archive.sqlite3", "secret_key"]:
        (data_dir / name).chmod(0o644)
    with umask(0o022):
        manage(data_dir, "check", env=site_env(data_dir, sqlite=True))
    found = modes(data_dir)
    assert found.pop("") == 0o750
    assert set(found.values()) == {0o600}, found
