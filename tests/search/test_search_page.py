"""The search page around the results: filter panel, chips, empty states, the month chart, export links,
numbered pagination (shared with the browse pages)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from haystack import connections

from articles.templatetags.paging import page_links
from tests.factories import make_article, make_section
from tests.search import test_views
from tests.search.test_views import aware

search_index_dir = test_views.search_index_dir
search_archive = test_views.search_archive

pytestmark = pytest.mark.django_db

Q = quote("أسعار")


def page(client, **params) -> str:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def links_numbers(links) -> list[int]:
    return [link.number for link in links if link.number is not None]


def numbers(links) -> list:
    return [("…" if link.number is None else f"[{link.number}]" if link.current else link.number) for link in links]


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (1, ["[1]", 2, 3, "…", 82]),
        (2, [1, "[2]", 3, 4, "…", 82]),
        (5, [1, 2, 3, 4, "[5]", 6, 7, "…", 82]),
        (40, [1, "…", 38, 39, "[40]", 41, 42, "…", 82]),
        (82, [1, "…", 80, 81, "[82]"]),
    ],
)
def test_page_numbers_of_82_pages(current, expected):
    links = page_links(Paginator(range(82 * 20), 20).page(current))
    wide = [link for link in links if not link.narrow_gap]
    assert numbers(wide) == expected
    # A phone leaves out pages two or more steps away (never the first or the last); where that
    # opens a gap without "…", a phone-only "…" stands in.
    assert [link.number for link in links if link.far] == [
        n for n in links_numbers(links) if abs(n - current) >= 2 and n not in (1, 82)
    ]
    narrow = [link for link in links if not link.far]
    assert (
        numbers(narrow)
        == {
            1: ["[1]", 2, "…", 82],
            2: [1, "[2]", 3, "…", 82],
            5: [1, "…", 4, "[5]", 6, "…", 82],
            40: [1, "…", 39, "[40]", 41, "…", 82],
            82: [1, "…", 81, "[82]"],
        }[current]
    )


def test_page_numbers_of_a_few_pages_have_no_gap():
    assert numbers(page_links(Paginator(range(100), 20).page(3))) == [1, 2, "[3]", 4, 5]


def test_search_page_links_its_page_numbers_keeping_the_query(client, index_dir):
    section = make_section(name="اقتصاد", slug="economy")
    for n in range(45):
        make_article(title=f"أسعار يوم {n}", section=section, published_at=aware(2015, 7, 1 + n % 28, 8, n))
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    html = page(client, q="أسعار", section="economy", page="2")
    nav = re.search(r'<nav class="pagination" aria-label="الصفحات">.*?</nav>', html, re.S).group(0)
    base = f"?q={Q}&amp;section=economy&amp;page="
    assert f'<a href="{base}1" aria-label="صفحة 1">1</a>' in nav
    assert f'<a href="{base}2" aria-current="page" aria-label="صفحة 2">2</a>' in nav
    assert f'<a href="{base}3" aria-label="صفحة 3">3</a>' in nav
    assert nav.count("aria-current") == 1
    assert f'<a rel="prev" href="{base}1">→ السابق</a>' in nav
    assert f'<a rel="next" href="{base}3">التالي ←</a>' in nav
    assert '<span class="pagination-current">صفحة 2 من 3 صفحات</span>' in nav


def test_browse_pages_get_the_same_numbers(client, db):
    section = make_section(name="محليات")
    for n in range(45):
        make_article(title=f"خبر {n}", section=section)
    html = client.get(section.get_absolute_url(), {"page": 3}).content.decode()
    assert '<a href="?page=3" aria-current="page" aria-label="صفحة 3">3</a>' in html
    assert '<li class="pagination-far"><a href="?page=1" aria-label="صفحة 1">1</a></li>' not in html  # an end
    assert '<a rel="prev" href="?page=2">→ السابق</a>' in html
    assert "css/pagination.css" in html


def test_filter_panel_is_above_the_results_and_closed(client, search_archive):
    html = page(client, q="أسعار")
    panel, results = html.index('<details class="search-filters">'), html.index('<ol class="search-results"')
    assert panel < results
    assert html.count('<details class="search-filters"') == 1
    assert '<summary><span class="search-filters-title">تصفية النتائج</span></summary>' in html
    assert f'<a href="?q={Q}&amp;section=economy">اقتصاد</a> (1)' in html
    # Nothing of the facets is left in the sidebar.
    aside = html[html.index('<aside class="page-aside"') :]
    assert "search-facets" not in aside and "اقتصاد</a> (1)" not in aside
    # The panel's dates go through the advanced form's day/month/year check, the query along.
    form = re.search(r'<form class="facet facet-dates".*?</form>', html, re.S).group(0)
    assert 'action="/search/advanced/"' in form
    assert '<input type="hidden" name="advanced" value="1">' in form
    assert '<input type="hidden" name="q" value="أسعار">' in form
    assert 'type="date"' not in html


def test_active_filters_are_chips_and_the_panel_counts_them(client, search_archive):
    html = page(client, q="أسعار", section="economy", date_from="2014-01-01", date_to="2014-12-31")
    chips = re.search(r'<ul class="chips">.*?</ul>', html, re.S).group(0)
    assert chips.count('class="chip"') == 2
    assert (
        f'<a class="chip" href="?q={Q}&amp;date_from=2014-01-01&amp;date_to=2014-12-31" title="إلغاء هذا الشرط" '
        'aria-label="إلغاء التصفية: القسم: اقتصاد"><span class="chip-label">القسم: اقتصاد</span> '
        '<span class="chip-x" aria-hidden="true">×</span></a>'
    ) in chips
    assert f'href="?q={Q}&amp;section=economy"' in chips
    assert "التاريخ: من 1 يناير، 2014 إلى 31 ديسمبر، 2014" in chips
    assert '<span class="search-filters-count">(المفعّل منها: 2)</span>' in html
    assert '<strong aria-current="true">اقتصاد</strong> (1)' in html


def test_no_results_offers_each_filter_to_drop_and_no_empty_facets(client, search_archive):
    html = page(client, q="أسعار", section="politics", date_from="2014-01-01")
    assert '<p class="search-count" role="status">لا توجد نتائج</p>' in html
    assert "search-filters" not in html and "search-facets" not in html and "timeline" not in html
    empty = re.search(r'<div class="search-empty">.*?</div>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', empty)
    assert links == [
        (f"?q={Q}&amp;date_from=2014-01-01", "في كل الأقسام، لا في «سياسة» وحده"),
        (f"?q={Q}&amp;section=politics", "من دون «التاريخ: من 1 يناير، 2014»"),
        (f"?q={Q}", "في الأرشيف كله بلا أي تصفية"),
        (f"/search/advanced/?q={Q}&amp;section=politics&amp;date_from=2014-01-01", "البحث المتقدم"),
    ]
    # The first link finds what the filter hid.
    assert "نتيجتان" in page(client, q="أسعار", date_from="2014-01-01")


def test_no_results_shows_the_spelling_suggestion(client, search_archive):
    html = page(client, q="الخارجبة", section="economy", spell="0")
    assert (
        'هل تقصد: <a href="?q=%D8%A7%D9%84%D8%AE%D8%A7%D8%B1%D8%AC%D9%8A%D8%A9&amp;section=economy&amp;spell=0">'
        "الخارجية</a>؟"
    ) in html
    assert "في كل الأقسام، لا في «اقتصاد» وحده" in html


def test_operator_help_and_advanced_link(client, search_archive):
    html = page(client, q="أسعار", section="economy")
    help_box = re.search(r'<details class="search-help">.*?</details>', html, re.S).group(0)
    for operator in ('"مجلس الأمن"', "-كرة", "النفط OR الغاز", "+الرياض"):
        assert f"<kbd>{operator}</kbd>" in help_box
    assert (
        f'<a class="search-advanced-link" href="/search/advanced/?q={Q}&amp;section=economy">البحث المتقدم</a>' in html
    )
    assert "css/search.css" in html


def test_export_links_carry_the_search_without_the_page(client, search_archive):
    html = page(client, q="أسعار", sort="newest")
    assert f'<a href="/search/export.csv?q={Q}&amp;sort=newest" download>CSV</a>' in html
    assert f'<a href="/search/export.jsonl?q={Q}&amp;sort=newest" download>JSONL</a>' in html
    assert "(حتى 1000 نتيجة)" in html


def test_month_chart_bars_link_to_their_month(client, search_archive, month_facet):
    # أسعار: May 2014 (oil) and August 2015 (match): 16 months, two of them with results.
    response = client.get("/search/", {"q": "أسعار", "section": "", "sort": "newest", "page": "1"})
    html = response.content.decode()
    chart = response.context["chart"]
    assert chart.months == 16
    assert [(b.label, b.count) for b in chart.linked_bars] == [("مايو 2014", 1), ("أغسطس 2015", 1)]
    figure = re.search(r'<figure class="timeline".*?</figure>', html, re.S).group(0)
    assert '<svg class="timeline-chart" width="576" height="150" role="group"' in figure
    bars = re.findall(r'<a class="timeline-bar" href="([^"]*)" aria-label="([^"]*)">', figure)
    # The filter links keep the query and sort, set the month, drop the page.
    kept = f"?q={Q}&amp;section=&amp;sort=newest"
    assert bars == [
        (f"{kept}&amp;date_from=2014-05-01&amp;date_to=2014-05-31", "مايو 2014: نتيجة واحدة"),
        (f"{kept}&amp;date_from=2015-08-01&amp;date_to=2015-08-31", "أغسطس 2015: نتيجة واحدة"),
    ]
    # Oldest on the right: May 2014 is the last of 16 columns, August 2015 the first.
    assert '<rect class="timeline-hit" x="15.0" y="0" width="1" height="100"></rect>' in figure
    assert '<rect class="timeline-fill" x="0.15" y="5.0" width="0.7" height="95.0"></rect>' in figure
    assert '<title id="timeline-title">عدد النتائج في كل شهر</title>' in figure
    assert "من مايو 2014 إلى أغسطس 2015، 16 شهرًا." in figure
    ticks = re.findall(r'<text class="timeline-tick" x="([\d.]+)%"[^>]*>(\d{4})</text>', figure)
    assert ticks == [("96.0", "2014"), ("46.88", "2015")]  # May 2014 (kept off the edge), January 2015
    # The chart comes before the results, after the filter panel.
    assert html.index("search-filters") < html.index('<figure class="timeline"') < html.index("search-results")
    # Following a bar: that month's results only, and no chart of a single month.
    month = client.get("/search/", {"q": "أسعار", "date_from": "2015-08-01", "date_to": "2015-08-31"})
    assert [h.pk for h in month.context["outcome"].hits] == [search_archive["match"].pk]
    assert month.context["chart"] is None
    assert '<figure class="timeline"' not in month.content.decode()


def test_no_chart_without_the_month_facet(client, search_archive, monkeypatch):
    # Engines that give no month counts (the portable path) still get the page, without a chart.
    from articles.search import views

    run_search = views.run_search

    def without_months(params):
        outcome = run_search(params)
        outcome.facets.pop("month", None)
        return outcome

    monkeypatch.setattr(views, "run_search", without_months)
    response = client.get("/search/", {"q": "أسعار"})
    assert response.context["outcome"].count == 2
    assert response.context["chart"] is None
    html = response.content.decode()
    assert '<figure class="timeline"' not in html
    assert '<ol class="search-results"' in html
