"""Reader and editor journeys through the real site (gunicorn, production settings, chromium)."""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from tests.browser.conftest import csp_violations, login, screenshot
from tests.browser.livesite import PAGED_SECTION, RELATED_TITLE, get, manage
from tests.waiting import wait_until

pytestmark = pytest.mark.browser

ARTICLE_HREF = re.compile(r"^/\d{4}/\d{1,2}/\d{1,2}/\d+/$")
HARAKAT = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670]")
SEED_TITLE = "زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن"


def article_links(page, scope: str = "main"):
    """Links in ``scope`` that point at a dated article page."""
    hrefs = page.eval_on_selector_all(f"{scope} a[href]", "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if ARTICLE_HREF.match(urllib.parse.urlsplit(h).path)]


def assert_clean(page) -> None:
    assert page.log.page_errors == []
    assert csp_violations(page) == []


def test_home_section_article_related(page, live_site):
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "home")

    page.locator(".section-nav a", has_text="الخليج والعالم").first.click()
    page.wait_for_url(re.compile(r"/section/"))
    assert page.locator("h1").inner_text() == "الخليج والعالم"
    screenshot(page, "section")

    page.locator("main .card-title a", has_text=SEED_TITLE).click()
    page.wait_for_url(re.compile(r"/a/\d+/$"))  # the seed page has no date: its URL is the undated one
    assert page.locator("h1.article-title").inner_text() == SEED_TITLE
    assert "أستانة" in page.locator(".article-body").inner_text()
    screenshot(page, "article")

    # The seed's related-article list links the one title that exists in the archive.
    related = page.locator(".related li > a")
    assert related.count() == 1
    # The other eight are marked as not in the archive, each with a search link for its title.
    assert page.locator(".related .not-in-archive a", has_text="ابحث عنه").count() == 8
    related.click()
    page.wait_for_url(re.compile(r"/\d{4}/\d+/\d+/\d+/$"))
    assert page.locator("h1.article-title").inner_text() == RELATED_TITLE
    assert_clean(page)


@pytest.mark.parametrize(
    "query",
    [
        "واستانا",
        "الاستانه",
        "والاستانة",
    ],
)
def test_search_without_hamza_with_clitic_finds_seed(page, live_site, query):
    page.goto("/")
    page.fill("input[name=q]", query)
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    marks = page.locator("main mark").all_inner_texts()
    assert marks, "no highlighted term on the results page"
    # Every highlighted span is a spelling of Astana (hamza or not, clitics, ta marbuta, harakat).
    bare = [HARAKAT.sub("", m) for m in marks]
    assert all(re.fullmatch(r"[وبلفك]?(ال)?[اأآ]ستان[اةه]", m) for m in bare), marks
    if query == "الاستانه":
        screenshot(page, "search")

    page.locator("main a", has_text=SEED_TITLE).first.click()
    page.wait_for_url(re.compile(r"/a/\d+/$"))  # undated: the seed page has no date
    assert page.locator("h1.article-title").inner_text() == SEED_TITLE
    assert "أستانة" in page.locator(".article-body").inner_text()
    assert_clean(page)


def test_date_archive_year_month_day_article(page, live_site):
    page.goto("/archive/")
    page.locator('main a[href="/2016/"]').first.click()
    page.wait_for_url("**/2016/")
    page.locator('main a[href="/2016/3/"]').first.click()
    page.wait_for_url("**/2016/3/")
    screenshot(page, "archive-month")
    page.locator('main a[href="/2016/3/14/"]').first.click()
    page.wait_for_url("**/2016/3/14/")
    links = article_links(page)
    assert len(links) == 20  # 25 articles that day, 20 a page
    page.locator(f'main a[href="{links[0]}"]').first.click()
    page.wait_for_url(re.compile(r"/2016/3/14/\d+/$"))
    # Latest first: the last of the 25 (08:24) opens the day.
    assert page.locator("h1.article-title").inner_text() == "خبر منوعات رقم 25"
    assert_clean(page)


def _article_pk(page, title: str) -> int:
    page.goto(f"/section/{urllib.parse.quote(PAGED_SECTION)}/")
    href = page.locator("main .card-title a", has_text=re.compile(rf"^{title}$")).get_attribute("href")
    return int(href.rstrip("/").rsplit("/", 1)[1])


RESTORE_TITLES = """
import json
from articles.models import Article
for pk, title in json.loads({titles!r}).items():
    article = Article.objects.get(pk=pk)
    article.title = title
    article.save()  # through save(): the index and the page cache follow, as after an admin edit
"""


@pytest.fixture
def restore_titles(live_site):
    """Remember article titles a test changes; put them back afterwards so other tests see the site as built."""
    originals: dict[int, str] = {}
    yield originals
    if originals:
        manage(live_site.data_dir, "shell", "-c", RESTORE_TITLES.format(titles=json.dumps(originals)))


def test_editor_edits_title_and_search_finds_it(page, live_site, restore_titles):
    title = "خبر منوعات رقم 25"
    pk = _article_pk(page, title)
    restore_titles[pk] = title
    login(page, live_site.editor)
    page.goto(f"/admin/articles/article/{pk}/change/")
    screenshot(page, "admin-change")
    new_word = "زنجبيلية"
    page.fill("#id_title", f"خبر منوعات معدل {new_word}")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/**")
    assert page.locator(".messagelist .success").count() == 1

    def found() -> bool:
        status, body = get(f"{live_site.url}/search/?q={urllib.parse.quote(new_word)}")
        return status == 200 and f"/{pk}/" in body.decode()

    wait_until(found, message="the new title never became searchable after saving")
    assert_clean(page)


def test_editor_cannot_delete(page, live_site):
    pk = _article_pk(page, "خبر منوعات رقم 24")
    login(page, live_site.editor)
    page.goto(f"/admin/articles/article/{pk}/change/")
    assert page.locator("#id_title").is_visible()
    assert page.locator("a.deletelink").count() == 0
    response = page.goto(f"/admin/articles/article/{pk}/delete/")
    assert response.status == 403
    page.goto("/admin/articles/article/")
    options = page.locator("select[name=action] option").evaluate_all("os => os.map(o => o.value)")
    assert "delete_selected" not in options
    status, _ = get(f"{live_site.url}/a/{pk}/")
    assert status in (200, 301)  # still there
