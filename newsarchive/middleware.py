"""Read-only CORS for the JSON API (``/api/``), for the origins in ``settings.API_CORS_ORIGINS``.

Only GET and HEAD are ever allowed, without credentials: a page on another site may read the public
API, never act on it. Requests from other origins get no CORS header at all, so their browser keeps
the response from the page. Every ``/api/`` response varies on ``Origin`` for shared caches.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"


class ApiCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        origins = settings.API_CORS_ORIGINS
        origin = request.headers.get("Origin", "")
        allowed = bool(origin) and ("*" in origins or origin in origins)
        preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        if allowed and preflight:
            response = HttpResponse(status=204)
            if request.headers["Access-Control-Request-Method"].upper() in ("GET", "HEAD"):
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
                requested = request.headers.get("Access-Control-Request-Headers")
                if requested:
                    response["Access-Control-Allow-Headers"] = requested
            else:
                allowed = False  # a write: refused by leaving out every CORS header
        else:
            response = self.get_response(request)
        if allowed:
            response["Access-Control-Allow-Origin"] = "*" if "*" in origins else origin
        if origins and "*" not in origins:
            patch_vary_headers(response, ["Origin"])
        return response
