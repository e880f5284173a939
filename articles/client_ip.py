"""The client's IP address, believing ``X-Forwarded-For`` only from trusted reverse proxies.

``REMOTE_ADDR`` is the peer of gunicorn's socket: behind nginx that is nginx (127.0.0.1) for every
client, and gunicorn does not rewrite it. ``NEWSARCHIVE_TRUSTED_PROXIES`` names the proxies (IPs or
CIDR networks) whose ``X-Forwarded-For`` is believed; empty, the default, believes nobody and the
client is ``REMOTE_ADDR``, as if the header did not exist.

Each proxy appends the address of the peer it received the request from, so an entry is reliable only
when the proxy that wrote it is trusted, that is, when ``REMOTE_ADDR`` and every entry to its right
are trusted. Hence the rule: from the right, skip trusted proxies and take the first untrusted address.
Everything further left was written by the client (or by proxies it chose) and is never read; the
left-most entry in particular is whatever the client sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str | Network]) -> tuple[Network, ...]:
    """Parse ``["127.0.0.1", "::1", "10.0.0.0/8"]``; a bad entry is an error, never silently dropped.

    A dropped typo would quietly switch the throttle back to one count per username behind the proxy.
    """
    networks = []
    for value in values:
        try:
            # strict=False: "10.1.2.3/8" means the network 10.0.0.0/8, as in nginx's set_real_ip_from.
            network = value if isinstance(value, Network) else ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            message = f"NEWSARCHIVE_TRUSTED_PROXIES: {value!r} is not an IP address or CIDR network"
            raise ImproperlyConfigured(message) from None
        networks.append(network)
    return tuple(networks)


def _address(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        # An IPv4 client seen through a dual-stack socket (::ffff:192.0.2.1) is the IPv4 client.
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def resolve_client_ip(meta: Mapping[str, str], trusted: Iterable[str | Network]) -> str:
    """The client's address from a request's ``META`` (``REMOTE_ADDR``, ``HTTP_X_FORWARDED_FOR``).

    Returns ``REMOTE_ADDR`` unchanged ("" when missing) unless it is a trusted proxy; otherwise the
    right-most untrusted ``X-Forwarded-For`` entry, normalised by ``ipaddress`` (one spelling per address).
    """
    remote_addr = meta.get("REMOTE_ADDR", "")
    networks = trusted_networks(trusted)
    peer = _address(remote_addr) if networks else None
    if peer is None or not _is_trusted(peer, networks):
        return remote_addr
    # Several X-Forwarded-For header lines arrive joined by "," (WSGI), the same as one list.
    entries = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if entries == [""]:
        return remote_addr  # a trusted proxy that forwards no address, e.g. a health check on localhost
    for entry in reversed(entries):
        address = _address(entry)
        if address is None:
            # Every entry right of this one is a trusted proxy, so a trusted proxy wrote this one, but
            # what it wrote is not an address ("unknown", "1.2.3.4:567", "", junk). The client's
            # address is not known; what lies further left was written by that unknown sender and may
            # be forged, so it is never read. Fall back to REMOTE_ADDR, the key used without the
            # setting: every such request then shares the proxy's count (the throttle is per username,
            # as before the setting existed), which can be too strict, never a way around a lockout.
            return remote_addr
        if not _is_trusted(address, networks):
            return str(address)
    # Every hop is a trusted proxy (e.g. a request made from the proxy host itself): the left-most
    # entry was still written by a trusted proxy, so it is the most distant known sender.
    return str(address)
