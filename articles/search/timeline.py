"""Results over time: the matching articles per month, and the bar chart the search page draws of them.

``month_counts`` is the ``month`` facet of a Whoosh search, computed like the ``year`` facet (over the
same matched set, from a sortable column, in the archive's time zone) but from ``published_at``
itself, so the index needs no extra field. ``build_chart`` turns those counts into the bars of a
server-rendered SVG (no script): one bar per month from the first month with results to the last,
each bar a link to that month's date range. See docs/search-page.md.
"""

from __future__ import annotations

import calendar
import functools
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone
from django.utils.dates import MONTHS
from whoosh.util.times import datetime_to_long, long_to_datetime

from articles.search import matching

# A column holds the field's default (the largest integer) for a document without a date: anything
# outside the years a datetime can hold is "undated" and counted in no month.
_LOWEST = datetime_to_long(datetime(1, 2, 1))
_HIGHEST = datetime_to_long(datetime(9999, 11, 30))
# More months than this are not drawn (about 12 px per bar in the phone-wide chart at 30 bars; at 240,
# a bar is a hairline but the chart still shows where the results are).
MAX_BARS = 480


@functools.lru_cache(maxsize=4096)
def _month_start(year: int, month: int, tz) -> int:
    """The first instant of a local month as the index stores times (naive UTC, Whoosh's long)."""
    local = datetime(year, month, 1, tzinfo=tz)
    return datetime_to_long(local.astimezone(UTC).replace(tzinfo=None))


def _next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _months_of(values: list, tz) -> list[int]:
    """The local month of each raw ``published_at`` value as ``year * 12 + month - 1``; -1 when undated."""
    out = [-1] * len(values)
    # Documents in time order (one sort in C), then each month takes the next run of them.
    order = sorted((i for i, v in enumerate(values) if _LOWEST <= v <= _HIGHEST), key=values.__getitem__)
    if not order:
        return out
    first = timezone.localtime(_as_datetime(values[order[0]]), tz)
    ym = (first.year, first.month)
    following = _next(*ym)
    boundary = _month_start(*following, tz)
    for i in order:
        while values[i] >= boundary:
            ym, following = following, _next(*following)
            boundary = _month_start(*following, tz)
        out[i] = ym[0] * 12 + ym[1] - 1
    return out


# {(segment id, time zone): month ordinals by local doc number}: segments never change once written.
_segment_months: dict[tuple[str, str], list[int]] = {}
_months_lock = threading.Lock()


def _month_column(searcher) -> list[int]:
    """Month ordinals by global doc number, cached on the searcher and per segment."""
    cache = searcher.__dict__.setdefault("_newsarchive_columns", {})
    tz = timezone.get_current_timezone()
    key = ("month", str(tz))
    months = cache.get(key)
    if months is None:
        raw = matching._column(searcher, "published_at")
        months = []
        live = set()
        for leaf, offset in searcher.reader().leaf_readers():
            segment_key = (leaf.segment().segment_id(), str(tz))
            live.add(segment_key)
            segment = _segment_months.get(segment_key)
            if segment is None:
                segment = _months_of(raw[offset : offset + leaf.doc_count_all()], tz)
                with _months_lock:
                    _segment_months[segment_key] = segment
            months.extend(segment)
        with _months_lock:  # forget merged-away segments
            for stale in [k for k in _segment_months if k not in live and k[1] == str(tz)]:
                del _segment_months[stale]
        cache[key] = months
    return months


def month_counts(searcher, docs: set[int]) -> list[tuple[int, int, int]]:
    """[(year, month, count)] of ``docs`` by local publication month, oldest first, months with none left out."""
    if not docs:
        return []
    counts = Counter(map(_month_column(searcher).__getitem__, docs))
    counts.pop(-1, None)
    return [(ordinal // 12, ordinal % 12 + 1, counts[ordinal]) for ordinal in sorted(counts)]


def _as_datetime(value: int) -> datetime:
    return long_to_datetime(value).replace(tzinfo=UTC)


# --- The chart ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    year: int
    month: int
    count: int
    label: str  # "يوليو 2015"
    x: float  # in the bar area's own units: one unit per month, the oldest month on the right (RTL)
    height: float  # 0..100
    date_from: str  # YYYY-MM-DD, the month's first day
    date_to: str  # its last day
    text: str  # the count as a reader reads it: "12 نتيجةً"

    @property
    def y(self) -> float:
        return round(100 - self.height, 2)

    @property
    def fill_x(self) -> float:
        return self.x + 0.15


@dataclass(frozen=True)
class Tick:
    label: str
    percent: float  # position from the left edge of the chart, for the SVG text's x


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]  # every month of the range, the empty ones with count 0
    months: int
    peak: Bar
    ticks: list[Tick]

    @property
    def width(self) -> str:
        """The SVG's width attribute: a few months get narrow bars, not bars half the page wide."""
        return "100%" if self.months > 20 else str(max(144, 36 * self.months))

    @property
    def linked_bars(self) -> list[Bar]:
        return [bar for bar in self.bars if bar.count]

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]


def month_label(year: int, month: int) -> str:
    """ "يوليو 2015": the month name from Django's catalogue (the active language), then the year."""
    return f"{MONTHS[month]} {year}"


def build_chart(
    counts: list[tuple[int, int, int]], describe: Callable[[int], str] = str, max_ticks: int = 6
) -> Chart | None:
    """The bars of ``counts`` (``month_counts`` output), or None when there is nothing to compare:
    fewer than two months in the range, or more than ``MAX_BARS``. ``describe`` words a count."""
    if not counts:
        return None
    by_month = {(y, m): c for y, m, c in counts}
    first, last = min(by_month), max(by_month)
    months: list[tuple[int, int]] = []
    ym = first
    while ym <= last:
        months.append(ym)
        ym = _next(*ym)
    n = len(months)
    if n < 2 or n > MAX_BARS:
        return None
    top = max(by_month.values())
    bars = []
    for i, (y, m) in enumerate(months):
        count = by_month.get((y, m), 0)
        # A month with one article among hundreds still shows a visible sliver.
        height = 0.0 if not count else max(2.0, round(95.0 * count / top, 2))
        bars.append(
            Bar(
                year=y,
                month=m,
                count=count,
                label=month_label(y, m),
                x=float(n - 1 - i),
                height=height,
                date_from=date(y, m, 1).isoformat(),
                date_to=date(y, m, calendar.monthrange(y, m)[1]).isoformat(),
                text=describe(count),
            )
        )
    peak = max(bars, key=lambda b: (b.count, -b.x))  # the earliest of equal peaks
    return Chart(bars=bars, months=n, peak=peak, ticks=_ticks(bars, n, max_ticks))


def _ticks(bars: list[Bar], n: int, max_ticks: int) -> list[Tick]:
    """Year labels under the bars: at each January (the first month when the range starts mid-year);
    every k-th year when there are too many to fit a phone-wide chart."""
    starts = [b for i, b in enumerate(bars) if b.month == 1 or i == 0]
    if len(starts) > 1 and starts[0].month != 1 and starts[1].x > n - 4:
        starts = starts[1:]  # a first, partial year of one to three months: its label would collide
    step = max(1, -(-len(starts) // max_ticks))
    # The label sits over its first month (x counts from the left; the bar's centre is x + 0.5).
    # Kept off the very edges, where a centred label would be cut.
    return [
        Tick(label=str(b.year), percent=min(96.0, max(4.0, round(100.0 * (b.x + 0.5) / n, 2)))) for b in starts[::step]
    ]
