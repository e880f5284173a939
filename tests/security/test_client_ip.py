"""articles/client_ip.py: X-Forwarded-For is believed only from trusted proxies, read from the right.

The admin login throttle counts per client address; these are the rules that decide that address.
The throttle itself, through the real login view, is tested in tests/admin/test_login_throttle.py.
"""

from __future__ import annotations

import configparser
import ipaddress

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from articles.client_ip import resolve_client_ip, trusted_networks
from tests.browser.livesite import manage, site_env

NGINX = "127.0.0.1"
LOCAL = ["127.0.0.1", "::1"]  # what the shipped deploy trusts: the nginx on the same host


def ip(remote_addr: str | None, forwarded_for: str | None = None, trusted=()) -> str:
    meta = {}
    if remote_addr is not None:
        meta["REMOTE_ADDR"] = remote_addr
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return resolve_client_ip(meta, trusted)


# --- No proxy configured: exactly the old behaviour ------------------------------------------------


@pytest.mark.parametrize(
    "remote_addr, forwarded_for",
    [
        ("203.0.113.7", None),
        ("203.0.113.7", "198.51.100.20"),
        (NGINX, "198.51.100.20"),  # behind a proxy but none trusted: the proxy, not the header
        ("2001:DB8::7", "198.51.100.20"),  # returned as given, not normalised
        ("not-an-ip", "198.51.100.20"),
    ],
)
def test_without_trusted_proxies_the_header_is_ignored(remote_addr, forwarded_for):
    assert ip(remote_addr, forwarded_for) == remote_addr
    assert ip(remote_addr, forwarded_for, trusted=[]) == remote_addr


def test_missing_remote_addr_is_empty():
    assert ip(None, "198.51.100.20") == ""
    assert ip(None, "198.51.100.20", trusted=LOCAL) == ""


def test_a_client_that_is_not_a_trusted_proxy_cannot_forward():
    # Someone reaching gunicorn directly (not through nginx) claims to be another address.
    assert ip("192.0.2.50", "198.51.100.20", trusted=LOCAL) == "192.0.2.50"
    assert ip("192.0.2.50", "127.0.0.1", trusted=LOCAL) == "192.0.2.50"


# --- Trusted proxies: the right-most untrusted entry ------------------------------------------------


def test_one_trusted_proxy_names_the_client():
    assert ip(NGINX, "203.0.113.7", trusted=LOCAL) == "203.0.113.7"
    assert ip(NGINX, " 203.0.113.7 ", trusted=LOCAL) == "203.0.113.7"


@pytest.mark.parametrize(
    "forwarded_for",
    [
        "198.51.100.20, 203.0.113.7",  # the client sent its victim's address, nginx appended the real one
        "127.0.0.1, 203.0.113.7",  # ... or claimed to be the trusted proxy itself
        "10.0.0.1, 8.8.8.8, 198.51.100.20,203.0.113.7",
        "unknown, [::1]:80, 203.0.113.7",  # junk the client wrote is never even parsed
    ],
)
def test_spoofed_left_entries_are_never_read(forwarded_for):
    assert ip(NGINX, forwarded_for, trusted=LOCAL) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_skipped():
    trusted = ["127.0.0.1", "10.0.0.0/24"]  # nginx, behind a load balancer pair on 10.0.0.x
    assert ip(NGINX, "203.0.113.7, 10.0.0.2", trusted=trusted) == "203.0.113.7"
    assert ip(NGINX, "198.51.100.20, 203.0.113.7, 10.0.0.3, 10.0.0.2", trusted=trusted) == "203.0.113.7"
    # The load balancer talking to the app directly is trusted too.
    assert ip("10.0.0.2", "203.0.113.7", trusted=trusted) == "203.0.113.7"


