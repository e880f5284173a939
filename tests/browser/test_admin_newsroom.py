"""An editor's day in the admin, in chromium against the real gunicorn site: write, find, correct, compare,
restore, add a photo; the pages touched fit 1280 and 375 px and pass axe-core (no serious/critical)."""

from __future__ import annotations

import re
import time
import urllib.parse

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE, _open_page, csp_violations, login, screenshot
from tests.browser.test_accessibility import describe, run_axe

pytestmark = pytest.mark.browser

FIRST_BODY = (
    "وصلت الوفود المشاركة إلى العاصمة الكازاخية صباح اليوم استعدادًا لجولة جديدة من المحادثات.\n\n"
    "## جدول الأعمال\n\n"
    "تبدأ الجلسات غدًا بحضور ممثلي الدول الضامنة.\nوتستمر يومين."
)
CORRECTED_BODY = FIRST_BODY.replace("صباح اليوم", "مساء أمس").replace("يومين", "ثلاثة أيام")


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.2):
    """Poll ``predicate`` until it returns a truthy value or the deadline passes (then fail)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


@pytest.fixture
def editor_page(browser, live_site):
    # Another time zone than the site's (Asia/Riyadh), so the date widgets show their note.
    context, page = _open_page(browser, DESKTOP, live_site.url, timezone_id="Europe/London")
    login(page, live_site.editor)
    yield page
    context.close()


def test_write_find_correct_compare_restore_and_add_a_photo(editor_page, browser, live_site, tmp_path):
    page = editor_page
    tag = f"كزاخ{int(time.time()) % 100000}"
    title = f"وصول الوفود إلى أستانة لجولة محادثات {tag}"

    # 1. Write: one body text with a crosshead, published at once.
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", title)
    page.fill("#id_body", FIRST_BODY)
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", "2024-11-20")
    page.fill("#id_published_at_1", "09:00:00")
    page.select_option("#id_section", label="الخليج والعالم")
    notes = page.locator(".timezonewarning")
    assert notes.count() >= 2 and [notes.nth(i).is_visible() for i in range(notes.count())].count(True) == 1
    assert "توقيت جهازك" in page.locator(".timezonewarning:visible").inner_text()
    fits(page)
    screenshot(page, "admin-add-body")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/admin/articles/article/\d+/change/$"))
    pk = int(page.url.rstrip("/").split("/")[-2])
    assert page.locator("#id_body").input_value() == FIRST_BODY

    # The public page: paragraphs and the crosshead as the text said.
    article_url = f"/2024/11/20/{pk}/"
    page.goto(article_url)
    assert page.locator(".article-body h2").all_inner_texts() == ["جدول الأعمال"]
    assert page.locator(".article-body p").count() == 2

    # 2. Find it in the changelist with another spelling (the index follows the save on its own time).
    def found():
        page.goto("/admin/articles/article/?q=" + urllib.parse.quote(f"استانا {tag}"))
        return page.locator("#result_list a", has_text=title).count() == 1

    wait_for(found)
    fits(page)
    screenshot(page, "admin-search-variant")

    # 3. Correct it.
    page.locator("#result_list a", has_text=title).click()
    page.wait_for_url(re.compile(rf".*/admin/articles/article/{pk}/change/(\?.*)?$"))
    page.fill("#id_body", CORRECTED_BODY)
    page.click("input[name=_continue]")
    # The changelist's search is kept in the URL (?_changelist_filters=...).
    page.wait_for_url(re.compile(rf".*/admin/articles/article/{pk}/change/\?_changelist_filters=.*"))
    assert page.locator(".messagelist .success").count() == 1

    # 4. The history and the word-level diff of the two revisions.
    page.goto(f"/admin/articles/article/{pk}/history/")
    rows = page.locator("#change-history tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(2).inner_text() == live_site.editor[0]
    screenshot(page, "admin-history")
    page.click("input[type=submit][value='قارن النسختين']")
    page.wait_for_url("**/history/compare/**")
    body_diff = page.locator("section.diff-field", has=page.locator("h2", has_text="النص")).locator(".diff")
    assert body_diff.locator("del").all_inner_texts() == ["صباح اليوم", "يومين."]
    assert body_diff.locator("ins").all_inner_texts() == ["مساء أمس", "ثلاثة أيام."]
    assert body_diff.get_attribute("dir") == "rtl"
    fits(page)
    screenshot(page, "admin-compare")

    # 5. Restore the first revision (the oldest row), exactly.
    page.goto(f"/admin/articles/article/{pk}/history/")
    page.locator("#change-history tbody tr").last.locator("a").click()
    page.wait_for_url(f"**/admin/articles/article/{pk}/history/*/")
    assert page.locator("#id_body").input_value() == FIRST_BODY
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    page.goto(f"/admin/articles/article/{pk}/change/")
    assert page.locator("#id_body").input_value() == FIRST_BODY
    page.goto(article_url)
    assert "صباح اليوم" in page.locator(".article-body").inner_text()

    # 6. A photo: a real JPEG made by Pillow, uploaded, resized, shown with srcset.
    photo = tmp_path / "wafd.jpg"
    Image.new("RGB", (1800, 1200), (40, 90, 160)).save(photo, "JPEG", quality=85)
    page.goto(f"/admin/articles/article/{pk}/change/")
    page.set_input_files("#id_image", str(photo))
    page.click("input[name=_continue]")  # no alt text yet: refused, nothing lost
    assert "اكتب النص البديل للصورة" in page.locator(".field-image_alt .errorlist").inner_text()
    assert page.locator("#id_body").input_value() == FIRST_BODY
    page.set_input_files("#id_image", str(photo))
    page.fill("#id_image_alt", "وفود تصل إلى قاعة المؤتمر")
    page.fill("#id_image_caption", "قاعة المؤتمر قبل الافتتاح")
    page.fill("#id_image_credit", "واس")
    page.click("input[name=_continue]")
    page.wait_for_url(f"**/admin/articles/article/{pk}/change/")
    assert page.locator(".messagelist .success").count() == 1
    fits(page)
    screenshot(page, "admin-change-photo")

    page.goto(article_url)
    img = page.locator(".article-photo img")
    assert img.get_attribute("alt") == "وفود تصل إلى قاعة المؤتمر"
    assert re.fullmatch(r"\S+-480\.webp 480w, \S+-960\.webp 960w, \S+-1440\.webp 1440w", img.get_attribute("srcset"))
    wait_for(lambda: img.evaluate("i => i.complete && i.naturalWidth > 0"))
    assert page.locator(".article-photo figcaption").inner_text() == "قاعة المؤتمر قبل الافتتاح — تصوير: واس"
    og = page.locator("meta[property='og:image']").get_attribute("content")
    assert og.startswith(live_site.url + "/media/articles/") and og.endswith("-1440.webp")
    screenshot(page, "article-photo")
    assert page.log.page_errors == [] and csp_violations(page) == []

    phone_context, phone = _open_page(browser, PHONE, live_site.url)
    try:
        phone.goto(article_url)
        phone_img = phone.locator(".article-photo img")
        wait_for(lambda: phone_img.evaluate("i => i.complete && i.naturalWidth > 0"))
        # 375 CSS px at device scale 1: the browser picks the 480 copy.
        assert phone_img.evaluate("i => i.currentSrc").endswith("-480.webp")
        fits(phone)
        screenshot(phone, "article-photo")
    finally:
        phone_context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_admin_pages_fit_and_read(browser, live_site, viewport):
    context, page = _open_page(browser, viewport, live_site.url, timezone_id="Europe/London")
    try:
        login(page, live_site.editor)
        assert page.locator(".review-queue .review-total a").inner_text().startswith("بانتظار المراجعة: ")
        screenshot(page, "admin-index")
        page.goto("/admin/articles/article/?q=" + urllib.parse.quote("أستانا"))
        fits(page)
        screenshot(page, "admin-changelist")
        if viewport is DESKTOP:
            # Titles on at most three lines, and every column visible.
            heights = page.locator("#result_list td.field-title, #result_list th.field-title").evaluate_all(
                "cells => cells.map(c => c.getBoundingClientRect().height)"
            )
            line = page.locator("#result_list th.field-title a").first.evaluate(
                "a => parseFloat(getComputedStyle(a).lineHeight) || 20"
            )
            assert max(heights) <= 3 * line + 24, (max(heights), line)
            review = page.locator("#result_list thead th.column-review").bounding_box()
            assert review["x"] >= 0 and review["x"] + review["width"] <= viewport["width"]
        page.locator("#result_list tbody th a").first.click()
        page.wait_for_url(re.compile(r".*/change/(\?.*)?$"))
        fits(page)
        screenshot(page, "admin-change-form")
        visible = page.locator(".timezonewarning").evaluate_all("ws => ws.filter(w => w.offsetParent !== null).length")
        assert visible == 1
    finally:
        context.close()


@pytest.mark.parametrize("which", ["index", "search", "change", "history", "compare", "queue"])
def test_touched_admin_pages_pass_axe(axe_page, live_site, axe_path, which):
    page = axe_page
    login(page, live_site.editor)
    page.goto("/admin/articles/article/?q=" + urllib.parse.quote("أستانا"))
    first = page.locator("#result_list tbody th a").first.get_attribute("href")
    pk = int(first.split("?")[0].rstrip("/").split("/")[-2])
    if which in ("history", "compare"):
        # Two revisions to list and compare: save the form twice as it is.
        for _ in range(2):
            page.goto(f"/admin/articles/article/{pk}/change/")
            page.click("input[name=_continue]")
            page.wait_for_url(f"**/admin/articles/article/{pk}/change/")
    url = {
        "index": "/admin/",
        "search": "/admin/articles/article/?q=" + urllib.parse.quote("أستانا"),
        "change": f"/admin/articles/article/{pk}/change/",
        "history": f"/admin/articles/article/{pk}/history/",
        "compare": None,
        "queue": "/admin/articles/article/?review=queue",
    }[which]
    if which == "compare":
        page.goto(f"/admin/articles/article/{pk}/history/")
        page.click("input[type=submit][value='قارن النسختين']")
        page.wait_for_url("**/history/compare/**")
    else:
        page.goto(url)
    violations = run_axe(page, axe_path)
    assert not violations, f"admin {which}:\n{describe(violations)}"
