"""Admin login throttling: 5 failures for a username from an IP lock that pair out, right password or not.

Behind nginx every request comes from 127.0.0.1; with NEWSARCHIVE_TRUSTED_PROXIES the IP is the client's,
from X-Forwarded-For (the rules themselves: tests/security/test_client_ip.py).
"""

import threading

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from django.test import override_settings
from django.urls import reverse

from articles.cache import cache_config_from_url
from articles.client_ip import trusted_networks
from articles.throttle import LOCKED_MESSAGE
from tests.admin.conftest import PASSWORD
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")


def login(client, username, password, ip="127.0.0.1", forwarded_for=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client.post(LOGIN, {"username": username, "password": password, "next": INDEX}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, ip="127.0.0.1", forwarded_for=None):
    for _ in range(times):
        response = login(client, username, "wrong-password", ip, forwarded_for)
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


@override_settings(ADMIN_LOGIN_LOCKOUT_SECONDS=3)
def test_lockout_ends_when_the_window_passes(client, superuser):
    fail(client, "rais", 5)
    assert LOCKED_MESSAGE in login(client, "rais", PASSWORD).content.decode()
    # Refused attempts do not extend the lockout, so trying again and again gets in once it ends.
    wait_until(lambda: login(client, "rais", PASSWORD).status_code == 302, message="still locked out")


# --- Behind a reverse proxy ---------------------------------------------------------------------------

NGINX = "127.0.0.1"
BEHIND_NGINX = override_settings(NEWSARCHIVE_TRUSTED_PROXIES=trusted_networks(["127.0.0.1", "::1"]))
ATTACKER, EDITOR_HOME = "203.0.113.7", "198.51.100.20"


def test_without_trusted_proxies_everyone_behind_nginx_shares_one_count(client, superuser, caplog):
    # The default, unchanged: X-Forwarded-For is ignored and the IP is nginx's, so five failures from
    # one client lock the username for every client, and no header gets anyone out.
    fail(client, "rais", 5, ip=NGINX, forwarded_for=ATTACKER)
    response = login(client, "rais", PASSWORD, ip=NGINX, forwarded_for=EDITOR_HOME)
    assert LOCKED_MESSAGE in response.content.decode()
    assert "Admin login refused during lockout: username='rais' ip=127.0.0.1" in caplog.messages


@BEHIND_NGINX
def test_clients_behind_the_trusted_proxy_are_counted_apart(client, superuser, caplog):
    fail(client, "rais", 5, ip=NGINX, forwarded_for=ATTACKER)
    assert LOCKED_MESSAGE in login(client, "rais", PASSWORD, ip=NGINX, forwarded_for=ATTACKER).content.decode()
    # The editor at home, through the same nginx, is not locked out by the attacker's failures.
    response = login(client, "rais", PASSWORD, ip=NGINX, forwarded_for=EDITOR_HOME)
    assert response.status_code == 302
    assert response["Location"] == INDEX
    assert [r.getMessage() for r in caplog.records if r.name == "articles.throttle"] == [
        "Admin login locked for 900s after 5 failures: username='rais' ip=203.0.113.7",
        "Admin login refused during lockout: username='rais' ip=203.0.113.7",
    ]


@BEHIND_NGINX
def test_a_locked_client_cannot_escape_by_forging_x_forwarded_for(client, superuser):
    fail(client, "rais", 5, ip=NGINX, forwarded_for=ATTACKER)
    # Whatever the client puts in the header, a proxy appending to it (or nginx replacing it) leaves
    # the address it saw right-most; a request straight to gunicorn is not from a trusted proxy.
    for ip, forwarded_for in [
        (NGINX, f"{EDITOR_HOME}, {ATTACKER}"),
        (NGINX, f"10.1.2.3, 127.0.0.1, {ATTACKER}"),
        (NGINX, f"unknown, {ATTACKER}"),
        (NGINX, f"{EDITOR_HOME},{ATTACKER}"),
        (ATTACKER, EDITOR_HOME),
    ]:
        response = login(client, "rais", PASSWORD, ip=ip, forwarded_for=forwarded_for)
        assert response.status_code == 200, forwarded_for
        assert LOCKED_MESSAGE in response.content.decode(), forwarded_for
    assert "_auth_user_id" not in client.session


@BEHIND_NGINX
def test_forged_failures_count_against_the_forger_not_the_named_victim(client, superuser):
    # The attacker names the editor's address in the header: the failures are still the attacker's.
    fail(client, "rais", 5, ip=NGINX, forwarded_for=f"{EDITOR_HOME}, {ATTACKER}")
    assert LOCKED_MESSAGE in login(client, "rais", PASSWORD, ip=NGINX, forwarded_for=ATTACKER).content.decode()
    assert login(client, "rais", PASSWORD, ip=NGINX, forwarded_for=EDITOR_HOME).status_code == 302


@BEHIND_NGINX
def test_an_unreadable_header_from_the_proxy_counts_against_the_proxy(client, superuser):
    # No client address to count against: requests fall back to one shared count, as without the setting.
    fail(client, "rais", 5, ip=NGINX, forwarded_for="unknown")
    assert LOCKED_MESSAGE in login(client, "rais", PASSWORD, ip=NGINX, forwarded_for="garbage").content.decode()
    assert login(client, "rais", PASSWORD, ip=NGINX, forwarded_for=EDITOR_HOME).status_code == 302


# --- Parallel attempts ----------------------------------------------------------------------------------


class CountingHasher(PBKDF2PasswordHasher):
    """A real, slow PBKDF2 hasher that counts password checks, so parallel attempts overlap in the hash."""

    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)


PARALLEL = 16


@pytest.mark.parametrize("cache_url", ["file", "locmem://parallel-throttle"], ids=["file cache (default)", "locmem"])
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(tmp_path, cache_url):
    from django.contrib.auth.models import User
    from django.test import Client

    url = f"file://{tmp_path / 'cache'}" if cache_url == "file" else cache_url
    hasher = f"{__name__}.CountingHasher"
    with override_settings(CACHES={"default": cache_config_from_url(url, tmp_path)}, PASSWORD_HASHERS=[hasher]):
        User.objects.create_superuser("rais", "rais@example.org", PASSWORD)
        CountingHasher.checks = 0
        start = threading.Barrier(PARALLEL)
        pages: list[str] = []

        def attempt():
            try:
                start.wait(timeout=30)
                pages.append(login(Client(), "rais", "wrong-password").content.decode())
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert len(pages) == PARALLEL
        assert CountingHasher.checks == 5
        assert sum(LOCKED_MESSAGE in page for page in pages) == PARALLEL - 5
        # The right password is refused too, without a check, until the window passes.
        assert LOCKED_MESSAGE in login(Client(), "rais", PASSWORD).content.decode()
        assert CountingHasher.checks == 5
