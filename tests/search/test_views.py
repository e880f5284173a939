"""The search page: results with highlights, count, facets, fallback, suggestion, filters; errors as pages.

Runs against a real on-disk Whoosh index built by the project's backend (``search_archive`` below, also
imported by the API and OpenSearch tests).
"""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from haystack import connections

from articles.models import Article
from tests.factories import make_article, make_publication, make_section

pytestmark = pytest.mark.django_db


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def search_index_dir(index_dir):
    return index_dir


@pytest.fixture
def search_archive(db, search_index_dir):
    """Three published articles in three sections and two publications, one draft; all indexed."""
    politics = make_section(name="سياسة", slug="politics")
    economy = make_section(name="اقتصاد", slug="economy")
    sports = make_section(name="رياضة", slug="sports")
    riyadh = make_publication(name="الرياض", slug="alriyadh")
    okaz = make_publication(name="عكاظ", slug="okaz")
    astana = make_article(
        title="لقاء وزراء الخارجية في أستانة",
        section=politics,
        publication=riyadh,
        published_at=aware(2015, 7, 21, 10, 0),
        source_url="https://example.com/astana",
        paragraphs=["اجتمع وزراء الخارجية في العاصمة الكازاخستانية لبحث الأزمة السورية."],
    )
    oil = make_article(
        title="أسعار النفط ترتفع في الأسواق",
        section=economy,
        publication=okaz,
        published_at=aware(2014, 5, 10, 9, 0),
        source_url="https://example.com/oil",
        paragraphs=["ارتفعت أسعار النفط اليوم في الأسواق العالمية بعد اجتماع المنتجين."],
    )
    match = make_article(
        title="مباراة الهلال والنصر",
        section=sports,
        publication=riyadh,
        published_at=aware(2015, 8, 1, 20, 0),
        source_url="https://example.com/match",
        paragraphs=["فاز الهلال على النصر في مباراة الدوري، وارتفعت أسعار التذاكر."],
    )
    draft = make_article(
        title="مسودة عن أسعار النفط",
        section=economy,
        publication=okaz,
        status=Article.Status.DRAFT,
        paragraphs=["نص لم ينشر بعد عن أسعار النفط."],
    )
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    return {"astana": astana, "oil": oil, "match": match, "draft": draft}


def get(client, **params):
    return client.get("/search/", params)


def test_results_show_count_highlighted_snippet_links_and_metadata(client, search_archive):
    astana = search_archive["astana"]
    response = get(client, q="وزراء الخارجية")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="وزراء الخارجية"' in html  # the query box is prefilled
    assert '<p class="search-count" role="status">نتيجة واحدة لـ«وزراء الخارجية»</p>' in html
    assert "اجتمع <mark>وزراء</mark> <mark>الخارجية</mark> في العاصمة الكازاخستانية" in html
    assert f'<a href="/2015/7/21/{astana.pk}/">لقاء <mark>وزراء</mark> <mark>الخارجية</mark> في أستانة</a>' in html
    assert '<a href="/section/politics/">سياسة</a>' in html
    assert " · الرياض" in html
    assert '<time datetime="2015-07-21T10:00:00+03:00">21 يوليو، 2015</time>' in html
    assert response.context["outcome"].count == 1
    assert response.context["outcome"].fallback is False


def test_facets_are_filter_links_with_counts(client, search_archive):
    html = get(client, q="أسعار").content.decode()
    assert '<p class="search-count" role="status">نتيجتان لـ«أسعار»</p>' in html  # the draft is not indexed
    assert "مسودة" not in html
    q = "%D8%A3%D8%B3%D8%B9%D8%A7%D8%B1"
    assert f'<a href="?q={q}&amp;section=economy">اقتصاد</a> (1)' in html
    assert f'<a href="?q={q}&amp;section=sports">رياضة</a> (1)' in html
    assert f'<a href="?q={q}&amp;publication=alriyadh">الرياض</a> (1)' in html
    assert f'<a href="?q={q}&amp;date_from=2015-01-01&amp;date_to=2015-12-31">2015</a> (1)' in html
    assert f'<a href="?q={q}&amp;date_from=2014-01-01&amp;date_to=2014-12-31">2014</a> (1)' in html