def test_an_untrusted_hop_in_the_chain_is_the_client():
    # 198.51.100.9 is some proxy nobody configured: it may have made up everything to its left.
    trusted = ["127.0.0.1", "10.0.0.0/24"]
    assert ip(NGINX, "203.0.113.7, 198.51.100.9, 10.0.0.2", trusted=trusted) == "198.51.100.9"


def test_cidr_networks():
    trusted = ["10.0.0.0/8", "172.16.0.0/12"]
    assert ip("10.200.3.4", "203.0.113.7, 172.31.255.254, 10.1.1.1", trusted=trusted) == "203.0.113.7"
    # Just outside both networks: 11.0.0.1 as the peer is not trusted, 172.32.0.1 in the chain is the client.
    assert ip("11.0.0.1", "203.0.113.7", trusted=trusted) == "11.0.0.1"
    assert ip("10.0.0.1", "203.0.113.7, 172.32.0.1", trusted=trusted) == "172.32.0.1"


def test_ipv6():
    assert ip("::1", "2001:db8::7", trusted=LOCAL) == "2001:db8::7"
    assert ip("::1", "203.0.113.7", trusted=LOCAL) == "203.0.113.7"
    assert ip(NGINX, "2001:db8::7", trusted=LOCAL) == "2001:db8::7"
    # One spelling per address, so one count per client.
    assert ip("::1", "2001:DB8:0:0:0:0:0:7", trusted=LOCAL) == "2001:db8::7"
    trusted = ["::1", "2001:db8:ffff::/48"]
    assert ip("::1", "2001:db8::7, 2001:db8:ffff:1::2", trusted=trusted) == "2001:db8::7"
    assert ip("2001:db8:ffff::9", "2001:db8::7", trusted=trusted) == "2001:db8::7"
    assert ip("2001:db8:fffe::9", "2001:db8::7", trusted=trusted) == "2001:db8:fffe::9"


def test_ipv4_seen_through_a_dual_stack_socket_is_ipv4():
    assert ip("::ffff:127.0.0.1", "203.0.113.7", trusted=["127.0.0.1"]) == "203.0.113.7"
    assert ip(NGINX, "::ffff:203.0.113.7", trusted=LOCAL) == "203.0.113.7"


def test_an_ipv6_network_does_not_trust_ipv4_and_back():
    assert ip(NGINX, "203.0.113.7", trusted=["::1"]) == NGINX
    assert ip("::1", "203.0.113.7", trusted=["127.0.0.1"]) == "::1"


def test_when_every_hop_is_trusted_the_left_most_is_the_client():
    # e.g. a check run with curl on the nginx host itself: every entry was written by a trusted proxy.
    assert ip(NGINX, "127.0.0.1", trusted=LOCAL) == "127.0.0.1"
    assert ip(NGINX, "10.0.0.5, 127.0.0.1", trusted=["127.0.0.1", "10.0.0.0/8"]) == "10.0.0.5"


def test_a_trusted_proxy_without_the_header_is_the_client():
    assert ip(NGINX, None, trusted=LOCAL) == NGINX
    assert ip(NGINX, "", trusted=LOCAL) == NGINX


def test_several_header_lines_read_as_one_list():
    # WSGI servers join repeated header lines with ",".
    assert ip(NGINX, "198.51.100.20,203.0.113.7", trusted=LOCAL) == "203.0.113.7"


@pytest.mark.parametrize(
    "forwarded_for",
    [
        "unknown",
        "203.0.113.7:51234",  # a port
        "[2001:db8::7]",
        "[2001:db8::7]:443",
        "203.0.113",
        "203.0.113.256",
        "010.0.0.1",  # leading zeros: octal to some parsers, refused by ipaddress
        "١٢٧.٠.٠.١",  # Arabic-Indic digits, which int() would accept
        "203.0.113.7 198.51.100.20",
        " ",
        ",",
        "203.0.113.7,",  # an empty right-most entry
        "198.51.100.20, , 203.0.113.7x",
        "\x00",
        "a" * 8000,
        "1.1.1.1, " * 1000 + "garbage",
    ],
)
def test_garbage_falls_back_to_remote_addr(forwarded_for):
    # What a trusted proxy wrote is not an address: the client is unknown, so the proxy's own address
    # (the key without the setting) is used; nothing left of the garbage is believed.
    assert ip(NGINX, forwarded_for, trusted=LOCAL) == NGINX


