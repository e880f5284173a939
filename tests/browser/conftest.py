"""Browser fixtures: one real site (gunicorn + temp data dir) per session, Debian's chromium via Playwright.

The site is built once (migrate, seeds, a 200-article corpus sample, the index, users) and served by
gunicorn with the production settings module; each test gets a fresh browser context. Pages record
console errors and Content-Security-Policy violations so any test can assert there were none.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.livesite import ADMIN, EDITOR, OUTPUT, REPO, Gunicorn, build_site, drop_site_database
from tests.waiting import DEFAULT_TIMEOUT as WAIT_TIMEOUT

CHROMIUM = os.environ.get("NEWSARCHIVE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SCREENSHOTS = OUTPUT / "screenshots"
AXE = REPO / "var" / "axe" / "axe.min.js"

# Reported by the page itself (Playwright's init script runs before any page script).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
                               source: e.sourceFile, line: e.lineNumber});
});
"""


@dataclass
class Site:
    url: str
    data_dir: Path
    server: Gunicorn
    editor: tuple[str, str] = EDITOR
    admin: tuple[str, str] = ADMIN


@pytest.fixture(scope="session")
def live_site(tmp_path_factory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("browser-site")
    try:
        build_site(data_dir, sample=200)
        with Gunicorn(data_dir, workers=2) as server:
            yield Site(url=server.url, data_dir=data_dir, server=server)
    finally:
        drop_site_database(data_dir)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def _open_page(browser, viewport: dict, base_url: str, **options):
    context = browser.new_context(viewport=viewport, locale="ar", base_url=base_url, **options)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    # A deadline against hangs, not a speed goal: on a loaded 2-core machine an admin page with its
    # scripts can take more than Playwright's usual 10 s to go network-idle (page times: benchmarks/).
    page.set_default_timeout(WAIT_TIMEOUT * 1000)
    log = PageLog()
    page.on("console", lambda msg: msg.type == "error" and log.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.log = log
    return context, page


@pytest.fixture
def page(browser, live_site):
    context, page = _open_page(browser, DESKTOP, live_site.url)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_site):
    context, page = _open_page(browser, PHONE, live_site.url)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser, live_site):
    """A page that ignores the site's CSP, only so axe-core can be injected (an inline script tag)."""
    context, page = _open_page(browser, DESKTOP, live_site.url, bypass_csp=True)
    yield page
    context.close()


def csp_violations(page) -> list[dict]:
    return page.evaluate("window.__cspViolations || []")


def screenshot(page, name: str) -> Path:
    """Save a screenshot as test-output/screenshots/<name>-<width>.png (viewport only, small files)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def login(page, credentials: tuple[str, str]) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core fetched by scripts/axe.sh (pinned, cached under var/axe, outside git)."""
    if not AXE.exists():
        subprocess.run([str(REPO / "scripts" / "axe.sh")], check=True, cwd=REPO)
    return AXE
