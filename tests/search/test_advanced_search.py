"""Advanced search: the query string it composes, dates as day/month/year, its redirect and its messages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.dates import MONTHS

from articles.search.forms import AdvancedSearchForm, compose_query
from tests.factories import make_publication, make_section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"all_words": "وزير الخارجية"}, "+وزير +الخارجية"),
        ({"any_words": "سوريا العراق لبنان"}, "سوريا OR العراق OR لبنان"),
        ({"exact": "مجلس الأمن"}, '"مجلس الأمن"'),
        ({"all_words": "النفط", "without": "كرة القدم"}, "+النفط -كرة -القدم"),
        ({"near": ("النفط", "أسعار", 5)}, '"النفط أسعار"~5'),
        ({"q": 'أستانا -"وقف إطلاق"', "all_words": "روسيا"}, 'أستانا -"وقف إطلاق" +روسيا'),
        (
            {"all_words": "وزير", "any_words": "سوريا العراق", "exact": "مجلس الأمن", "without": "كرة"},
            '+وزير "مجلس الأمن" سوريا OR العراق -كرة',
        ),
        # A word typed into a field is a word: operators and quotes in it are dropped.
        ({"all_words": '-كرة +"نفط" OR'}, "+كرة +نفط"),
        ({"exact": '"قمة" «الرياض»'}, '"قمة الرياض"'),
        ({"without": "--كرة"}, "-كرة"),
        ({}, ""),
    ],
)
def test_compose_query(fields, expected):
    assert compose_query(**fields) == expected


def advanced(client, **params):
    return client.get("/search/advanced/", {"advanced": "1", **params})


def redirect_params(response) -> dict:
    assert response.status_code == 302, response.content.decode()[:2000]
    url = urlsplit(response["Location"])
    assert url.path == "/search/"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def test_every_field_goes_into_one_search_url(client):
    make_section(name="سياسة", slug="politics")
    make_publication(name="الرياض", slug="alriyadh")
    response = advanced(
        client,
        all_words="وزير الخارجية",
        any_words="سوريا العراق",
        exact="مجلس الأمن",
        without="كرة",
        near_first="النفط",
        near_second="أسعار",
        near_distance="3",
        section="politics",
        publication="alriyadh",
        from_day="1",
        from_month="7",
        from_year="2015",
        to_day="31",
        to_month="12",
        to_year="2015",
        sort="newest",
    )
    assert redirect_params(response) == {
        "q": '+وزير +الخارجية "مجلس الأمن" سوريا OR العراق "النفط أسعار"~3 -كرة',
        "section": "politics",
        "publication": "alriyadh",
        "date_from": "2015-07-01",
        "date_to": "2015-12-31",
        "sort": "newest",
    }


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"from_year": "2015"}, {"date_from": "2015-01-01"}),
        ({"to_year": "2015"}, {"date_to": "2015-12-31"}),
        (
            {"from_month": "2", "from_year": "2016", "to_month": "2", "to_year": "2016"},
            {"date_from": "2016-02-01", "date_to": "2016-02-29"},
        ),
        ({"to_month": "2", "to_year": "2015"}, {"date_to": "2015-02-28"}),
        # Arabic-Indic digits, as a phone keyboard types them.
        ({"from_day": "9", "from_month": "3", "from_year": "٢٠١٥"}, {"date_from": "2015-03-09"}),
    ],
)  # fmt: skip
def test_partial_dates_mean_the_whole_year_or_month(client, dates, expected):
    params = redirect_params(advanced(client, all_words="نفط", **dates))
    assert {k: v for k, v in params.items() if k.startswith("date_")} == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"from_day": "31", "from_month": "2", "from_year": "2015"},
            "«من تاريخ» غير صحيح: ليس في فبراير 2015 يوم 31.",
        ),
        ({"to_day": "29", "to_month": "2", "to_year": "2015"}, "«إلى تاريخ» غير صحيح: ليس في فبراير 2015 يوم 29."),
        # The month's name as the site's locale writes it.
        ({"from_day": "31", "from_month": "4", "from_year": "2015"}, f"ليس في {MONTHS[4]} 2015 يوم 31."),
        ({"from_day": "3", "from_year": "2015"}, "اختر الشهر في «من تاريخ»: اليوم وحده لا يكفي."),
        ({"to_month": "3"}, "اكتب السنة في «إلى تاريخ»."),
        ({"from_year": "15"}, "السنة في «من تاريخ» يجب أن تكون عددًا من أربعة أرقام بين 1900 و2100."),
        ({"from_year": "3000"}, "السنة في «من تاريخ» يجب أن تكون عددًا من أربعة أرقام بين 1900 و2100."),
        ({"from_year": "20١5x"}, "السنة في «من تاريخ» يجب أن تكون عددًا من أربعة أرقام بين 1900 و2100."),
        ({"from_year": "2016", "to_year": "2015"}, "تاريخ البداية بعد تاريخ النهاية."),
        ({"from_day": "32", "from_month": "1", "from_year": "2015"}, "التاريخ غير صحيح"),
        ({"from_month": "13", "from_year": "2015"}, "التاريخ غير صحيح"),
        ({"section": "no-such"}, "القسم المطلوب غير موجود."),
        ({"publication": "x\x00y"}, "المصدر المطلوب غير موجود."),
        ({"sort": "-id"}, "طريقة الترتيب غير معروفة"),
        ({"near_first": "النفط"}, "اكتب الكلمتين كلتيهما في «كلمتان متقاربتان»."),
        ({"near_first": "النفط الخام", "near_second": "سعر"}, "اكتب كلمة واحدة في كل خانة من «كلمتان متقاربتان»."),
        (
            {"near_first": "النفط", "near_second": "سعر", "near_distance": "0"},
            "المسافة بين الكلمتين يجب أن تكون عددًا بين 1 و50.",
        ),
        ({"all_words": "", "without": "كرة"}, "اكتب كلمة واحدة على الأقل في أحد حقول الكلمات."),
    ],
)  # fmt: skip
def test_bad_input_is_the_form_again_with_an_arabic_message(client, params, message):
    params.setdefault("all_words", "نفط")
    response = advanced(client, **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="search-errors" role="alert"' in html
    assert message in html
    # What the reader typed is still there.
    if params["all_words"] == "نفط":
        assert 'value="نفط"' in html


def test_the_form_without_submission_is_blank_or_filled_from_a_search(client):
    make_section(name="سياسة", slug="politics")
    blank = client.get("/search/advanced/")
    assert blank.status_code == 200
    html = blank.content.decode()
    assert "search-errors" not in html
    # Three controls per date, none of them a browser date picker.
    assert 'type="date"' not in html
    for name in ("from_day", "from_month", "from_year", "to_day", "to_month", "to_year"):
        assert f'name="{name}"' in html
    assert '<option value="7">يوليو</option>' in html
    assert '<label for="id_all_words">كل هذه الكلمات</label>' in html

    filled = client.get(
        "/search/advanced/", {"q": "أستانا", "section": "politics", "date_from": "2015-07-21", "date_to": "2015-08-31"}
    )
    form = filled.context["form"]
    assert not form.is_bound
    assert form.initial == {
        "q": "أستانا",
        "section": "politics",
        "publication": "",
        "sort": "relevance",
        "from_day": "21",
        "from_month": "7",
        "from_year": 2015,
        "to_day": "31",
        "to_month": "8",
        "to_year": 2015,
    }
    html = filled.content.decode()
    assert '<option value="politics" selected>سياسة</option>' in html
    assert 'value="أستانا"' in html


def test_form_date_sides_hold_their_errors():
    form = AdvancedSearchForm({"all_words": "نفط", "from_day": "30", "from_month": "2", "from_year": "2016"})
    assert not form.is_valid()
    sides = form.date_sides()
    assert [s["legend"] for s in sides] == ["من تاريخ", "إلى تاريخ"]
    assert sides[0]["errors"] == ["«من تاريخ» غير صحيح: ليس في فبراير 2016 يوم 30."]
    assert sides[1]["errors"] == []
