"""Custom Arabic error pages: 404 through the handler, 500 without database or request context."""

import pytest
from django.test import RequestFactory

from articles import views

pytestmark = pytest.mark.django_db


def test_404_page_is_arabic_rtl_with_search(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/لا-توجد-صفحة/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>الصفحة غير موجودة (404)</title>" in html
    assert "<h1>الصفحة غير موجودة</h1>" in html
    assert 'action="/search/"' in html and 'name="q"' in html


def test_404_escapes_the_search_query(client):
    html = client.get("/nope/", {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_500_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1>حدث خطأ في الخادم</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html


def test_500_renders_without_database_access_at_all(settings):
    """Even with the database unreachable (the usual cause of a 500), the page renders."""
    from django.db import connection

    request = RequestFactory().get("/")
    with connection.execute_wrapper(_refuse):
        response = views.server_error(request)
    assert response.status_code == 500


def _refuse(execute, sql, params, many, context):
    raise AssertionError("the 500 page must not query the database")
