"""Admin fixtures: a superuser, an editor in the editors group, and a clean cache per test."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from articles.signals import EDITORS_GROUP

PASSWORD = "kalimat-sirr-2015"


@pytest.fixture(autouse=True)
def _clear_cache():
    # The login throttle counts failures in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("rais", "rais@example.org", PASSWORD)


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("muharrir", "muharrir@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
