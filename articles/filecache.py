"""Django's file-based cache, without a directory listing on every write.

``FileBasedCache.set()`` calls ``_cull()``, which lists the whole cache directory (a glob) before
every write to see whether it holds ``MAX_ENTRIES`` files. Under steady editing every page is a
miss and a write (each save retires the whole page-cache version), and the old versions' files
stay until culled: the idle load test's directory grew to 17,000 files and page times rose run
after run (article p50 52 -> 104 ms over seven runs). Here a process culls at most once every
``CULL_INTERVAL`` seconds, so the listing is paid once per interval instead of once per write;
the directory can pass ``MAX_ENTRIES`` by what the workers write in one interval, no more.
"""

from __future__ import annotations

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL = 10.0


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
