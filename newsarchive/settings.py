"""Settings for the news archive.

Everything an operator may change comes from environment variables (``NEWSARCHIVE_*``,
``DATABASE_URL``) with defaults that are safe for one machine: SQLite and the Whoosh
index live under ``DATA_DIR``, ``DEBUG`` is off unless asked for, and a secret key is
generated into ``DATA_DIR`` on first run when none is given.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from articles.cache import cache_config_from_url
from articles.client_ip import trusted_networks
from articles.search.engine_url import haystack_connection
from newsarchive.datadir import private_dir, private_file, write_private


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Paths -------------------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NEWSARCHIVE_DATA_DIR", BASE_DIR / "var")).resolve()
# The read-only corpus and seed pages sit beside the repository, never inside it.
SHARED_DIR = Path(os.environ.get("NEWSARCHIVE_SHARED_DIR", BASE_DIR.parent / "shared")).resolve()
private_dir(DATA_DIR)  # 0750; the database and the secret key in it 0600 (newsarchive/datadir.py)

# --- Security ----------------------------------------------------------------------------
DEBUG = env_bool("NEWSARCHIVE_DEBUG")
PRODUCTION = env_bool("NEWSARCHIVE_PRODUCTION")


def _secret_key() -> str:
    key = os.environ.get("NEWSARCHIVE_SECRET_KEY", "").strip()
    if key:
        return key
    if PRODUCTION:
        # A generated key in production would silently log everyone out on a new machine.
        raise ImproperlyConfigured("NEWSARCHIVE_SECRET_KEY must be set when NEWSARCHIVE_PRODUCTION is on.")
    key_file = DATA_DIR / "secret_key"
    try:
        write_private(key_file, secrets.token_urlsafe(50))
    except FileExistsError:  # the usual case; or another process wrote it first
        private_file(key_file)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("NEWSARCHIVE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("NEWSARCHIVE_CSRF_TRUSTED_ORIGINS", "")
# Reverse proxies (IPs or CIDRs) whose X-Forwarded-For names the client, for the admin login throttle
# (articles/client_ip.py). Empty: trust nobody, the client is REMOTE_ADDR. Behind deploy/nginx.conf: 127.0.0.1,::1.
NEWSARCHIVE_TRUSTED_PROXIES = trusted_networks(env_list("NEWSARCHIVE_TRUSTED_PROXIES", ""))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("NEWSARCHIVE_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("NEWSARCHIVE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Apps --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "haystack",
    "reversion",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise right after SecurityMiddleware, so static files skip the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache: CORS headers depend on the request's Origin, cached pages do not.
    "newsarchive.middleware.ApiCorsMiddleware",
    # Outside the page cache, so cached and fresh pages alike answer If-None-Match with 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: logged-in users are never served or stored from the page cache.
    "articles.cache.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "newsarchive.urls"
WSGI_APPLICATION = "newsarchive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Revisions (django-reversion) are stored in this format: JSON with datetimes to the microsecond.
SERIALIZATION_MODULES = {"revision_json": "articles.revision_format"}

# --- Database ----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'archive.sqlite3'}"),
        conn_max_age=int(os.environ.get("NEWSARCHIVE_DB_CONN_MAX_AGE", 60)),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Created 0600 before SQLite creates it under the umask (an empty file is a valid new database).
    _sqlite_file = Path(DATABASES["default"]["NAME"] or ":memory:")
    if _sqlite_file.name != ":memory:" and _sqlite_file.parent.is_dir():
        private_file(_sqlite_file)
    # Several gunicorn workers write to one file: wait for the lock instead of failing at once,
    # and use WAL so readers never block the writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Search ------------------------------------------------------------------------------
# NEWSARCHIVE_SEARCH_URL: "" (the Arabic Whoosh index), whoosh:///path, elasticsearch://host:9200/index,
# solr://host:8983/solr/core (articles/search/engine_url.py).
HAYSTACK_CONNECTIONS = {
    "default": haystack_connection(
        os.environ.get("NEWSARCHIVE_SEARCH_URL", ""),
        os.environ.get("NEWSARCHIVE_INDEX_DIR", str(DATA_DIR / "whoosh_index")),
    )
}
# Index updates are queued in the transaction of each change, inlines included (articles/search/signals.py),
# and applied by `manage.py run_indexer`; not by haystack's RealtimeSignalProcessor, which indexes
# inside the request and one inline save too early.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
# haystack's own highlighter runs the query through an English analyzer (CONVENTIONS trap 2).
HAYSTACK_CUSTOM_HIGHLIGHTER = "articles.search.highlight.ArabicHighlighter"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
# Queue an index task with every edit; bulk imports switch this off and build the index in one pass.
NEWSARCHIVE_SEARCH_REALTIME = env_bool("NEWSARCHIVE_SEARCH_REALTIME", True)
# Apply the queued tasks in the committing process instead of the writer (in-process tests only:
# the request would take the index lock).
NEWSARCHIVE_SEARCH_EAGER = env_bool("NEWSARCHIVE_SEARCH_EAGER", False)
# A spelling set joining two words that each appear in this many documents needs the editor's
# confirmation in the admin (articles/search/variant_check.py).
NEWSARCHIVE_VARIANT_FREQUENT_DOCUMENTS = int(os.environ.get("NEWSARCHIVE_VARIANT_FREQUENT_DOCUMENTS", 50))
# What one query may cost (docs/search.md, "Ranked retrieval"): a longer query is cut, never refused;
# the most informative words are kept while their documents fit SEARCH_MAX_POSTINGS, at most
# SEARCH_MAX_TERMS of them; past SEARCH_DEADLINE_SECONDS the best results found so far are shown.
SEARCH_MAX_QUERY_LENGTH = int(os.environ.get("NEWSARCHIVE_SEARCH_MAX_QUERY_LENGTH", 2000))
SEARCH_MAX_WORDS = 300
SEARCH_MAX_TERMS = int(os.environ.get("NEWSARCHIVE_SEARCH_MAX_TERMS", 16))
SEARCH_MAX_POSTINGS = int(os.environ.get("NEWSARCHIVE_SEARCH_MAX_POSTINGS", 250_000))
SEARCH_DEADLINE_SECONDS = float(os.environ.get("NEWSARCHIVE_SEARCH_DEADLINE_SECONDS", 0.25))
SEARCH_MAX_PAGE_SIZE = 100
# Rows in one CSV/JSONL export of search results (/search/export.csv): the first N by the page's order.
SEARCH_EXPORT_MAX_ROWS = int(os.environ.get("NEWSARCHIVE_SEARCH_EXPORT_MAX_ROWS", 1000))

# --- Import ------------------------------------------------------------------------------
# What one import file may make the importer hold in memory (docs/operations.md "Import limits"): a JSON
# document (a .json file, a zip member as declared and as read, a seed page), and one JSONL line.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("NEWSARCHIVE_IMPORT_MAX_FILE_BYTES", 64 * 1024 * 1024))
IMPORT_MAX_LINE_BYTES = int(os.environ.get("NEWSARCHIVE_IMPORT_MAX_LINE_BYTES", 16 * 1024 * 1024))

# --- Search engines ----------------------------------------------------------------------
# How long a write to Elasticsearch/OpenSearch is retried while the cluster recovers (a node lost).
NEWSARCHIVE_SEARCH_WRITE_RETRY_SECONDS = float(os.environ.get("NEWSARCHIVE_SEARCH_WRITE_RETRY_SECONDS", 30))

# --- Cache -------------------------------------------------------------------------------
# Default: a file cache in DATA_DIR/cache, shared by all gunicorn workers of one host, so an edit
# invalidates every worker's pages and the admin login throttle counts across workers.
# NEWSARCHIVE_CACHE_URL: file:///path, locmem://, dummy://, redis://host:6379/0 (articles/cache.py).
CACHES = {"default": cache_config_from_url(os.environ.get("NEWSARCHIVE_CACHE_URL", ""), DATA_DIR)}
PAGE_CACHE_SECONDS = int(os.environ.get("NEWSARCHIVE_PAGE_CACHE_SECONDS", 300))

# --- i18n --------------------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date-and-time format on the site and in the admin (newsarchive/formats/ar/formats.py).
FORMAT_MODULE_PATH = ["newsarchive.formats"]
TIME_ZONE = os.environ.get("NEWSARCHIVE_TIME_ZONE", "Asia/Riyadh")
USE_I18N = True
USE_TZ = True

# --- Static ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names let browsers cache for a year; only where collectstatic has run.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Media (uploaded lead images, articles/images.py) -----------------------------------
MEDIA_ROOT = Path(os.environ.get("NEWSARCHIVE_MEDIA_ROOT", DATA_DIR / "media")).resolve()
MEDIA_URL = "/media/"
# Served by Django only where nothing in front does it (development, tests); the shipped nginx serves
# /media/ itself (deploy/nginx.conf), so production leaves this off.
NEWSARCHIVE_SERVE_MEDIA = env_bool("NEWSARCHIVE_SERVE_MEDIA", not PRODUCTION)
NEWSARCHIVE_IMAGE_MAX_BYTES = int(os.environ.get("NEWSARCHIVE_IMAGE_MAX_BYTES", 8_000_000))
# Width × height: a 50 kB PNG can declare 20,000 × 20,000 pixels (1.6 GB once decoded).
NEWSARCHIVE_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSARCHIVE_IMAGE_MAX_PIXELS", 40_000_000))

# --- Site --------------------------------------------------------------------------------
SITE_NAME = os.environ.get("NEWSARCHIVE_SITE_NAME", "أرشيف الأخبار")
ARTICLES_PER_PAGE = 20
# Origins (scheme://host[:port]) whose pages may read /api/ from the browser (read-only CORS); "*" for any.
# Empty by default: no cross-origin reads.
API_CORS_ORIGINS = [origin.rstrip("/") for origin in env_list("NEWSARCHIVE_API_CORS_ORIGINS", "")]

# --- Logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("NEWSARCHIVE_LOG_LEVEL", "WARNING")},
    "loggers": {
        "articles": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
