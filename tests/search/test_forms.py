"""SearchForm: what each parameter accepts, what it turns into, and the Arabic message when it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from articles.search.forms import SearchForm
from articles.search.query import SearchParams
from tests.factories import make_publication, make_section

pytestmark = pytest.mark.django_db


def form(allow_page_size=False, **data) -> SearchForm:
    f = SearchForm(data, allow_page_size=allow_page_size)
    f.is_valid()
    return f


def test_defaults_give_search_params():
    f = form(q="أستانا")
    assert f.is_valid()
    assert f.params() == SearchParams(q="أستانا", page=1, page_size=20, sort="relevance")


def test_full_set_of_parameters():
    section = make_section(name="سياسة", slug="politics")
    make_publication(name="الرياض", slug="الرياض")  # unicode slugs are slugs
    f = form(
        allow_page_size=True,
        q="  وزير   الخارجية ",
        page="3",
        page_size="50",
        section="politics",
        publication="الرياض",
        date_from="2015-07-01",
        date_to="2015-07-31",
        sort="newest",
    )
    assert f.is_valid(), f.errors
    assert f.params() == SearchParams(
        q="وزير الخارجية",
        section="politics",
        publication="الرياض",
        date_from=date(2015, 7, 1),
        date_to=date(2015, 7, 31),
        sort="newest",
        page=3,
        page_size=50,
    )
    assert f.section_obj == section


def test_page_size_is_ignored_on_the_html_page():
    f = form(q="x", page_size="7")
    assert f.is_valid() and f.cleaned_data["page_size"] == 20


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("أسعار\x00النفط", "أسعار النفط"),
        ("\tأسعار\r\nالنفط\x1b", "أسعار النفط"),
        ("\u202bأسعار\u202c", "\u202bأسعار\u202c"),  # bidi controls are the analyzer's business (separators)
        ("😀", "😀"),
    ],
)
def test_control_characters_become_spaces(raw, clean):
    f = form(q=raw)
    assert f.is_valid() and f.cleaned_data["q"] == clean


@override_settings(SEARCH_MAX_QUERY_LENGTH=10, SEARCH_MAX_TERMS=3)
def test_long_queries_are_not_refused():
    # the search keeps what it can afford (query.clean_query, planning.plan): the form refuses nothing
    assert form(q="أ" * 11).is_valid()
    assert form(q="أ ب ت ث " * 50).is_valid()


def test_spell_zero_searches_the_words_as_typed():
    f = form(q="الرياظ", spell="0")
    assert f.is_valid() and f.params().correct is False
    f = form(q="الرياظ")
    assert f.is_valid() and f.params().correct is True


@pytest.mark.parametrize("page", ["0", "-1", "+1", " 1x", "1.0", "1e3", "٢", "10001", "9" * 30, "1_0"])
def test_bad_pages(page):
    assert form(q="x", page=page).errors["page"] == ["رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا."]


@pytest.mark.parametrize(("raw", "value"), [("", 1), ("1", 1), ("10000", 10000), (" 7 ", 7)])
def test_good_pages(raw, value):
    f = form(q="x", page=raw)
    assert f.is_valid() and f.cleaned_data["page"] == value


@pytest.mark.parametrize("size", ["0", "51", "-5", "x"])
def test_bad_page_sizes(size):
    assert form(allow_page_size=True, q="x", page_size=size).errors["page_size"] == [
        "عدد النتائج في الصفحة يجب أن يكون بين 1 و50."
    ]


@pytest.mark.parametrize("slug", ["nope", "a b", "<script>", "x\x00", "s" * 201, "../etc"])
def test_unknown_or_malformed_slugs(slug):
    make_section(name="سياسة", slug="politics")
    f = form(q="x", section=slug, publication=slug)
    assert f.errors["section"] == ["القسم المطلوب غير موجود."]
    assert f.errors["publication"] == ["المصدر المطلوب غير موجود."]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2015-02-29", "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21."),
        ("2015-7-1", "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21."),
        ("2015/07/01", "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21."),
        ("٢٠١٥-٠٧-٠١", "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21."),
        ("20150701", "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21."),
        ("1899-12-31", "التاريخ خارج النطاق المسموح (من 1900 إلى 2100)."),
        ("2101-01-01", "التاريخ خارج النطاق المسموح (من 1900 إلى 2100)."),
    ],
)
def test_bad_dates(raw, message):
    f = form(q="x", date_from=raw, date_to=raw)
    assert f.errors["date_from"] == [message] and f.errors["date_to"] == [message]


def test_date_order_and_first_error():
    f = form(q="x", date_from="2015-08-01", date_to="2015-07-01")
    assert f.errors["date_to"] == ["تاريخ البداية بعد تاريخ النهاية."]
    assert f.first_error() == ("date_to", "تاريخ البداية بعد تاريخ النهاية.")
    assert form(q="x", date_from="2015-07-01", date_to="2015-07-01").is_valid()  # a one-day range


def test_first_error_follows_field_order():
    f = form(q="أ", page="0", sort="x")
    assert f.first_error()[0] == "page"


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", ""])
def test_sorts(sort):
    f = form(q="x", sort=sort)
    assert f.is_valid() and f.cleaned_data["sort"] == (sort or "relevance")


def test_unknown_sort():
    assert form(q="x", sort="-published_at").errors["sort"] == [
        "طريقة الترتيب غير معروفة: اختر الأكثر صلة أو الأحدث أو الأقدم."
    ]
