"""Undated articles, briefs without a time, on this day, articles without a body."""

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Brief
from tests.factories import make_article, make_brief, make_section

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def undated(seed_article):
    return make_article(
        title="زيارة بلا تاريخ معروف", section=seed_article["section"], published_at=None, paragraphs=["نص الزيارة."]
    )


class TestUndated:
    def test_listed_as_undated(self, client, undated):
        response = client.get("/undated/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>بدون تاريخ</h1>" in html
        assert [a.title for a in response.context["page_obj"]] == ["زيارة بلا تاريخ معروف"]
        assert f'<a href="/a/{undated.pk}/">زيارة بلا تاريخ معروف</a>' in html
        assert '<span class="date undated">بدون تاريخ</span>' in html

    def test_kept_out_of_latest_home_archive_feeds_and_sitemap(self, client, undated):
        home = client.get("/")
        assert undated not in home.context["latest"]
        assert "زيارة بلا تاريخ معروف" not in home.content.decode()
        assert undated not in client.get("/archive/").context["latest"]
        assert "زيارة بلا تاريخ معروف" not in client.get("/2015/").content.decode()
        for feed in ("/feeds/latest/rss/", "/feeds/latest/atom/"):
            assert "زيارة بلا تاريخ معروف" not in client.get(feed).content.decode()
        section_feed = client.get(f"/feeds/section/{undated.section.slug}/rss/").content.decode()
        assert "زيارة بلا تاريخ معروف" not in section_feed
        sitemap = ET.fromstring(client.get("/sitemap-articles.xml").content)
        locs = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
        assert len(locs) == 3 and not any(loc.endswith(f"/{undated.pk}/") for loc in locs)
        # No year of the import time appears in the archive.
        assert [d.year for d in client.get("/archive/").context["date_list"]] == [2019, 2015]

    def test_its_page_is_the_short_url_and_says_undated(self, client, undated):
        response = client.get(f"/a/{undated.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<span class="date undated">بدون تاريخ</span>' in html
        assert f'<link rel="canonical" href="http://testserver/a/{undated.pk}/">' in html
        assert 'name="robots"' not in html
        assert response.context["citation"].text.startswith("زيارة بلا تاريخ معروف. (د.ت.).")

    def test_still_in_section_pages_after_the_dated_ones(self, client, seed_article, undated):
        response = client.get(seed_article["section"].get_absolute_url())
        titles = [a.title for a in response.context["page_obj"]]
        assert titles[-1] == "زيارة بلا تاريخ معروف" and len(titles) == 4

    def test_an_editors_date_makes_it_dated(self, client, undated):
        Article.objects.filter(pk=undated.pk).update(published_at=aware(2015, 7, 22, 9))
        response = client.get(f"/a/{undated.pk}/")
        assert response.status_code == 301 and response["Location"] == f"/2015/7/22/{undated.pk}/"
        assert list(client.get("/undated/").context["page_obj"]) == []


class TestTicker:
    def test_article_page_shows_the_briefs_of_its_own_day(self, client, seed_article):
        make_brief(text="خبر من يوم آخر", published_at=aware(2015, 7, 22, 9))
        make_brief(text="خبر بلا وقت", published_at=None)
        html = client.get(seed_article["article"].get_absolute_url()).content.decode()
        ticker = html[html.index('id="ticker-heading"') :]
        # Newest first, with their time of day.
        assert ticker.index("بدء جلسة مجلس الوزراء") < ticker.index("بيان مهم للقوات المسلحة اليمنية")
        assert '<time datetime="2015-07-21T12:00:00+03:00">12:00</time>' in ticker
        assert "خبر من يوم آخر" not in html and "خبر بلا وقت" not in html

    def test_undated_article_shows_the_briefs_without_a_time_and_no_time(self, client, undated):
        make_brief(region="لبنان", text="أول سطر بلا وقت", published_at=None)
        make_brief(region="", text="ثاني سطر بلا وقت", published_at=None)
        html = client.get(f"/a/{undated.pk}/").content.decode()
        ticker = html[html.index('id="ticker-heading"') :]
        assert ticker.index("أول سطر بلا وقت") < ticker.index("ثاني سطر بلا وقت")  # the page's order
        assert "<time" not in ticker[: ticker.index("</section>")]
        assert "بدء جلسة مجلس الوزراء" not in ticker  # timed briefs of 21 July 2015

    def test_home_never_shows_briefs_without_a_time(self, client):
        make_brief(text="سطر بلا وقت", published_at=None)
        assert "سطر بلا وقت" not in client.get("/").content.decode()
        assert list(Brief.objects.live()) == []


class TestOnThisDay:
    def test_home_lists_this_day_and_month_of_earlier_years(self, client):
        today = timezone.localdate()
        section = make_section()
        if (today.month, today.day) == (2, 29):
            today -= timedelta(days=1)  # the years before have no 29 February: test the 28th's rule instead
        for years_ago, title in ((1, "قبل سنة"), (4, "قبل أربع سنوات")):
            make_article(
                title=title, section=section, published_at=aware(today.year - years_ago, today.month, today.day, 9)
            )
        make_article(
            title="اليوم نفسه هذا العام", section=section, published_at=aware(today.year, today.month, today.day)
        )
        other = today - timedelta(days=1)
        make_article(title="يوم آخر", section=section, published_at=aware(today.year - 1, other.month, other.day, 9))
        response = client.get("/")
        if today == timezone.localdate():
            assert [a.title for a in response.context["on_this_day"]] == ["قبل سنة", "قبل أربع سنوات"]
            assert '<h2 id="on-this-day-heading">في مثل هذا اليوم</h2>' in response.content.decode()
        on_the_day = Article.objects.on_this_day(today, range(today.year - 10, today.year))
        assert [a.title for a in on_the_day.latest_first()] == ["قبل سنة", "قبل أربع سنوات"]

    def test_no_block_without_articles(self, client):
        make_article(title="قبل سنة ويوم", published_at=aware(2015, 7, 21, 9))
        response = client.get("/")
        if timezone.localdate().timetuple()[1:3] != (7, 21):
            assert response.context["on_this_day"] == []
            assert "في مثل هذا اليوم" not in response.content.decode()

    def test_queryset_on_a_fixed_day(self):
        make_article(title="21 يوليو 2015 ليلًا", published_at=aware(2015, 7, 21, 23, 30))
        make_article(title="22 يوليو 2015", published_at=aware(2015, 7, 22, 0, 30))
        make_article(title="21 يوليو 2019", published_at=aware(2019, 7, 21, 9))
        make_article(title="21 يوليو 2020", published_at=aware(2020, 7, 21, 9))
        found = Article.objects.on_this_day(date(2020, 7, 21), range(2015, 2020)).latest_first()
        assert [a.title for a in found] == ["21 يوليو 2019", "21 يوليو 2015 ليلًا"]
        assert list(Article.objects.on_this_day(date(2020, 2, 29), range(2015, 2020))) == []


class TestEmptyBody:
    def test_page_says_the_text_is_not_available(self, client, seed_article):
        empty = make_article(title="كاريكاتير", section=seed_article["section"], paragraphs=[])
        Article.objects.get(pk=empty.pk).paragraphs.all().delete()
        html = client.get(empty.get_absolute_url()).content.decode()
        assert '<p class="body-missing" role="note">نص هذا المقال غير متوفر في المصدر.</p>' in html
        html = client.get(seed_article["article"].get_absolute_url()).content.decode()
        assert "نص هذا المقال غير متوفر" not in html

    def test_not_promoted_on_the_home_page(self, client, seed_article):
        empty = make_article(title="عنوان بلا نص", section=seed_article["section"], published_at=aware(2020, 1, 1, 9))
        empty.paragraphs.all().delete()
        response = client.get("/")
        assert "عنوان بلا نص" not in response.content.decode()
        blocks = {s.name: [a.title for a in items] for s, items in response.context["section_blocks"]}
        assert "عنوان بلا نص" not in blocks["الخليج والعالم"]
        # Still listed in its section.
        section = client.get(seed_article["section"].get_absolute_url())
        assert "عنوان بلا نص" in [a.title for a in section.context["page_obj"]]
