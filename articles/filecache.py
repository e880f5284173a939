"""Django's file-based cache, without a directory listing on every write.

``FileBasedCache.set()`` calls ``_cull()``, which lists the whole cache directory (a glob) before
every write to see whether it holds ``MAX_ENTRIES`` files. Under steady editing every page is a
miss and a write (each save retires the whole page-cache version), and the old versions' files
stay until culled: the idle load test's directory grew to 17,000 files and page times rose run
after run (article p50 52 -> 104 ms over seven runs). Here a process culls at most once every
``CULL_INTERVAL`` seconds, so the listing is paid once per interval instead of once per write;
the directory can pass ``MAX_ENTRIES`` by what the workers write in one interval, no more.

``add()`` and ``incr()`` are atomic across threads and processes here (Django's are a read then a write,
so two workers counting at once could both write 1): they hold an exclusive ``flock`` on one lock file in
the cache directory. The admin login throttle counts on them, and so does the page-cache version. ``incr()``
keeps the entry's expiry, as on Redis and memcached (Django's resets it to the default timeout).
"""

from __future__ import annotations

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL = 10.0
LOCK_FILE = "atomic.lock"  # not *.djcache: never culled, never read as an entry


class IntervalCullFileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self.cull_interval = float(options.get("CULL_INTERVAL", CULL_INTERVAL))
        self._next_cull = 0.0  # the first write of a process culls (a restart may find a full directory)

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.cull_interval
        super()._cull()

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        self._createdir()
        fd = os.open(os.path.join(self._dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._exclusive():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._exclusive():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "rb") as f:
                    expiry = pickle.load(f)
                    if expiry is not None and expiry < time.time():
                        raise FileNotFoundError(fname)
                    value = pickle.loads(zlib.decompress(f.read()))
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            new_value = value + delta
            timeout = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, new_value, timeout, version)
            return new_value
