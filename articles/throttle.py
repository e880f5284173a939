"""Brute-force throttling of the admin login (issue 3).

After ``ADMIN_LOGIN_MAX_FAILURES`` (5) failed logins for one username from one IP address, every
further attempt for that pair is refused, even with the right password, until
``ADMIN_LOGIN_LOCKOUT_SECONDS`` (15 minutes) have passed since the last failure. Refused attempts
do not check the password and do not extend the lockout. A successful login clears the count.

Each attempt is counted *before* its password is checked (``cache.add`` then ``cache.incr``, atomic on
every backend the archive configures, the file cache included: articles/filecache.py), and an attempt whose
count passes the limit is refused unchecked. Counting after the slow hash let parallel attempts all pass the
check while the count was still low: 16 at once got 16 password checks instead of 5.

The counter lives in Django's default cache. With several gunicorn workers that cache must be shared
(file, database, memcached or redis): a per-process LocMemCache gives each worker its own count.
The IP is REMOTE_ADDR, or behind the proxies in ``NEWSARCHIVE_TRUSTED_PROXIES`` the client's address
from X-Forwarded-For (articles/client_ip.py); without that setting REMOTE_ADDR behind nginx is nginx,
and the limit becomes per username (anyone could lock an editor out).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from articles.client_ip import resolve_client_ip

logger = logging.getLogger(__name__)

LOCKED_MESSAGE = "تجاوزت عدد محاولات الدخول المسموح بها لهذا الحساب. حاول مرة أخرى بعد ربع ساعة."


def max_failures() -> int:
    return getattr(settings, "ADMIN_LOGIN_MAX_FAILURES", 5)


def lockout_seconds() -> int:
    return getattr(settings, "ADMIN_LOGIN_LOCKOUT_SECONDS", 15 * 60)


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return resolve_client_ip(request.META, getattr(settings, "NEWSARCHIVE_TRUSTED_PROXIES", ()))


def _key(username: str, ip: str) -> str:
    # Hashed: usernames may hold characters that memcached keys do not allow.
    digest = hashlib.sha256(f"{username.casefold()}\n{ip}".encode()).hexdigest()
    return f"admin-login-failures:{digest}"


def is_locked(username: str, ip: str) -> bool:
    return cache.get(_key(username, ip), 0) >= max_failures()


def record_failure(username: str, ip: str) -> int:
    """Count one login attempt (a failure until it succeeds) and return the count within the current window."""
    key, window = _key(username, ip), lockout_seconds()
    if cache.add(key, 1, window):
        return 1
    try:
        failures = cache.incr(key)  # atomic on locmem, memcached and redis
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, window)
        return 1
    # Some backends reset the timeout on incr(); restart the window from this attempt everywhere.
    cache.touch(key, window)
    return failures


def reset(username: str, ip: str) -> None:
    cache.delete(_key(username, ip))


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing a username+IP pair that failed too often (``admin.site.login_form``)."""

    error_messages = {**AdminAuthenticationForm.error_messages, "throttled": LOCKED_MESSAGE}

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        attempt = 0
        if username:
            # A locked pair is refused without counting (the window does not move); otherwise the attempt is
            # counted first, and one that another request beat to the last allowed check is refused too.
            attempt = max_failures() + 1 if is_locked(username, ip) else record_failure(username, ip)
            if attempt > max_failures():
                logger.warning("Admin login refused during lockout: username=%r ip=%s", username, ip)
                raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned_data = super().clean()
        except ValidationError:
            if attempt == max_failures():
                logger.warning(
                    "Admin login locked for %ss after %d failures: username=%r ip=%s",
                    lockout_seconds(),
                    attempt,
                    username,
                    ip,
                )
            raise
        reset(username, ip)
        return cleaned_data
