"""The reader's new pages in chromium at 375 and 1280 px: permalink and citation, publications, undated.

And axe-core (no serious or critical violation) on every page added for readers and developers.
"""

from __future__ import annotations

import urllib.parse

import pytest

from tests.browser.conftest import DESKTOP, PHONE, _open_page, screenshot
from tests.browser.test_accessibility import describe, run_axe
from tests.browser.test_layout import OVERFLOW_REPORT

pytestmark = pytest.mark.browser

SEED_TITLE = "زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن"
AUTHOR_URL = "/author/" + urllib.parse.quote("علي حسن") + "/"


@pytest.fixture(params=[PHONE, DESKTOP], ids=["375", "1280"])
def sized_page(request, browser, live_site):
    context, page = _open_page(browser, request.param, live_site.url)
    yield page
    context.close()


def in_viewport(page, selector: str) -> bool:
    """The element is rendered and lies within the viewport's width (scrolled to, if below)."""
    locator = page.locator(selector).first
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["width"] > 0 and box["x"] >= -1 and box["x"] + box["width"] <= width + 1


def test_article_permalink_and_citation(sized_page, live_site):
    page = sized_page
    page.goto("/")
    url = page.locator("main .card-title a").first.get_attribute("href")
    page.goto(url)
    permalink = page.locator(".permalink a")
    assert permalink.is_visible() and in_viewport(page, ".permalink a")
    assert permalink.inner_text() == live_site.url + url
    citation = page.locator(".citation-text")
    assert citation.is_visible() and in_viewport(page, ".citation-text")
    assert citation.inner_text().endswith(live_site.url + url)
    # BibTeX and RIS open without script, inside <details>.
    assert not page.locator(".citation-bibtex").is_visible()
    page.locator(".citation-formats summary").click()
    assert page.locator(".citation-bibtex").inner_text().startswith("@article{newsarchive")
    assert page.locator(".citation-ris").inner_text().startswith("TY  - NEWS")
    with page.expect_download() as download:
        page.locator(".cite-downloads a", has_text="RIS").click()
    assert download.value.suggested_filename.endswith(".ris")
    assert page.evaluate(OVERFLOW_REPORT) == []
    screenshot(page, "article-cite")


def test_undated_seed_article(sized_page, live_site):
    page = sized_page
    page.goto("/undated/")
    link = page.locator("main .card-title a", has_text=SEED_TITLE)
    assert link.count() == 1
    assert page.locator("main .card .undated").first.inner_text() == "بدون تاريخ"
    link.click()
    page.wait_for_url("**/a/*/")
    assert page.locator(".article-dates .undated").inner_text() == "بدون تاريخ"
    # The ticker beside it: the captured page's briefs, without invented times.
    ticker = page.locator(".ticker")
    assert "بدء جلسة مجلس الوزراء" in ticker.inner_text() and ticker.locator("time").count() == 0
    assert page.evaluate(OVERFLOW_REPORT) == []


def test_publications_index(sized_page, live_site):
    page = sized_page
    page.goto("/publication/")
    assert page.locator("h1").inner_text() == "المصادر"
    items = page.locator(".publication-list li")
    assert items.count() >= 3
    first = items.first
    assert first.locator(".count").is_visible() and in_viewport(page, ".publication-list li .count")
    name = first.locator("a").inner_text()
    first.locator("a").click()
    page.wait_for_url("**/publication/*/")
    assert page.locator("h1").inner_text() == name
    assert page.evaluate(OVERFLOW_REPORT) == []
    screenshot(page, "publications")


NEW_PAGES = {
    "publications": "/publication/",
    "undated": "/undated/",
    "author": AUTHOR_URL,
    "api": "/api/",
}


@pytest.mark.parametrize("name", [*NEW_PAGES, "undated-article"])
def test_new_pages_have_no_serious_violations(axe_page, live_site, axe_path, name):
    page = axe_page
    if name == "undated-article":
        page.goto("/undated/")
        url = page.locator("main .card-title a", has_text=SEED_TITLE).get_attribute("href")
    else:
        url = NEW_PAGES[name]
    response = page.goto(url)
    assert response.status == 200, url
    if name == "undated-article":
        page.locator(".citation-formats summary").click()  # the open details too
    violations = run_axe(page, axe_path)
    assert not violations, f"{name} ({url}):\n{describe(violations)}"


def test_dates_never_break_and_print_drops_navigation(page, live_site):
    page.goto("/")
    url = page.locator("main .card-title a").first.get_attribute("href")
    page.goto(url)
    white_space = page.evaluate("[...document.querySelectorAll('time')].map(t => getComputedStyle(t).whiteSpace)")
    assert white_space and set(white_space) == {"nowrap"}
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.page-aside', '.section-nav', '.site-footer', '.share-links', '.search-form']
              .map(s => document.querySelector(s)).filter(Boolean).map(e => getComputedStyle(e).display)"""
    )
    assert hidden and set(hidden) == {"none"}
    after = page.evaluate("getComputedStyle(document.querySelector('.article-section a'), '::after').content")
    # Chromium reports the declared value ('" (" attr(href) ")"') or the resolved one ('" (/section/…)"').
    assert after not in ("none", "normal") and ("attr(href)" in after or '" (/section/' in after), after
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('.page-aside')).display") != "none"
