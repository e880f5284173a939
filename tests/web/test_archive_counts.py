"""Year, month and day archive pages say how many articles they hold, in the right Arabic plural form."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def publish_on(day: int, n: int, month: int = 7) -> None:
    start = timezone.make_aware(datetime(2015, month, day, 10))
    for i in range(n):
        make_article(title=f"خبر {day}-{i}", published_at=start + timedelta(seconds=i))


def meta(client, path: str) -> str:
    html = client.get(path).content.decode()
    start = html.find('<p class="page-meta">')
    return html[start + len('<p class="page-meta">') : html.find("</p>", start)] if start >= 0 else ""


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (11, "11 مقالًا")],
)
def test_day_archive_counts_its_articles(client, n, expected):
    publish_on(21, n)
    publish_on(22, 5)  # another day: not counted
    assert meta(client, "/2015/7/21/") == expected


def test_month_and_year_count_everything_in_them(client):
    publish_on(21, 2)
    publish_on(22, 1)
    publish_on(3, 100, month=8)
    assert meta(client, "/2015/7/") == "3 مقالات"
    assert meta(client, "/2015/8/") == "100 مقال"
    assert meta(client, "/2015/") == "103 مقالات"