def test_section_filter_and_active_filter_removal_link(client, search_archive):
    response = get(client, q="أسعار", section="economy")
    html = response.content.decode()
    assert [h.pk for h in response.context["outcome"].hits] == [search_archive["oil"].pk]
    assert '<span class="chip-label">القسم: اقتصاد</span> <span class="chip-x" aria-hidden="true">×</span>' in html
    assert 'href="?q=%D8%A3%D8%B3%D8%B9%D8%A7%D8%B1"' in html  # the removal link drops only the section
    assert '<input type="hidden" name="section" value="economy">' in html


def test_date_range_and_sort(client, search_archive):
    oil, match = search_archive["oil"].pk, search_archive["match"].pk
    assert [h.pk for h in get(client, q="أسعار", date_from="2015-01-01").context["outcome"].hits] == [match]
    assert [h.pk for h in get(client, q="أسعار", date_to="2014-12-31").context["outcome"].hits] == [oil]
    assert [h.pk for h in get(client, q="أسعار", sort="oldest").context["outcome"].hits] == [oil, match]
    response = get(client, q="أسعار", sort="newest")
    assert [h.pk for h in response.context["outcome"].hits] == [match, oil]
    html = response.content.decode()
    assert '<strong aria-current="true">الأحدث أولًا</strong>' in html
    assert '<a href="?q=%D8%A3%D8%B3%D8%B9%D8%A7%D8%B1&amp;sort=oldest">الأقدم أولًا</a>' in html


def test_fallback_notice_when_no_article_has_all_words(client, search_archive):
    response = get(client, q="النفط الهلال")
    html = response.content.decode()
    assert response.context["outcome"].fallback is True
    assert "لم نجد نتائج تضم كل الكلمات، فهذه نتائج تضم بعضها" in html
    assert "نتيجتان" in html


def test_a_misspelled_word_shows_the_results_of_its_correction(client, search_archive):
    response = get(client, q="الخارجبة")
    html = response.content.decode()
    assert response.context["outcome"].count == 1
    assert (
        '<p class="search-corrected">عرض نتائج: <strong>الخارجية</strong> — ابحث بدلًا من ذلك عن: '
        '<a href="?q=%D8%A7%D9%84%D8%AE%D8%A7%D8%B1%D8%AC%D8%A8%D8%A9&amp;spell=0">الخارجبة</a></p>'
    ) in html
    as_typed = get(client, q="الخارجبة", spell="0").content.decode()
    assert (
        'هل تقصد: <a href="?q=%D8%A7%D9%84%D8%AE%D8%A7%D8%B1%D8%AC%D9%8A%D8%A9&amp;spell=0">الخارجية</a>؟' in as_typed
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("الخارجيه", {"astana"}),  # ه for ة
        ("الخـارجية", {"astana"}),  # tatweel
        ("وُزَرَاء", {"astana"}),  # harakat
        ("اسعار", {"oil", "match"}),  # no hamza: أسعار in both (the draft stays out)
    ],
)
def test_spelling_variants_find_the_article(client, search_archive, q, expected):
    # One word each, so no other word of the query can find the article when this rule broke.
    pks = {hit.pk for hit in get(client, q=q).context["outcome"].hits}
    assert pks == {search_archive[name].pk for name in expected}, q


def test_no_results_says_so(client, search_archive):
    response = get(client, q="زلزال")
    assert response.status_code == 200
    assert '<p class="search-count" role="status">لا توجد نتائج</p>' in response.content.decode()


def test_empty_query_is_the_search_form(client, search_archive):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="q"' in html and "البحث في الأرشيف" in html
        assert "outcome" not in response.context or response.context.get("outcome") is None
        assert "search-results" not in html


