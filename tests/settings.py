"""Test settings: the real settings with throwaway storage and a fast password hasher."""

import tempfile
from pathlib import Path

from newsarchive.settings import *  # noqa: F403
from newsarchive.settings import HAYSTACK_CONNECTIONS

TEST_TMP = Path(tempfile.mkdtemp(prefix="newsarchive-tests-"))
HAYSTACK_CONNECTIONS["default"]["PATH"] = str(TEST_TMP / "whoosh_index")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests read files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
