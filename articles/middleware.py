"""Content-Security-Policy for every response (Django 5.2 has no built-in CSP; 6.0 adds one).

The site ships no inline script or style and loads nothing from other origins (self-hosted fonts,
no CDN), so one strict policy covers every page, the admin included: Django 5.2's admin passes
its data to JavaScript through ``data-`` attributes on ``<script src>`` tags, not inline code, and
its templates carry no ``style=`` attributes (checked in the browser by tests/browser/test_csp.py,
which fails on any ``securitypolicyviolation`` event on public and admin pages).

``img-src data:`` is for the small SVG icons CSS may inline; nothing else is relaxed. A view that
needs a different policy can set its own ``Content-Security-Policy`` header: it is left alone.
The other security headers (nosniff, Referrer-Policy, X-Frame-Options, HSTS behind TLS) come from
Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` via settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def build_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Add ``Content-Security-Policy`` (from ``settings.CONTENT_SECURITY_POLICY`` if set) to responses."""

    header = "Content-Security-Policy"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy(getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header not in response:
            response[self.header] = self.policy
        return response