def test_pagination_keeps_query_and_filters(client, search_archive):
    economy = search_archive["oil"].section
    for n in range(21):
        make_article(
            title=f"تقرير اقتصادي رقم {n}",
            section=economy,
            published_at=aware(2015, 7, 1 + n % 28, 8, 0),
            paragraphs=["تقرير عن الموازنة."],
        )
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    first = get(client, q="تقرير", section="economy")
    html = first.content.decode()
    assert '<p class="search-count" role="status">21 نتيجةً لـ«تقرير»</p>' in html
    assert '<span class="pagination-current">صفحة 1 من صفحتين</span>' in html
    assert len(first.context["outcome"].hits) == 20
    q = "%D8%AA%D9%82%D8%B1%D9%8A%D8%B1"
    assert f'<a rel="next" href="?q={q}&amp;section=economy&amp;page=2">' in html
    second = get(client, q="تقرير", section="economy", page="2")
    assert second.status_code == 200
    assert len(second.context["outcome"].hits) == 1
    assert '<ol class="search-results" start="21">' in second.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "٣", "99999999999", "2"])
def test_bad_or_missing_page_is_404(client, search_archive, page):
    response = get(client, q="وزراء", page=page)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "أسعار", "section": "no-such"}, "القسم المطلوب غير موجود."),
        ({"q": "أسعار", "section": "x\x00y"}, "القسم المطلوب غير موجود."),
        ({"q": "أسعار", "publication": "no-such"}, "المصدر المطلوب غير موجود."),
        ({"q": "أسعار", "date_from": "2015-02-30"}, "التاريخ غير صحيح"),
        ({"q": "أسعار", "date_from": "21/07/2015"}, "التاريخ غير صحيح"),
        ({"q": "أسعار", "date_to": "0000-01-01"}, "التاريخ غير صحيح"),
        ({"q": "أسعار", "date_to": "9999-12-31"}, "التاريخ خارج النطاق"),
        ({"q": "أسعار", "date_from": "2015-08-01", "date_to": "2015-07-01"}, "تاريخ البداية بعد تاريخ النهاية."),
        ({"q": "أسعار", "sort": "-id"}, "طريقة الترتيب غير معروفة"),
    ],
)
def test_bad_input_is_the_page_with_an_arabic_message(client, search_archive, params, message):
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="search-errors" role="alert"' in html
    assert message in html
    assert "search-results" not in html


@pytest.mark.parametrize(
    "q",
    [
        '"أسعار',
        "AND",
        "OR",
        "NOT",
        "-",
        "*",
        "title:x",
        "django_ct:auth.user",
        "أسعار\x00النفط",
        "😀 أسعار",
        "\u202eأسعار\u202c",
        "\u200fالنفط",
        "(",
        "[a TO z]",
        "أسعار~2",
        "text:أستانا^3",
    ],  # fmt: skip
)
def test_query_syntax_never_fails(client, search_archive, q):
    response = get(client, q=q)
    assert response.status_code == 200
    assert "Traceback" not in response.content.decode()


def test_bidi_and_null_are_separators_not_errors(client, search_archive):
    outcome = get(client, q="أسعار\x00النفط").context["outcome"]
    assert outcome.all_count == 1 and outcome.hits[0].title == "أسعار النفط ترتفع في الأسواق"
    assert get(client, q="\u202bأسعار\u202c").context["outcome"].count == 2


def test_unavailable_index_is_a_503_page_and_logged(client, db, search_index_dir):
    # A real broken index: a table-of-contents file that is not one.
    search_index_dir.mkdir(parents=True)
    (search_index_dir / "_MAIN_1.toc").write_bytes(b"not a whoosh index")
    connections.reload("default")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("articles.search")
    logger.addHandler(handler)
    try:
        response = get(client, q="أسعار")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 503
    assert "البحث غير متاح الآن" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert any(r.levelno == logging.ERROR for r in records)


@pytest.mark.parametrize(
    ("n", "wording"),
    [(1, "نتيجة واحدة"), (2, "نتيجتان"), (3, "3 نتائج"), (10, "10 نتائج"), (11, "11 نتيجةً")],
)
def test_result_count_in_arabic_plural_forms(client, search_index_dir, n, wording):
    for i in range(n):
        make_article(title=f"تقرير رقم {i}", paragraphs=["نص التقرير."])
    make_article(title="مسودة تقرير", status=Article.Status.DRAFT)  # not indexed, not counted
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    response = get(client, q="تقرير")
    assert response.context["outcome"].count == n
    assert f'<p class="search-count" role="status">{wording} لـ«تقرير»</p>' in response.content.decode()
