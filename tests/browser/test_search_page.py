"""The search page in chromium at 1280 and 375 px: advanced search, the phone filter panel, the month
chart's links, CSV/JSONL export, and axe-core on the search and advanced search pages."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
import urllib.parse

import pytest

from tests.browser.conftest import csp_violations, screenshot
from tests.browser.livesite import PAGED_SECTION, get
from tests.browser.test_accessibility import describe, run_axe

pytestmark = pytest.mark.browser

QUERY = "الرياض"
SEARCH = "/search/?q=" + urllib.parse.quote(QUERY)
HIT_KEYS = ["id", "url", "source_url", "title", "section", "publication", "published_at", "snippet", "score"]


@pytest.fixture(params=["desktop", "phone"])
def any_page(request):
    """The same flow at 1280 px and at 375 px."""
    return request.getfixturevalue("page" if request.param == "desktop" else "phone_page")


def api(live_site, **params) -> dict:
    status, body = get(f"{live_site.url}/api/search/?{urllib.parse.urlencode(params)}")
    assert status == 200, body[:500]
    return json.loads(body)


def assert_clean(page) -> None:
    assert page.log.page_errors == []
    assert csp_violations(page) == []


def test_advanced_search_composes_the_query(any_page, live_site):
    page = any_page
    page.goto("/search/advanced/")
    assert page.locator("input[type=date]").count() == 0
    page.fill("#id_all_words", "خبر منوعات")
    page.fill("#id_without", "الرياض")
    page.select_option("#id_section", label=PAGED_SECTION)
    page.select_option("#id_from_day", "14")
    page.select_option("#id_from_month", "3")
    page.fill("#id_from_year", "٢٠١٦")  # Arabic-Indic digits, as a phone keyboard types them
    page.select_option("#id_to_month", "3")
    page.fill("#id_to_year", "2016")
    screenshot(page, "advanced-search")
    page.locator(".advanced-actions button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search/\?"))
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
    assert params == {
        "q": "+خبر +منوعات -الرياض",
        "section": PAGED_SECTION,  # its slug is its name
        "date_from": "2016-03-14",
        "date_to": "2016-03-31",
    }
    # The composed query is in the box, ready to edit; the filters show as chips.
    assert page.input_value("#search-q") == "+خبر +منوعات -الرياض"
    # 25 «خبر منوعات رقم N» on 14 March 2016, none of which mentions الرياض in its title... but
    # their body does ("عن الطقس في الرياض"), so the exclusion leaves none: the empty state.
    assert page.locator(".search-count").inner_text() == "لا توجد نتائج"
    options = page.locator(".search-empty-options a").all_inner_texts()
    assert options[0] == f"في كل الأقسام، لا في «{PAGED_SECTION}» وحده"
    assert page.locator(".search-filters").count() == 0
    screenshot(page, "advanced-search-empty")

    # Back with the exclusion removed: the 20 first of the 25, in pages of 20.
    page.fill("#search-q", "+خبر +منوعات")
    page.press("#search-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    assert page.locator(".search-count").inner_text().startswith("25 نتيجةً")
    assert page.locator("a.chip").count() == 2
    assert page.locator(".pagination-pages a[aria-current=page]").inner_text() == "1"
    assert_clean(page)


def test_advanced_search_refuses_31_february_in_arabic(any_page, live_site):
    page = any_page
    page.goto("/search/advanced/")
    page.fill("#id_all_words", "الرياض")
    page.select_option("#id_from_day", "31")
    page.select_option("#id_from_month", "2")
    page.fill("#id_from_year", "2015")
    page.locator(".advanced-actions button[type=submit]").click()
    page.wait_for_load_state()
    alert = page.locator(".search-errors[role=alert]")
    assert "«من تاريخ» غير صحيح: ليس في فبراير 2015 يوم 31." in alert.inner_text()
    assert page.locator(".date-parts.has-error .field-error").inner_text() == (
        "«من تاريخ» غير صحيح: ليس في فبراير 2015 يوم 31."
    )
    # Nothing the reader typed is lost.
    assert page.input_value("#id_all_words") == "الرياض"
    assert page.input_value("#id_from_day") == "31"
    screenshot(page, "advanced-search-error")
    assert_clean(page)


def test_phone_filter_panel_opens_above_the_results(phone_page, live_site):
    page = phone_page
    page.goto(SEARCH)
    panel = page.locator("details.search-filters")
    first_result = page.locator(".search-result").first
    assert panel.bounding_box()["y"] < first_result.bounding_box()["y"]
    # Above the results, within the first two screens of a phone (it was at y≈7,380).
    assert panel.bounding_box()["y"] < 2 * 740
    facet_link = panel.locator(".facet a").first
    assert not panel.evaluate("el => el.open") and not facet_link.is_visible()
    panel.locator("summary").click()
    assert panel.evaluate("el => el.open") and facet_link.is_visible()
    panel.evaluate("el => el.scrollIntoView()")
    screenshot(page, "search-filters-open")
    panel.locator("summary").click()
    assert not panel.evaluate("el => el.open") and not facet_link.is_visible()

    # A facet filters; its chip is one unit, the × inside the chip on the label's line.
    panel.locator("summary").click()
    section = panel.locator("#facet-section + ul a").first
    name = section.inner_text()
    section.click()
    page.wait_for_url(re.compile(r"[?&]section="))
    chip = page.locator("a.chip").first
    assert chip.locator(".chip-label").inner_text() == f"القسم: {name}"
    page.locator(".search-count").evaluate("el => el.scrollIntoView()")
    box, x_box, label_box = (
        chip.bounding_box(),
        chip.locator(".chip-x").bounding_box(),
        chip.locator(".chip-label").bounding_box(),
    )
    assert box["x"] <= x_box["x"] and x_box["x"] + x_box["width"] <= box["x"] + box["width"] + 0.5
    assert abs((x_box["y"] + x_box["height"] / 2) - (label_box["y"] + label_box["height"] / 2)) < 8
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    screenshot(page, "search-filtered")
    chip.click()
    page.wait_for_url(re.compile(r"^(?!.*section=)"))
    assert page.locator("a.chip").count() == 0
    assert_clean(page)


def test_panel_date_range_goes_through_the_day_month_year_check(any_page, live_site):
    page = any_page
    page.goto(SEARCH)
    page.locator("details.search-filters summary").click()
    page.select_option(".facet-dates #id_from_month", "7")
    page.fill(".facet-dates #id_from_year", "2015")
    page.select_option(".facet-dates #id_to_month", "8")
    page.fill(".facet-dates #id_to_year", "2015")
    page.locator(".facet-dates button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search/\?.*date_to="))
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
    assert params == {"q": QUERY, "date_from": "2015-07-01", "date_to": "2015-08-31"}
    times = page.locator(".search-result time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert times and all("2015-07" <= t[:7] <= "2015-08" for t in times), times
    assert_clean(page)


def month_facet_wired(live_site) -> bool:
    data = api(live_site, q=QUERY)
    return data["count"] > 0 and bool(data["facets"]["month"])


def test_chart_bars_filter_to_their_month(any_page, live_site):
    if not month_facet_wired(live_site):
        pytest.skip("query.run_search does not give the month facet yet (timeline.month_counts is not called)")
    page = any_page
    page.goto(SEARCH)
    figure = page.locator("figure.timeline")
    assert figure.bounding_box()["y"] < page.locator(".search-result").first.bounding_box()["y"]
    months = api(live_site, q=QUERY)["facets"]["month"]
    bars = figure.locator("a.timeline-bar")
    assert bars.count() == len(months)
    labels = bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert all(re.fullmatch(r"\S+ \d{4}: .+", label) for label in labels), labels
    page.locator(".search-count").evaluate("el => el.scrollIntoView()")
    screenshot(page, "search-timeline")
    # The busiest month: its bar's link gives exactly that month's results.
    busiest = max(months, key=lambda m: m["count"])
    year, month = map(int, busiest["month"].split("-"))
    bar = figure.locator(f'a.timeline-bar[href*="date_from={year:04d}-{month:02d}-01"]')
    bar.click()
    page.wait_for_url(re.compile(rf"date_from={year:04d}-{month:02d}-01&date_to={year:04d}-{month:02d}-\d\d"))
    last = calendar.monthrange(year, month)[1]
    in_month = api(live_site, q=QUERY, date_from=f"{year:04d}-{month:02d}-01", date_to=f"{year:04d}-{month:02d}-{last}")
    assert in_month["count"] == busiest["count"]
    assert page.locator(".search-result").count() == min(20, busiest["count"])
    times = page.locator(".search-result time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert times and all(t.startswith(f"{year:04d}-{month:02d}") for t in times), times
    assert_clean(page)


def test_export_downloads_csv_and_jsonl(any_page, live_site):
    page = any_page
    page.goto(SEARCH + "&sort=newest")
    expected = api(live_site, q=QUERY, sort="newest", page_size=50)
    with page.expect_download() as info:
        page.locator(".search-export a", has_text="CSV").click()
    download = info.value
    assert download.suggested_filename.startswith(f"بحث-{QUERY}-") and download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["id", "url", "source_url", "title"]
    assert len(rows) - 1 == expected["count"]
    assert [int(r[0]) for r in rows[1:51]] == [hit["id"] for hit in expected["results"]]

    with page.expect_download() as info:
        page.locator(".search-export a", has_text="JSONL").click()
    lines = open(info.value.path(), encoding="utf-8").read().splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == expected["count"]
    assert [list(o) for o in objects[:3]] == [HIT_KEYS] * min(3, len(objects))
    assert [o["id"] for o in objects[:50]] == [hit["id"] for hit in expected["results"]]
    assert_clean(page)


@pytest.mark.parametrize(
    "url",
    [
        SEARCH,
        SEARCH + "&section=" + urllib.parse.quote(PAGED_SECTION),  # no results: the empty state
        "/search/advanced/",
        "/search/advanced/?advanced=1&all_words=x&from_day=31&from_month=2&from_year=2015",
    ],
)
def test_search_pages_have_no_serious_accessibility_violations(axe_page, live_site, axe_path, url):
    page = axe_page
    page.goto(url)
    if page.locator("details.search-filters").count():
        page.locator("details.search-filters summary").click()  # check the panel's content too
    if page.locator("details.search-help").count():
        page.locator("details.search-help summary").click()
    violations = run_axe(page, axe_path)
    assert not violations, f"{url}:\n{describe(violations)}"
