"""Results over time: month counts from a real index (local months), the chart's bars, ticks and links."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from haystack import connections

from articles.search import matching, timeline
from articles.search.backend import arabic_whoosh_backend
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))  # Asia/Riyadh, UTC+3


def rebuild() -> None:
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")


def all_docs():
    searcher = arabic_whoosh_backend().searcher()
    return searcher, set(range(searcher.doc_count_all()))


def test_month_counts_use_local_months_over_the_matched_set(index_dir):
    # 1 August 01:00 in Riyadh is still 31 July in UTC: it counts in August, as the year facet would.
    make_article(title="نفط 1", published_at=aware(2015, 7, 31, 23, 30))
    make_article(title="نفط 2", published_at=aware(2015, 8, 1, 1, 0))
    make_article(title="نفط 3", published_at=aware(2015, 8, 20, 12, 0))
    make_article(title="نفط 4", published_at=aware(2016, 1, 2, 12, 0))
    rebuild()
    searcher, docs = all_docs()
    assert timeline.month_counts(searcher, docs) == [(2015, 7, 1), (2015, 8, 2), (2016, 1, 1)]
    # Only the given documents count.
    august = {d for d in docs if searcher.stored_fields(d)["title"] in ("نفط 2", "نفط 3")}
    assert timeline.month_counts(searcher, august) == [(2015, 8, 2)]
    assert timeline.month_counts(searcher, set()) == []


def test_month_counts_agree_with_the_year_facet(index_dir):
    for month in (1, 3, 3, 12):
        make_article(published_at=aware(2014, month, 15, 9, 0))
    make_article(published_at=aware(2015, 12, 31, 23, 0))  # 20:00 UTC: still 2015 in Riyadh
    rebuild()
    searcher, docs = all_docs()
    months = timeline.month_counts(searcher, docs)
    years = matching.facet_counts(searcher, docs, "year")
    assert months == [(2014, 1, 1), (2014, 3, 2), (2014, 12, 1), (2015, 12, 1)]
    by_year: dict = {}
    for y, _m, c in months:
        by_year[str(y)] = by_year.get(str(y), 0) + c
    assert by_year == years == {"2014": 4, "2015": 1}


def test_chart_bars_fill_the_range_oldest_on_the_right():
    chart = timeline.build_chart([(2015, 11, 4), (2016, 2, 8)], describe=lambda n: f"{n} نتائج")
    assert chart.months == 4
    assert [(b.year, b.month, b.count) for b in chart.bars] == [
        (2015, 11, 4),
        (2015, 12, 0),
        (2016, 1, 0),
        (2016, 2, 8),
    ]
    # x counts from the left: the oldest month is the rightmost column (the page reads right to left).
    assert [b.x for b in chart.bars] == [3.0, 2.0, 1.0, 0.0]
    assert [b.height for b in chart.bars] == [47.5, 0.0, 0.0, 95.0]
    assert [b.y for b in chart.bars] == [52.5, 100.0, 100.0, 5.0]
    assert [b.label for b in chart.bars] == ["نوفمبر 2015", "ديسمبر 2015", "يناير 2016", "فبراير 2016"]
    # Only months with results are links, each to its own first and last day.
    assert [(b.date_from, b.date_to, b.text) for b in chart.linked_bars] == [
        ("2015-11-01", "2015-11-30", "4 نتائج"),
        ("2016-02-01", "2016-02-29", "8 نتائج"),  # a leap year
    ]
    assert chart.peak.label == "فبراير 2016"
    assert (chart.first.label, chart.last.label) == ("نوفمبر 2015", "فبراير 2016")
    # Year labels at each January; the partial first year (Nov-Dec) would collide with 2016's.
    assert [(t.label, t.percent) for t in chart.ticks] == [("2016", 37.5)]
    assert chart.width == "144"


def test_chart_small_counts_stay_visible_and_long_ranges_fill_the_width():
    counts = [(2014, 1, 1000), (2015, 6, 1)]
    chart = timeline.build_chart(counts)
    assert chart.months == 18
    assert chart.bars[0].height == 95.0 and chart.bars[-1].height == 2.0
    assert chart.width == "648"
    long = timeline.build_chart([(2010, 1, 5), (2015, 12, 5)])
    assert long.months == 72 and long.width == "100%"
    # Six years, six labels: 2010 ... 2015, 2010 on the right.
    assert [t.label for t in long.ticks] == ["2010", "2011", "2012", "2013", "2014", "2015"]
    assert [t.percent for t in long.ticks] == sorted((t.percent for t in long.ticks), reverse=True)
    many = timeline.build_chart([(1990, 1, 1), (2015, 1, 1)], max_ticks=6)
    assert len(many.ticks) <= 6 and many.ticks[0].label == "1990"


@pytest.mark.parametrize("counts", [[], [(2015, 7, 12)], [(1900, 1, 1), (2100, 1, 1)]])
def test_no_chart_when_there_is_nothing_to_compare(counts):
    assert timeline.build_chart(counts) is None
