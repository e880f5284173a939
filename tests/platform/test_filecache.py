"""The file cache culls at most once per interval per process, and still keeps to MAX_ENTRIES."""

from __future__ import annotations

import time

from articles.filecache import IntervalCullFileCache


class CountingCache(IntervalCullFileCache):
    """Counts the directory listings (the cost being avoided); the cache itself is the real one."""

    listings = 0

    def _list_cache_files(self):
        self.listings += 1
        return super()._list_cache_files()


def files(directory) -> int:
    return sum(1 for p in directory.iterdir() if p.name.endswith(".djcache"))


def test_one_listing_per_interval_not_per_write(tmp_path):
    cache = CountingCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 1000, "CULL_INTERVAL": 3600}})
    for i in range(200):
        cache.set(f"page-{i}", "x" * 100)
    assert cache.listings == 1  # the first write of the process; Django's FileBasedCache: 200
    assert files(tmp_path) == 200
    assert cache.get("page-199") == "x" * 100


def test_culls_again_once_the_interval_has_passed(tmp_path):
    # A long interval, so however slowly the 60 writes go they all fall in the first one.
    cache = CountingCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": 3, "CULL_INTERVAL": 3600}})
    for i in range(60):
        cache.set(f"page-{i}", "x")
    assert files(tmp_path) == 60  # over MAX_ENTRIES by what one interval wrote
    assert cache.listings == 1
    # The interval is over (the clock is not ours to move: the deadline of the next cull is).
    cache._next_cull = time.monotonic()
    cache.set("page-60", "x")
    # Django's cull: a third of the 60 files removed, then the new one written.
    assert files(tmp_path) == 60 - 60 // 3 + 1
    assert cache.listings == 2
    cache.set("page-61", "x")  # and not again within the new interval
    assert cache.listings == 2
