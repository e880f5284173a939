"""Test settings: the real settings with throwaway storage and a fast password hasher."""

import tempfile
from pathlib import Path

from articles.cache import cache_config_from_url
from newsarchive.settings import *  # noqa: F403
from newsarchive.settings import DATA_DIR, HAYSTACK_CONNECTIONS

TEST_TMP = Path(tempfile.mkdtemp(prefix="newsarchive-tests-"))
HAYSTACK_CONNECTIONS["default"]["PATH"] = str(TEST_TMP / "whoosh_index")
MEDIA_ROOT = TEST_TMP / "media"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests read files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES = {"default": cache_config_from_url("locmem://", DATA_DIR)}
# In-process tests share one process-wide cache while their transactions never commit (so the
# content version never moves): whole-page caching is off here and tested on its own in
# tests/platform/test_cache.py, which turns it on.
PAGE_CACHE_SECONDS = 0
# In-process tests have no writer process: index tasks are applied right after each commit
# (articles/search/indexing.py). The queue itself, and the writer, are tested with this off.
NEWSARCHIVE_SEARCH_EAGER = True
# A write to an engine that is down fails at once here; the cluster fault tests turn retries on.
NEWSARCHIVE_SEARCH_WRITE_RETRY_SECONDS = 0
