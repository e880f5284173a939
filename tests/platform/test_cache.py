"""Page cache, its invalidation on edits, and conditional GET (articles/cache.py).

The pages are the real ones (home, article, feeds) behind the real middleware stack: ``MIDDLEWARE``
exactly as newsarchive/settings.py orders it (tests/settings.py leaves it alone, which a test below
checks), with only the page cache's lifetime turned on (the in-process suite runs with it at 0).
Invalidation across processes through the shared file cache runs on a real gunicorn at the end.
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

import newsarchive.settings as real_settings
from articles.cache import (
    LastModifiedMixin,
    PageCacheMiddleware,
    bump_version,
    cache_config_from_url,
    current_version,
)
from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, VariantSet
from articles.views import ArticleDetailView
from tests.browser.livesite import Gunicorn, build_site, get, manage, site_env, site_sql, wait_for
from tests.factories import make_article, make_brief, make_publication, make_related
from tests.waiting import wait_until

CONDITIONAL = "django.middleware.http.ConditionalGetMiddleware"
PAGE_CACHE = "articles.cache.PageCacheMiddleware"


def test_the_tests_run_the_real_middleware_order():
    assert django_settings.MIDDLEWARE == real_settings.MIDDLEWARE
    order = real_settings.MIDDLEWARE
    # Conditional GET outside the page cache (304s for hits too); the page cache after authentication.
    assert order.index(CONDITIONAL) < order.index(PAGE_CACHE)
    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < order.index(PAGE_CACHE)


@pytest.fixture
def cached_site(settings):
    settings.CACHES = {"default": cache_config_from_url(f"locmem://{uuid.uuid4().hex}", settings.DATA_DIR)}
    settings.PAGE_CACHE_SECONDS = 300
    return Client()


@pytest.fixture
def article(db):
    return make_article(title="قمة أستانا تبحث التهدئة", paragraphs=["بدأت في أستانا اليوم محادثات جديدة."])


def test_anonymous_page_is_stored_then_served_without_queries(cached_site, article, django_assert_num_queries):
    first = cached_site.get(article.get_absolute_url())
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = cached_site.get(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "قمة أستانا تبحث التهدئة" in second.content.decode()


def test_query_string_is_part_of_the_key(cached_site, article):
    assert cached_site.get("/")["X-Page-Cache"] == "miss"
    assert cached_site.get("/?page=1")["X-Page-Cache"] == "miss"
    assert cached_site.get("/")["X-Page-Cache"] == "hit"


def test_article_edit_invalidates(cached_site, article, django_capture_on_commit_callbacks):
    url = article.get_absolute_url()
    cached_site.get(url)
    assert cached_site.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.title = "قمة أستانة تنتهي باتفاق"
        article.save()
    assert len(callbacks) == 1
    response = cached_site.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "قمة أستانة تنتهي باتفاق" in response.content.decode()
    assert "قمة أستانا تبحث التهدئة" not in response.content.decode()


def test_paragraph_edit_invalidates(cached_site, article, django_capture_on_commit_callbacks):
    url = article.get_absolute_url()
    cached_site.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        Paragraph.objects.filter(article=article).get().delete()
        Paragraph.objects.create(article=article, position=0, text="انتهت المحادثات مساء أمس.")
    response = cached_site.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "انتهت المحادثات مساء أمس." in response.content.decode()


def test_new_brief_and_section_rename_invalidate(cached_site, article, django_capture_on_commit_callbacks):
    cached_site.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        make_brief(region="لبنان", text="بدء جلسة مجلس الوزراء")
    assert cached_site.get("/")["X-Page-Cache"] == "miss"
    assert cached_site.get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article.section.name = "سياسة دولية"
        article.section.save()
    response = cached_site.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "سياسة دولية" in response.content.decode()


def test_rolled_back_edit_keeps_the_cache(cached_site, article, django_capture_on_commit_callbacks):
    """The bump waits for the commit: nothing is invalidated while the edit is not visible."""
    cached_site.get("/")
    version = current_version()
    with django_capture_on_commit_callbacks(execute=False):
        article.title = "عنوان لن يُحفظ"
        article.save()
    assert current_version() == version
    assert cached_site.get("/")["X-Page-Cache"] == "hit"


def test_logged_in_users_never_get_or_fill_cached_pages(cached_site, article):
    url = article.get_absolute_url()
    user = get_user_model().objects.create_user("editor", password="x" * 12)
    reader = Client()
    assert reader.get(url)["X-Page-Cache"] == "miss"  # stored for anonymous readers
    cached_site.force_login(user)
    for _ in range(2):
        response = cached_site.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    cached_site.logout()
    bump_version()
    cached_site.force_login(user)
    cached_site.get(url)  # a logged-in page view stores nothing
    assert reader.get(url)["X-Page-Cache"] == "miss"


def test_post_and_admin_bypass(cached_site, article):
    assert "X-Page-Cache" not in cached_site.post("/")
    assert "X-Page-Cache" not in cached_site.get("/admin/login/")
    assert "X-Page-Cache" not in cached_site.get("/admin/login/")


def test_if_none_match_gives_304_on_miss_and_hit(cached_site, article):
    url = article.get_absolute_url()
    first = cached_site.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert cached_site.get(url)["ETag"] == etag  # hit keeps the stored ETag
    not_modified = cached_site.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    bump_version()
    assert cached_site.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # miss, same content
    assert cached_site.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_feed_last_modified_and_if_modified_since(cached_site, article):
    url = reverse("articles:feed_rss")
    response = cached_site.get(url)
    assert response.status_code == 200
    last_modified = response["Last-Modified"]
    assert cached_site.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert cached_site.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_last_modified_mixin_on_the_article_view(article, rf):
    view = type("View", (LastModifiedMixin, ArticleDetailView), {}).as_view()
    local = timezone.localtime(article.published_at)
    request = rf.get(article.get_absolute_url())
    request.user = AnonymousUser()
    response = view(request, year=local.year, month=local.month, day=local.day, pk=article.pk)
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(article.modified.timestamp())


@pytest.mark.parametrize(
    ("response", "cacheable"),
    [
        (HttpResponse("x"), True),
        (HttpResponse("x", status=404), False),
        (HttpResponse("x", headers={"Cache-Control": "private, max-age=60"}), False),
        (HttpResponse("x", headers={"Cache-Control": "no-store"}), False),
        (HttpResponse("x", headers={"Cache-Control": "max-age=60"}), True),
        (HttpResponse("x", headers={"Vary": "Accept-Language, Cookie"}), False),
        (HttpResponse("x", headers={"Vary": "Accept-Language"}), True),
    ],
)
def test_response_rules(response, cacheable):
    assert PageCacheMiddleware(lambda r: r).response_is_cacheable(response) is cacheable


def test_response_setting_a_cookie_is_not_cacheable():
    response = HttpResponse("x")
    response.set_cookie("csrftoken", "abc")
    assert PageCacheMiddleware(lambda r: r).response_is_cacheable(response) is False


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "newsarchive"),
        ("file:///srv/cache", "articles.filecache.IntervalCullFileCache", "/srv/cache"),
        ("", "articles.filecache.IntervalCullFileCache", "/data/cache"),
        ("redis://:pw@10.0.0.5:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://:pw@10.0.0.5:6379/1"),
        (
            "unix:///run/redis/redis.sock?db=2&timeout=60",
            "django.core.cache.backends.redis.RedisCache",
            "unix:///run/redis/redis.sock?db=2",
        ),
    ],
)
def test_cache_config_from_url(url, backend, location):
    config = cache_config_from_url(url, "/data")
    assert config["BACKEND"] == backend
    assert config["LOCATION"] == location
    assert config["KEY_PREFIX"] == "newsarchive"
    assert config.get("TIMEOUT") == (60 if "timeout" in url else None)


def test_cache_config_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="memcache"):
        cache_config_from_url("memcache://127.0.0.1", "/data")


def test_version_survives_eviction_without_reusing_old_numbers(settings):
    settings.CACHES = {"default": cache_config_from_url(f"locmem://{uuid.uuid4().hex}", settings.DATA_DIR)}
    first = current_version()
    assert bump_version() == first + 1
    caches["default"].clear()
    assert current_version() > first + 1


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until(socket.exists, message="redis-server did not create its socket")
        yield f"unix://{socket}?db=0"
    finally:
        process.terminate()
        process.wait(10)


def test_page_cache_on_redis(settings, redis_url, article, django_capture_on_commit_callbacks):
    settings.CACHES = {"default": cache_config_from_url(redis_url, settings.DATA_DIR)}
    settings.PAGE_CACHE_SECONDS = 300
    client = Client()
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "عنوان جديد على ريدس"
        article.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "عنوان جديد على ريدس" in response.content.decode()


# --- Invalidation by every kind of content change -------------------------------------------------


def cached(client: Client, url: str) -> str:
    """Fetch ``url`` until it is served from the cache; return the page."""
    response = client.get(url)
    if response["X-Page-Cache"] == "miss":
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    return response.content.decode()


def fresh(client: Client, url: str) -> str:
    """Fetch ``url`` expecting the cache to have been invalidated; return the page."""
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    return response.content.decode()


def test_publication_rename_and_delete_invalidate(cached_site, article, django_capture_on_commit_callbacks):
    url = article.get_absolute_url()
    publication = article.publication
    assert publication.name in cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        publication.name = "صحيفة بعنوان جديد"
        publication.save()
    assert "صحيفة بعنوان جديد" in fresh(cached_site, url)
    # Publications with articles are protected; one without goes, and its cached page with it.
    empty = make_publication(name="صحيفة متوقفة")
    assert "صحيفة متوقفة" in cached(cached_site, empty.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        Publication.objects.get(pk=empty.pk).delete()
    assert cached_site.get(empty.get_absolute_url()).status_code == 404


def test_related_link_add_edit_delete_invalidate(cached_site, article, django_capture_on_commit_callbacks):
    url = article.get_absolute_url()
    cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        link = make_related(article, "قمة الرياض للتعاون")
    assert "قمة الرياض للتعاون" in fresh(cached_site, url)
    cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        link.title = "قمة جدة للتعاون"
        link.save()
    html = fresh(cached_site, url)
    assert "قمة جدة للتعاون" in html and "قمة الرياض للتعاون" not in html
    cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        RelatedLink.objects.get(pk=link.pk).delete()
    assert "قمة جدة للتعاون" not in fresh(cached_site, url)


def test_variant_set_change_and_delete_invalidate(cached_site, article, index_dir, django_capture_on_commit_callbacks):
    # Search results depend on the spelling sets: any change retires the cached pages.
    call_command("build_index", procs=1, verbosity=0)
    url = "/search/?" + urllib.parse.urlencode({"q": "أستانا"})
    assert "تبحث التهدئة" in cached(cached_site, url)  # the title, its matched word marked
    with django_capture_on_commit_callbacks(execute=True):
        row = VariantSet.objects.create(canonical="أستانا", variants="أستانة")
    fresh(cached_site, url)
    cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        row.variants = "أستانة\nآستانة"
        row.save()
    fresh(cached_site, url)
    cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        VariantSet.objects.get(pk=row.pk).delete()
    fresh(cached_site, url)


def test_deletes_invalidate(cached_site, article, django_capture_on_commit_callbacks):
    other = make_article(title="خبر سيحذف من الأرشيف", publication=make_publication())
    with django_capture_on_commit_callbacks(execute=True):
        brief = make_brief(region="لبنان", text="خبر عاجل سيحذف")
    assert "خبر سيحذف من الأرشيف" in cached(cached_site, "/")
    assert "خبر عاجل سيحذف" in cached(cached_site, "/")
    with django_capture_on_commit_callbacks(execute=True):
        Brief.objects.get(pk=brief.pk).delete()
    assert "خبر عاجل سيحذف" not in fresh(cached_site, "/")
    cached(cached_site, "/")
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(pk=other.pk).delete()
    assert "خبر سيحذف من الأرشيف" not in fresh(cached_site, "/")
    assert cached_site.get(other.get_absolute_url()).status_code == 404
    url = article.get_absolute_url()
    assert "بدأت في أستانا اليوم محادثات جديدة." in cached(cached_site, url)
    with django_capture_on_commit_callbacks(execute=True):
        Paragraph.objects.filter(article=article).delete()
    assert "بدأت في أستانا اليوم محادثات جديدة." not in fresh(cached_site, url)


# --- Across processes, through the file cache -------------------------------------------------------

RENAME = """
from articles.models import Article
article = Article.objects.get(title="خبر للتخزين المؤقت")
article.title = "خبر للتخزين المؤقت بعد التعديل"
article.save()
"""

ADD_ARTICLE = """
from django.utils import timezone
from articles.models import Article, Paragraph
article = Article.objects.create(title="خبر للتخزين المؤقت", status="published", published_at=timezone.now())
Paragraph.objects.create(article=article, position=0, text="نص الخبر قبل التعديل.")
print("URL=" + article.get_absolute_url())
"""


def test_an_edit_in_one_process_retires_pages_cached_by_the_workers(tmp_path):
    """Two gunicorn workers and a third process (the editor's) share the file cache in the data dir."""
    env = site_env(tmp_path, NEWSARCHIVE_PAGE_CACHE_SECONDS="300")  # the default file cache
    build_site(tmp_path, sample=0, content=False, env=env)
    url = manage(tmp_path, "shell", "-c", ADD_ARTICLE, env=env).stdout.split("URL=")[1].strip()

    def fetch(path: str) -> tuple[str, str]:
        import urllib.request

        with urllib.request.urlopen(server.url + path, timeout=10) as response:
            return response.headers.get("X-Page-Cache", ""), response.read().decode()

    def queue_applied() -> None:
        # The index writer retires cached pages after each pass: let it apply the edit's task first.
        wait_for(
            lambda: site_sql(tmp_path, "SELECT COUNT(*) FROM articles_indextask")[0][0] == 0,
            timeout=120,
            message="the index writer emptied the queue",
        )

    with Gunicorn(tmp_path, workers=2, env=env) as server:
        assert len(server.worker_pids()) == 2
        queue_applied()
        assert get(server.url + url)[0] == 200
        # Whichever worker answers, the page now comes from the shared cache (one connection a request).
        answers = [fetch(url) for _ in range(20)]
        assert {state for state, _ in answers} == {"hit"}
        assert all("خبر للتخزين المؤقت" in html for _, html in answers)

        manage(tmp_path, "shell", "-c", RENAME, env=env)  # another process: not a worker
        queue_applied()
        answers = [fetch(url) for _ in range(20)]
        assert answers[0][0] == "miss"
        assert all("خبر للتخزين المؤقت بعد التعديل" in html for _, html in answers)
        assert {state for state, _ in answers[1:]} == {"hit"}
