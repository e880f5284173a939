"""Page caching and its invalidation.

One site-wide *version* number lives in the cache. Every cached page's key contains the version
current when it was stored, so bumping the version (on any change to what pages show: articles,
their paragraphs and related links, sections, publications, briefs, variant sets) makes every
cached page unreachable at once; the old entries simply expire. There is no list of "pages that
show article X" to keep right, and an edit is never half-invalidated.

``PageCacheMiddleware`` caches whole responses for anonymous GET requests only, for
``PAGE_CACHE_SECONDS`` (default 300). The timeout still matters: pages also change with time alone
(a scheduled article becomes visible, the ticker rolls), with no save to bump the version.
Never cached: logged-in users, ``/admin/``, responses that set a cookie (a CSRF token is per
visitor), that vary on Cookie or Authorization, or that say private/no-store, and non-200 answers.

Conditional GET: Django's ``ConditionalGetMiddleware`` placed *outside* this middleware answers
``If-None-Match`` / ``If-Modified-Since`` with 304 for fresh and cached pages alike. Cached pages
carry their ETag, computed once when stored. ``LastModifiedMixin`` gives detail views a
``Last-Modified`` from the object's ``modified`` field; the syndication feeds set theirs already.

The version must be seen by every process that serves pages: with several gunicorn workers use a
shared cache (``file://``, ``redis://``; see ``cache_config_from_url``). A per-process ``locmem://``
cache only invalidates the worker that handled the edit; the others catch up after the timeout.

This module is safe to import from settings (``cache_config_from_url``): models are imported
only when signals are connected.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, has_vary_header, set_response_etag
from django.utils.http import http_date

VERSION_KEY = "newsarchive:site-version"
PAGE_KEY_PREFIX = "newsarchive:page"
DEFAULT_TIMEOUT = 300
# Changes to any of these change what some page shows.
CONTENT_MODELS = ("Article", "Paragraph", "RelatedLink", "Section", "Publication", "Brief", "VariantSet")


# --- Settings helper -------------------------------------------------------------------------


def cache_config_from_url(url: str, data_dir: Path | str, key_prefix: str = "newsarchive") -> dict:
    """A ``CACHES["default"]`` dict from ``NEWSARCHIVE_CACHE_URL``.

    ``""``           file-based cache in ``DATA_DIR/cache`` (shared by the gunicorn workers of one host)
    ``file:///path`` file-based cache in ``/path``
    ``locmem://``    per-process memory (tests, or a single worker)
    ``dummy://``     no caching at all
    ``redis://host:6379/0``, ``rediss://...``, ``unix:///run/redis.sock?db=0``  Django's RedisCache
    Query parameters ``timeout`` (seconds) and ``max_entries`` apply to every backend that has them.
    """
    parts = urlsplit(url or f"file://{Path(data_dir) / 'cache'}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    config: dict = {"KEY_PREFIX": key_prefix}
    if "timeout" in query:
        config["TIMEOUT"] = int(query.pop("timeout"))
    options: dict = {}
    if "max_entries" in query:
        options["MAX_ENTRIES"] = int(query.pop("max_entries"))
    scheme = parts.scheme
    if scheme == "file":
        config["BACKEND"] = "articles.filecache.IntervalCullFileCache"
        config["LOCATION"] = unquote(parts.path)
        options.setdefault("MAX_ENTRIES", 20000)
    elif scheme == "locmem":
        config["BACKEND"] = "django.core.cache.backends.locmem.LocMemCache"
        config["LOCATION"] = parts.netloc or "newsarchive"
        options.setdefault("MAX_ENTRIES", 5000)
    elif scheme == "dummy":
        config["BACKEND"] = "django.core.cache.backends.dummy.DummyCache"
    elif scheme in {"redis", "rediss", "unix"}:
        # Django's RedisCache hands the URL (db, password, socket path included) to redis-py as is.
        config["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
        rest = "&".join(f"{k}={v}" for k, v in query.items())
        config["LOCATION"] = f"{scheme}://{parts.netloc}{parts.path}" + (f"?{rest}" if rest else "")
    else:
        raise ValueError(f"unsupported cache URL scheme {scheme!r} in {url!r}")
    if options:
        config["OPTIONS"] = options
    return config


# --- Version -----------------------------------------------------------------------------------


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def current_version() -> int:
    """The site-wide content version; set on first use (also after the cache lost it)."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # A clock value, not 1: if the key was evicted, restarting at 1 could revive old pages.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def bump_version() -> int:
    """Invalidate every cached page. Atomic on Redis; call after bulk writes that send no signals."""
    cache = _cache()
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # missing key
        version = time.time_ns()
        cache.set(VERSION_KEY, version, timeout=None)
        return version


def _on_content_change(sender, **kwargs) -> None:
    # After commit: bumping earlier would let a request re-cache the old content under the new
    # version before the change is visible. Outside a transaction this runs at once.
    transaction.on_commit(bump_version, using=kwargs.get("using"))


def connect_signals() -> None:
    """Bump the version when content changes (idempotent; call from ``AppConfig.ready``)."""
    from django.apps import apps

    for name in CONTENT_MODELS:
        model = apps.get_model("articles", name)
        post_save.connect(_on_content_change, sender=model, dispatch_uid=f"page-cache-save-{name}")
        post_delete.connect(_on_content_change, sender=model, dispatch_uid=f"page-cache-delete-{name}")


# --- Middleware --------------------------------------------------------------------------------


def page_key(request: HttpRequest, version: int) -> str:
    url = f"{request.get_host()}{request.get_full_path()}"
    return f"{PAGE_KEY_PREFIX}:{version}:{hashlib.sha256(url.encode()).hexdigest()}"


class PageCacheMiddleware:
    """Serve anonymous GETs from the cache, keyed by URL and the site version.

    Place it after ``AuthenticationMiddleware`` (it needs ``request.user``) and inside
    ``ConditionalGetMiddleware``. Responses get ``X-Page-Cache: hit|miss`` for operators and tests.
    """

    excluded_prefixes: tuple[str, ...] = ("/admin/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.timeout = int(getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT))
        self.excluded = tuple(getattr(settings, "PAGE_CACHE_EXCLUDED_PREFIXES", self.excluded_prefixes))
        connect_signals()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.request_is_cacheable(request):
            return self.get_response(request)
        cache = _cache()
        key = page_key(request, current_version())
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.response_is_cacheable(response):
            set_response_etag(response)
            cache.set(key, response, self.timeout)
            response["X-Page-Cache"] = "miss"
        return response

    def request_is_cacheable(self, request: HttpRequest) -> bool:
        if self.timeout <= 0 or request.method != "GET" or request.path.startswith(self.excluded):
            return False
        if "HTTP_AUTHORIZATION" in request.META:
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated

    def response_is_cacheable(self, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if has_vary_header(response, "Cookie") or has_vary_header(response, "Authorization"):
            return False
        directives = {d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
        return not directives & {"private", "no-store", "no-cache"}


# --- Views -------------------------------------------------------------------------------------


class LastModifiedMixin:
    """For single-object views: ``Last-Modified`` from ``self.object.<last_modified_field>``.

    ``ConditionalGetMiddleware`` then answers ``If-Modified-Since`` with 304. Browsers also send
    ``If-None-Match``, which takes precedence and covers the parts of the page around the object.
    """

    last_modified_field = "modified"

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        value = getattr(getattr(self, "object", None), self.last_modified_field, None)
        if value is not None and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(value.timestamp())
        return response
