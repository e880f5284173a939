"""Admin login throttling: 5 failures for a username from an IP lock that pair out, right password or not."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from articles.throttle import LOCKED_MESSAGE
from tests.admin.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")


def login(client, username, password, ip="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password, "next": INDEX}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="127.0.0.1"):
    for _ in range(times):
        response = login(client, username, "wrong-password", ip)
        assert response.status_code == 200
        assert LOCKED_MESSAGE not in response.content.decode()


def test_right_password_logs_in(client, superuser):
    response = login(client, "rais", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == INDEX


def test_five_failures_lock_out_the_right_password(client, superuser, caplog):
    fail(client, "rais", 5)
    response = login(client, "rais", PASSWORD)
    assert response.status_code == 200
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(INDEX).status_code == 302
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("articles.throttle", "WARNING", "Admin login locked for 900s after 5 failures: username='rais' ip=127.0.0.1"),
        ("articles.throttle", "WARNING", "Admin login refused during lockout: username='rais' ip=127.0.0.1"),
    ]


def test_four_failures_do_not_lock_and_success_resets_the_count(client, superuser):
    fail(client, "rais", 4)
    assert login(client, "rais", PASSWORD).status_code == 302
    client.logout()
    fail(client, "rais", 4)
    assert login(client, "rais", PASSWORD).status_code == 302


def test_lockout_is_per_username_and_ip(client, superuser, editor):
    fail(client, "rais", 5, ip="10.0.0.1")
    assert LOCKED_MESSAGE in login(client, "RAIS", PASSWORD, ip="10.0.0.1").content.decode()
    assert login(client, "muharrir", PASSWORD, ip="10.0.0.1").status_code == 302
    client.logout()
    assert login(client, "rais", PASSWORD, ip="10.0.0.2").status_code == 302


@override_settings(ADMIN_LOGIN_LOCKOUT_SECONDS=1)
def test_lockout_ends_when_the_window_passes(client, superuser):
    fail(client, "rais", 5)
    assert LOCKED_MESSAGE in login(client, "rais", PASSWORD).content.decode()
    time.sleep(1.2)
    assert login(client, "rais", PASSWORD).status_code == 302
