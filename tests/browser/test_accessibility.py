"""axe-core (pinned, fetched by scripts/axe.sh) on the main pages: no serious or critical violations."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tests.browser.conftest import login, screenshot
from tests.browser.livesite import PAGED_SECTION

pytestmark = pytest.mark.browser

# WCAG 2.x A/AA rules plus axe's best practices (landmarks, heading order...).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def run_axe(page, axe_path) -> list[dict]:
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = " / ".join(node["failureSummary"].splitlines()[1:3])
            lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}: {summary}")
    return "\n".join(lines)


PUBLIC_PAGES = {
    "home": "/",
    "section": f"/section/{urllib.parse.quote(PAGED_SECTION)}/",
    "search": "/search/?q=" + urllib.parse.quote("واستانا"),
    "search-empty": "/search/",
    "archive": "/archive/",
    "not-found": "/no-such-page/",
}


@pytest.mark.parametrize("name", [*PUBLIC_PAGES, "article"])
def test_public_page_has_no_serious_violations(axe_page, live_site, axe_path, name):
    page = axe_page
    if name == "article":
        page.goto("/")
        url = page.locator("main .card-title a").first.get_attribute("href")
    else:
        url = PUBLIC_PAGES[name]
    page.goto(url)
    violations = run_axe(page, axe_path)
    assert not violations, f"{name} ({url}):\n{describe(violations)}"


@pytest.mark.parametrize("path", ["/admin/", "/admin/articles/article/", "change"])
def test_admin_page_has_no_serious_violations(axe_page, live_site, axe_path, path):
    page = axe_page
    login(page, live_site.editor)
    if path == "change":
        page.goto("/admin/articles/article/")
        page.locator("#result_list tbody th a").first.click()
        page.wait_for_url("**/change/")
    else:
        page.goto(path)
    if path == "/admin/articles/article/":
        screenshot(page, "admin-list")
    violations = run_axe(page, axe_path)
    assert not violations, f"admin {path}:\n{describe(violations)}"
