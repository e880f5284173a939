"""The ``archive`` template library: Arabic Gregorian and Hijri dates by table, and the inclusion tags."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.periods import distinct_periods
from articles.templatetags.archive import ar_date, ar_datetime, hijri, more_in_section
from tests.factories import make_article, make_section


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2015, 7, 21), "21 يوليو، 2015"),
        (date(2020, 1, 1), "1 يناير، 2020"),
        (date(2019, 2, 28), "28 فبراير، 2019"),
        (date(2016, 12, 31), "31 ديسمبر، 2016"),
        # 23:30 UTC on 20 July is already 21 July in Riyadh: the local calendar day counts.
        (timezone.make_aware(datetime(2015, 7, 20, 23, 30), UTC), "21 يوليو، 2015"),
        (None, ""),
    ],
)
def test_ar_date(value, expected):
    assert ar_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timezone.make_aware(datetime(2015, 7, 21, 10, 0)), "21 يوليو، 2015 10:00 ص"),
        (timezone.make_aware(datetime(2015, 7, 22, 14, 30)), "22 يوليو، 2015 2:30 م"),
        (None, ""),
    ],
)
def test_ar_datetime(value, expected):
    assert ar_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2015, 7, 21), "5 شوال 1436 هـ"),
        (date(2015, 6, 18), "1 رمضان 1436 هـ"),
        (date(2019, 11, 20), "23 ربيع الأول 1441 هـ"),
        (date(2023, 7, 19), "1 محرم 1445 هـ"),
        (timezone.make_aware(datetime(2015, 7, 20, 22, 0), UTC), "5 شوال 1436 هـ"),
        (date(1900, 1, 1), ""),  # before the Umm al-Qura tables
        (date(2100, 1, 1), ""),  # after them
        (None, ""),
    ],
)
def test_hijri(value, expected):
    assert hijri(value) == expected


@pytest.mark.django_db
def test_more_in_section_latest_five_other_published():
    section = make_section()
    start = timezone.make_aware(datetime(2015, 1, 1, 12))
    articles = [make_article(section=section, published_at=start + timedelta(days=i)) for i in range(8)]
    make_article(section=section, status=Article.Status.DRAFT, published_at=start + timedelta(days=30))
    make_article(section=section, published_at=timezone.now() + timedelta(days=1))
    make_article(published_at=start + timedelta(days=40))  # another section
    current = articles[7]
    result = more_in_section(current)
    assert result["section"] == section
    assert result["articles"] == [articles[i] for i in (6, 5, 4, 3, 2)]


@pytest.mark.django_db
def test_more_in_section_without_section():
    article = make_article(section=None)
    assert more_in_section(article) == {"section": None, "articles": []}


@pytest.mark.django_db
def test_month_links_group_by_year_with_arabic_names():
    make_article(published_at=timezone.make_aware(datetime(2015, 7, 21, 10)))
    make_article(published_at=timezone.make_aware(datetime(2015, 8, 1, 1)))  # 31 July 22:00 UTC
    make_article(published_at=timezone.make_aware(datetime(2016, 1, 5, 8)))
    html = Template("{% load archive %}{% month_links %}").render(Context())
    assert html.index('<a href="/2016/">كل 2016</a>') < html.index('<a href="/2015/">كل 2015</a>')
    assert '<a href="/2015/8/">أغسطس 2015</a>' in html
    assert '<a href="/2015/7/">يوليو 2015</a>' in html
    assert '<a href="/2016/1/">يناير 2016</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Asia/Riyadh", "Europe/Paris", "America/New_York"])
def test_distinct_periods_equal_django_dates_across_local_boundaries(zone):
    """The cheap SQLite walk gives what dates()/datetimes() give, also at UTC/local period edges.

    Riyadh has one offset (the walk is used); Paris and New York change offset with daylight saving
    (the walk's result is rejected and dates() answers), on either side of UTC.
    """
    utc = UTC
    for moment in [
        datetime(2015, 7, 31, 21, 30, tzinfo=utc),  # 1 August 00:30 in Riyadh
        datetime(2015, 7, 31, 20, 59, tzinfo=utc),  # 31 July 23:59 in Riyadh
        datetime(2015, 12, 31, 22, 0, tzinfo=utc),  # 2016 in Riyadh and Paris
        datetime(2016, 1, 1, 3, 0, tzinfo=utc),  # still 2015 in New York
        datetime(2016, 3, 27, 0, 30, tzinfo=utc),
        datetime(2016, 3, 27, 1, 30, tzinfo=utc),  # Paris switches to summer time in between
    ]:
        make_article(published_at=moment)
    make_article(published_at=datetime(2015, 9, 1, tzinfo=utc), status=Article.Status.DRAFT)
    queryset = Article.objects.published()
    with CaptureQueriesContext(connection) as queries:
        distinct_periods(queryset.filter(published_at__year=2015), "published_at", "day")
    # On SQLite the walk is tried first; only a zone with daylight saving needs dates() after it.
    # Other databases truncate dates in SQL cheaply and go straight to dates().
    if connection.vendor == "sqlite":
        assert "WITH RECURSIVE" in queries[0]["sql"]
    assert len(queries) == 1
    with timezone.override(zone):
        for kind in ("year", "month", "day"):
            assert distinct_periods(queryset, "published_at", kind) == list(queryset.dates("published_at", kind))
            assert distinct_periods(queryset, "published_at", kind, "DESC", datetimes=True) == list(
                queryset.datetimes("published_at", kind, "DESC")
            )
        july = queryset.filter(published_at__lt=datetime(2015, 8, 15, tzinfo=utc))
        assert distinct_periods(july, "published_at", "day") == list(july.dates("published_at", "day"))
    assert distinct_periods(Article.objects.none(), "published_at", "month") == []
