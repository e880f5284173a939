"""The data dir's permissions: the SQLite database (sessions, password hashes) and the secret key are private.

The directory is created 0750 (and an existing one loses every permission for others): nginx reads
``staticfiles/`` in it as a member of the service's group (docs/operations.md "Install"). The database and the
key file are created 0600 whatever the umask, and an existing one is closed to group and others. SQLite gives
its ``-wal`` and ``-shm`` files the database file's mode, so they follow.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o750
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o027:  # writable by the group, or anything for others
        path.chmod(mode & DIR_MODE)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if missing; close an existing one to group and others."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(FILE_MODE)
    else:
        os.close(fd)


def write_private(path: Path, text: str) -> None:
    """Write a new file that is 0600 from its first byte (no window in which others could read it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w") as out:
        out.write(text)