def test_garbage_behind_a_chain_falls_back_to_remote_addr_not_to_entries_further_left():
    trusted = ["127.0.0.1", "10.0.0.0/24"]
    assert ip(NGINX, "203.0.113.7, unknown, 10.0.0.2", trusted=trusted) == NGINX
    assert ip(NGINX, "203.0.113.7, , 10.0.0.2", trusted=trusted) == NGINX


def test_garbage_the_client_wrote_left_of_its_address_does_not_matter():
    assert ip(NGINX, "garbage, ,, 203.0.113.7", trusted=LOCAL) == "203.0.113.7"


# --- The setting ---------------------------------------------------------------------------------------


def test_trusted_networks_parses_addresses_and_cidrs():
    assert trusted_networks([" 127.0.0.1", "::1 ", "10.1.2.3/8", "2001:db8::/32"]) == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("2001:db8::/32"),
    )
    assert trusted_networks([]) == ()
    parsed = trusted_networks(["127.0.0.1"])
    assert trusted_networks(parsed) == parsed  # already parsed (settings) or strings (override_settings)


@pytest.mark.parametrize("bad", ["127.0.0.1;::1", "localhost", "10.0.0.0/33", "*", "127.0.0.1:8000"])
def test_a_bad_trusted_proxy_is_an_error_not_skipped(bad):
    with pytest.raises(ImproperlyConfigured) as error:
        trusted_networks(["127.0.0.1", bad])
    assert str(error.value) == f"NEWSARCHIVE_TRUSTED_PROXIES: {bad!r} is not an IP address or CIDR network"


def test_default_setting_trusts_nobody():
    assert settings.NEWSARCHIVE_TRUSTED_PROXIES == ()


SHOW = "from django.conf import settings; print('TRUSTED=' + repr(settings.NEWSARCHIVE_TRUSTED_PROXIES))"


def test_setting_from_the_environment(tmp_path):
    env = site_env(tmp_path, NEWSARCHIVE_TRUSTED_PROXIES=" 127.0.0.1, ::1,,10.0.0.0/24 ")
    out = manage(tmp_path, "shell", "-c", SHOW, env=env).stdout
    assert out.split("TRUSTED=", 1)[1].strip() == (
        "(IPv4Network('127.0.0.1/32'), IPv6Network('::1/128'), IPv4Network('10.0.0.0/24'))"
    )


def test_a_bad_setting_stops_the_site_from_starting(tmp_path):
    env = site_env(tmp_path, NEWSARCHIVE_TRUSTED_PROXIES="127.0.0.1 ::1")
    result = manage(tmp_path, "shell", "-c", SHOW, env=env, check=False)
    assert result.returncode == 1
    assert "TRUSTED=" not in result.stdout
    assert (
        "ImproperlyConfigured: NEWSARCHIVE_TRUSTED_PROXIES: '127.0.0.1 ::1' is not an IP address or CIDR network"
        in result.stderr
    )


def test_the_shipped_unit_trusts_the_local_nginx_it_binds_for():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(settings.BASE_DIR / "deploy" / "newsarchive.service")
    environment = dict(item.split("=", 1) for item in unit["Service"]["Environment"].split())
    assert environment["NEWSARCHIVE_BIND"] == "127.0.0.1:8000"
    assert environment["NEWSARCHIVE_TRUSTED_PROXIES"] == "127.0.0.1,::1"
    nginx = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert "server 127.0.0.1:8000 " in nginx
    proxy = (settings.BASE_DIR / "deploy" / "newsarchive-proxy.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy.splitlines()
