"""Take the README's screenshots from a running site: home, search, advanced search, an article on a phone.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000    # a `make run` site
    .venv/bin/python scripts/screenshots.py URL --only home-1280       # one of them

Drives Debian's chromium (/usr/bin/chromium, or $NEWSARCHIVE_CHROMIUM) through Playwright and writes
docs/screenshots/<name>.png. The article is the first one the home page lists with a byline and body
text, so the shot shows a real article (not a test fixture); a second shot shows its citation block. The search
shots ask the questions a reader types: a respelled name (with the results-over-time chart) and, on a phone, the
filter panel open. Exit status 1 when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
CHROMIUM = os.environ.get("NEWSARCHIVE_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def first_article(page) -> str:
    """The first article of the home page with a byline (else the first one) among those with body text."""
    page.goto("/")
    hrefs = page.locator("main .card-title a, main .headlines a").evaluate_all("links => links.map(a => a.href)")
    with_body = []
    for href in hrefs[:30]:
        page.goto(href)
        if page.locator(".body-missing").count():
            continue
        if page.locator(".article-byline .byline").count():
            return href
        with_body.append(href)
    if not with_body:
        raise SystemExit("no article with body text on the home page")
    return with_body[0]


def shoot(base: str, only: set[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        desktop = browser.new_context(viewport=DESKTOP, locale="ar", base_url=base)
        phone = browser.new_context(viewport=PHONE, locale="ar", base_url=base)
        page = desktop.new_page()
        article = None
        shots = {
            "home-1280": (page, "/"),
            "home-375": (phone.new_page(), "/"),
            "publications-1280": (page, "/publication/"),
            "search-1280": (desktop.new_page(), "/search/?q=%D8%A7%D9%84%D8%A7%D8%B3%D8%AA%D8%A7%D9%86%D9%87"),
            "search-question-1280": (desktop.new_page(), "/search/?q=" + quote("متى ولد الملك سلمان؟")),
            "advanced-search-1280": (desktop.new_page(), "/search/advanced/"),
        }
        failures = 0
        for name, (tab, url) in shots.items():
            if only and name not in only:
                continue
            failures += _shot(tab, url, name)
        if not only or "search-filters-375" in only:
            tab = phone.new_page()
            tab.goto("/search/?q=" + quote("الرياض"))
            if tab.locator("details.search-filters summary, .search-filters summary").count():
                tab.locator("details.search-filters summary, .search-filters summary").first.click()
            tab.screenshot(path=str(OUT / "search-filters-375.png"))
            print(OUT / "search-filters-375.png")
        if not only or only & {"article-375", "article-cite-375"}:
            article = first_article(desktop.new_page())
            tab = phone.new_page()
            failures += _shot(tab, article, "article-375")
            tab.locator(".cite").scroll_into_view_if_needed()
            tab.screenshot(path=str(OUT / "article-cite-375.png"))
            print(OUT / "article-cite-375.png")
        browser.close()
    return 1 if failures else 0


def _shot(page, url: str, name: str) -> int:
    response = page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")
    if response is None or response.status != 200:
        print(f"{url}: HTTP {response.status if response else '?'}", file=sys.stderr)
        return 1
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(path)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", help="base URL of a running site, e.g. http://127.0.0.1:8000")
    parser.add_argument("--only", action="append", default=[], help="shot name(s), e.g. home-1280")
    args = parser.parse_args()
    return shoot(args.url.rstrip("/"), set(args.only))


if __name__ == "__main__":
    sys.exit(main())
