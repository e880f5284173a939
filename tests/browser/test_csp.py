"""The Content-Security-Policy holds in the browser: pages and admin work with no violation reported."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.browser.conftest import csp_violations, login
from tests.browser.livesite import PAGED_SECTION, XSS_TITLE

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    f"/section/{urllib.parse.quote(PAGED_SECTION)}/",
    "/search/?q=" + urllib.parse.quote("واستانا"),
    "/archive/",
    "/2016/3/14/",
    "/no-such-page/",
]


def visit(page, url: str) -> None:
    response = page.goto(url)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (url, policy)
    page.wait_for_load_state("networkidle")
    assert csp_violations(page) == [], url
    assert [e for e in page.log.console_errors if "Content Security Policy" in e] == [], url


def test_public_pages_raise_no_csp_violation(page, live_site):
    for url in PAGES:
        visit(page, url)
    page.goto("/")
    visit(page, page.locator("main .card-title a").first.get_attribute("href"))
    assert page.log.page_errors == []


def test_admin_raises_no_csp_violation(page, live_site):
    visit(page, "/admin/login/")
    login(page, live_site.admin)
    for url in ("/admin/", "/admin/articles/article/", "/admin/articles/article/add/", "/admin/auth/user/"):
        visit(page, url)
    page.goto("/admin/articles/article/")
    page.locator("#result_list tbody th a").first.click()
    page.wait_for_url("**/change/")
    assert csp_violations(page) == []
    # The admin's JavaScript runs under the policy: the date widget's calendar opens.
    shortcut = page.locator(".datetimeshortcuts a").first
    if shortcut.count():
        shortcut.click()
    assert csp_violations(page) == []
    assert page.log.page_errors == []


def test_hostile_article_markup_stays_text(page, live_site):
    """An article whose title and body hold <script>, javascript: links and onerror: shown, never run."""
    page.goto("/section/" + urllib.parse.quote("الخليج-والعالم") + "/")
    page.locator("main .card-title a", has_text="بعنوان خطر").click()
    page.wait_for_url("**/*/")
    assert page.locator("h1.article-title").inner_text() == XSS_TITLE
    body = page.locator(".article-body").inner_text()
    assert "<script>window.__xss = 1</script>" in body
    assert '<a href="javascript:window.__xss=2">' in body
    assert page.locator(".article-body a, .article-body img, .article-body script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.log.page_errors == [] and csp_violations(page) == []
