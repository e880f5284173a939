"""Layout in a real browser: right-to-left, no overflow on a phone, the web font, keyboard use."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.browser.conftest import login, screenshot
from tests.browser.livesite import PAGED_SECTION

pytestmark = pytest.mark.browser

SEED_QUERY = "/search/?q=" + urllib.parse.quote("أستانا")

# Elements wider than the viewport or than their own box (clipped text), as "tag.class: detail".
# Content of a horizontal scroll strip (overflow-x auto/scroll, like the section navigation) may extend
# past the edge: it scrolls and its links stay focusable; the strip itself must fit.
OVERFLOW_REPORT = """
() => {
  const vw = window.innerWidth;
  const problems = [];
  const inScroller = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > vw) {
    problems.push(`document: scrollWidth ${document.documentElement.scrollWidth} > ${vw}`);
  }
  for (const el of document.querySelectorAll("h1, h2, h3, p, li, a, input, button, time")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest(".visually-hidden, .skip-link") || inScroller(el)) continue;
    const name = `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 40)}`;
    if (r.left < -1 || r.right > vw + 1) problems.push(`${name} outside viewport (${r.left}..${r.right})`);
    if (/^H[1-3]$/.test(el.tagName) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name} clipped (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  return problems;
}
"""


def first_article_url(page) -> str:
    page.goto("/")
    return page.locator("main .card-title a").first.get_attribute("href")


def test_direction_is_rtl(page, live_site):
    for url in ("/", first_article_url(page), SEED_QUERY, "/archive/"):
        page.goto(url)
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", url
        assert page.locator("html").get_attribute("lang") == "ar"


def test_no_horizontal_overflow_on_a_phone(phone_page, live_site):
    page = phone_page
    pages = {
        "home": "/",
        "article": first_article_url(page),
        "section": f"/section/{urllib.parse.quote(PAGED_SECTION)}/",
        "search": SEED_QUERY,
        "archive-day": "/2016/3/14/",
    }
    for name, url in pages.items():
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate(OVERFLOW_REPORT) == [], f"{name} ({url})"
        screenshot(page, name)


def test_arabic_web_font_loads_and_is_used(page, live_site):
    fonts = []
    page.on("response", lambda r: r.url.endswith(".woff2") and fonts.append((r.url, r.status)))
    page.goto(first_article_url(page))
    page.evaluate("document.fonts.ready.then(() => true)")
    family = page.evaluate("getComputedStyle(document.querySelector('.article-body p')).fontFamily")
    first = family.split(",")[0].strip().strip("\"'")
    assert first == "Noto Naskh Arabic"
    # document.fonts lists @font-face faces only, never system fonts: a "loaded" entry is the web font.
    loaded = page.evaluate(
        """(name) => [...document.fonts]
             .filter(f => f.family.replace(/["']/g, "") === name && f.status === "loaded")
             .map(f => f.weight)""",
        first,
    )
    assert "400" in loaded
    assert page.evaluate("(name) => document.fonts.check(`16px \"${name}\"`, 'أستانة')", first)
    assert fonts and all(status == 200 for _, status in fonts), fonts


def tab_until(page, predicate_js: str, limit: int = 150) -> bool:
    """Press Tab until the focused element satisfies ``predicate_js`` (a JS function of the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate_js})(document.activeElement)"):
            return True
    return False


def test_pagination_by_keyboard(page, live_site):
    page.goto(f"/section/{urllib.parse.quote(PAGED_SECTION)}/")
    assert tab_until(page, "el => el.matches('.pagination a[rel=next]')"), "Tab never reached the next-page link"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]page=2"))
    assert page.locator("main .card-title a").count() == 5  # 25 articles, 20 a page
    assert tab_until(page, "el => el.matches('.pagination a[rel=prev]')"), "Tab never reached the previous-page link"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]page=1|/section/[^?]*$"))
    assert page.locator("main .card-title a").count() == 20


def test_ticker_by_keyboard(page, live_site):
    # Seed 000's briefs have no time: they are shown beside the (undated) seed article, not on the home page.
    page.goto("/undated/")
    page.locator("main .card-title a").first.click()
    page.wait_for_url(re.compile(r"/a/\d+/$"))
    ticker = page.locator(".ticker")
    assert ticker.count() == 1
    assert "بدء جلسة مجلس الوزراء" in ticker.inner_text()  # a brief of seed 000
    links = ticker.locator("a")
    scrollable = ticker.evaluate("el => el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth")
    if links.count():
        assert tab_until(page, "el => !!el.closest('.ticker') && el.matches('a')"), "no ticker link reachable by Tab"
        href = page.evaluate("document.activeElement.getAttribute('href')")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(re.escape(href) + "$"))
    elif scrollable:
        # A scrolling region must take focus so keyboard users can scroll it (WCAG 2.1.1).
        assert tab_until(page, "el => !!el.closest('.ticker')"), "scrollable ticker not reachable by Tab"
        before = ticker.evaluate("el => el.scrollTop")
        page.keyboard.press("ArrowDown")
        assert ticker.evaluate("el => el.scrollTop") > before
    else:
        # Plain text, nothing to operate: it must at least be fully visible, not cut off.
        assert ticker.is_visible()
        assert ticker.evaluate("el => el.scrollHeight <= el.clientHeight + 1")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_screenshots(request, live_site, viewport):
    """Screenshots of every kind of page at 1280 and 375 px, under test-output/screenshots/ (see docs/screenshots/)."""
    page = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")
    shots = {
        "home": "/",
        "article": first_article_url(page),
        "section": f"/section/{urllib.parse.quote(PAGED_SECTION)}/",
        "search": "/search/?q=" + urllib.parse.quote("الاستانه"),
        "archive-month": "/2016/3/",
        "not-found": "/no-such-page/",
    }
    for name, url in shots.items():
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        assert screenshot(page, name).stat().st_size > 10_000
    login(page, live_site.editor)
    page.goto("/admin/articles/article/")
    assert screenshot(page, "admin-list").stat().st_size > 10_000
