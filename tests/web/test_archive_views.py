"""Home, section, publication and date archive pages: content, pagination, 404s, query counts."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_brief, make_publication, make_section

pytestmark = pytest.mark.django_db


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def make_many(n: int, **fields) -> list[Article]:
    """``n`` published articles, one a day from 1 July 2015 10:00, so the newest is the last made."""
    return [
        make_article(title=f"خبر {i:02d}", published_at=aware(2015, 7, 1, 10) + timedelta(days=i), **fields)
        for i in range(n)
    ]


class TestHome:
    def test_home(self, client, seed_article):
        response = client.get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="ar" dir="rtl">' in html
        assert '<meta charset="utf-8">' in html
        assert (
            '<link rel="alternate" type="application/rss+xml" title="أحدث المقالات (RSS)" href="/feeds/latest/rss/">'
            in html
        )
        assert '<h2 id="latest-heading">أحدث المقالات</h2>' in html
        assert "زيارة خاجي الأخيرة إلى سوريا" in html
        assert '<h2 id="ticker-heading">التغطية الإخبارية</h2>' in html
        # The section block and the archive month links (Arabic month names, numeric month URLs).
        assert f'<a href="{seed_article["section"].get_absolute_url()}">الخليج والعالم</a></h2>' in html
        assert '<a href="/2019/11/">نوفمبر 2019</a>' in html
        assert '<a href="/2015/7/">يوليو 2015</a>' in html

    def test_home_section_blocks_hold_latest_four_each(self, client):
        first = make_section(name="اقتصاد", position=1)
        second = make_section(name="رياضة", position=2)
        make_many(6, section=first)
        make_article(title="هدف في الدقيقة الأخيرة", section=second)
        blocks = client.get("/").context["section_blocks"]
        assert [(s.name, [a.title for a in items]) for s, items in blocks] == [
            ("اقتصاد", ["خبر 05", "خبر 04", "خبر 03", "خبر 02"]),
            ("رياضة", ["هدف في الدقيقة الأخيرة"]),
        ]

    def test_home_query_count(self, client, django_assert_num_queries):
        for _ in range(3):
            section = make_section()
            make_many(5, section=section)
        for _ in range(8):
            make_brief()
        # section nav, latest, section blocks (one window query), on this day (first year, articles), ticker,
        # month links
        with django_assert_num_queries(7):
            assert client.get("/").status_code == 200

    def test_ticker_shows_eight_live_briefs(self, client):
        for i in range(10):
            make_brief(text=f"سطر {i}", published_at=timezone.now() - timedelta(minutes=10 - i))
        make_brief(text="موقوف", is_active=False)
        make_brief(text="لاحق", published_at=timezone.now() + timedelta(hours=1))
        html = client.get("/").content.decode()
        assert [f"سطر {i}" in html for i in range(10)] == [False, False] + [True] * 8
        assert "موقوف" not in html and "لاحق" not in html


class TestSection:
    def test_section_page_paginates_20(self, client, django_assert_num_queries):
        section = make_section(name="محليات", slug="محليات")
        make_many(25, section=section)
        make_article(title="في قسم آخر")
        make_article(title="مسودة القسم", section=section, status=Article.Status.DRAFT)
        # section, count, page, section nav, ticker, month links
        with django_assert_num_queries(6):
            response = client.get(section.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>محليات</h1>" in html
        assert '<p class="page-meta">25 مقالًا · <a href="/feeds/section/' in html
        assert '<span class="pagination-current">صفحة 1 من صفحتين</span>' in html
        assert [a.title for a in response.context["page_obj"]] == [f"خبر {i:02d}" for i in range(24, 4, -1)]
        assert "في قسم آخر" not in html and "مسودة القسم" not in html
        assert 'aria-current="page">محليات</a>' in html
        assert '<a rel="next" href="?page=2">التالي ←</a>' in html
        assert 'href="/feeds/section/%D9%85%D8%AD%D9%84%D9%8A%D8%A7%D8%AA/rss/"' in html
        page2 = client.get(section.get_absolute_url(), {"page": 2})
        assert [a.title for a in page2.context["page_obj"]] == [f"خبر {i:02d}" for i in range(4, -1, -1)]
        assert '<a rel="prev" href="?page=1">→ السابق</a>' in page2.content.decode()

    def test_pagination_keeps_other_get_params(self, client):
        section = make_section()
        make_many(21, section=section)
        html = client.get(section.get_absolute_url(), {"page": 1, "q": "سوريا"}).content.decode()
        assert '<a rel="next" href="?page=2&amp;q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7">' in html

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "3"])
    def test_bad_page_is_404(self, client, page):
        section = make_section()
        make_many(21, section=section)
        assert client.get(section.get_absolute_url(), {"page": page}).status_code == 404

    def test_unknown_section_is_404(self, client):
        response = client.get("/section/لا-يوجد/")
        assert response.status_code == 404
        assert "الصفحة غير موجودة" in response.content.decode()

    def test_empty_section_is_200(self, client):
        section = make_section(name="فارغ")
        response = client.get(section.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "لا توجد مقالات منشورة هنا بعد." in html
        assert '<p class="page-meta">لا توجد مقالات · ' in html
        assert "pagination-current" not in html

    @pytest.mark.parametrize(
        ("n", "wording"), [(1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (10, "10 مقالات"), (11, "11 مقالًا")]
    )
    def test_article_count_in_arabic_plural_forms(self, client, n, wording):
        section = make_section()
        make_many(n, section=section)
        make_article(title="مسودة", section=section, status=Article.Status.DRAFT)  # not counted
        html = client.get(section.get_absolute_url()).content.decode()
        assert f'<p class="page-meta">{wording} · <a href="/feeds/section/' in html

    def test_pager_counts_pages_in_arabic(self, client):
        section = make_section()
        make_many(41, section=section)
        html = client.get(section.get_absolute_url(), {"page": 2}).content.decode()
        assert '<p class="page-meta">41 مقالًا · ' in html
        assert '<span class="pagination-current">صفحة 2 من 3 صفحات</span>' in html


class TestPublication:
    def test_publication_page(self, client, django_assert_num_queries):
        publication = make_publication(name="الرياض", slug="alriyadh", website="https://www.alriyadh.com/")
        make_many(22, publication=publication)
        make_article(title="من مصدر آخر")
        with django_assert_num_queries(6):
            response = client.get("/publication/alriyadh/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>الرياض</h1>" in html
        assert '<p class="page-meta">22 مقالًا · <a href="https://www.alriyadh.com/"' in html
        assert len(response.context["page_obj"]) == 20
        assert "من مصدر آخر" not in html
        assert client.get("/publication/alriyadh/", {"page": 2}).context["page_obj"].number == 2

    @pytest.mark.parametrize(
        ("n", "wording"), [(0, "لا توجد مقالات"), (1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات")]
    )
    def test_article_count_in_arabic_plural_forms(self, client, n, wording):
        publication = make_publication(slug="okaz")
        make_many(n, publication=publication)
        assert f'<p class="page-meta">{wording}</p>' in client.get("/publication/okaz/").content.decode()

    def test_unknown_publication_and_bad_page(self, client):
        make_publication(slug="okaz")
        assert client.get("/publication/nope/").status_code == 404
        assert client.get("/publication/okaz/", {"page": "x"}).status_code == 404


class TestDateArchive:
    @pytest.fixture
    def dated(self, db):
        make_article(title="في يوليو الأول", published_at=aware(2015, 7, 21, 10))
        make_article(title="في يوليو الثاني", published_at=aware(2015, 7, 21, 23, 30))  # still 21 July in Riyadh
        make_article(title="في أغسطس", published_at=aware(2015, 8, 2, 8))
        make_article(title="في 2016", published_at=aware(2016, 1, 5, 8))
        make_article(title="مسودة يوليو", published_at=aware(2015, 7, 21, 11), status=Article.Status.DRAFT)

    def test_archive_index(self, client, dated, django_assert_num_queries):
        # exists (allow_empty=False), years, count, page, section nav, ticker, month links
        with django_assert_num_queries(7):
            response = client.get("/archive/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<a href="/2015/">2015</a>' in html and '<a href="/2016/">2016</a>' in html
        assert [a.title for a in response.context["page_obj"]][:2] == ["في 2016", "في أغسطس"]

    def test_year(self, client, dated, django_assert_num_queries):
        # exists, month list, previous year, next year, count, page, nav, ticker, month links
        with django_assert_num_queries(9):
            response = client.get("/2015/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>أرشيف 2015</h1>" in html
        assert '<a href="/2015/7/">يوليو</a>' in html and '<a href="/2015/8/">أغسطس</a>' in html
        assert [a.title for a in response.context["page_obj"]] == ["في أغسطس", "في يوليو الثاني", "في يوليو الأول"]
        assert '<a rel="next" href="/2016/">2016</a>' in html

    def test_month(self, client, dated, django_assert_num_queries):
        # exists, day list, previous month, next month, count, page, nav, ticker, month links
        with django_assert_num_queries(9):
            response = client.get("/2015/7/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>أرشيف يوليو 2015</h1>" in html
        assert '<a href="/2015/7/21/">21</a>' in html
        assert [a.title for a in response.context["page_obj"]] == ["في يوليو الثاني", "في يوليو الأول"]
        assert '<a rel="next" href="/2015/8/">أغسطس 2015 ←</a>' in html

    def test_month_pager_counts_pages_in_arabic(self, client):
        make_many(21)  # 1-21 July 2015: two pages of 20
        html = client.get("/2015/7/", {"page": 2}).content.decode()
        assert '<span class="pagination-current">صفحة 2 من صفحتين</span>' in html

    def test_day(self, client, dated, django_assert_num_queries):
        # exists, previous/next day, previous/next month (DayArchiveView puts both in the context),
        # count, page, section nav, ticker, month links
        with django_assert_num_queries(10):
            response = client.get("/2015/7/21/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<h1>أرشيف 21 يوليو، 2015 <small class="hijri">5 شوال 1436 هـ</small></h1>' in html
        assert [a.title for a in response.context["page_obj"]] == ["في يوليو الثاني", "في يوليو الأول"]
        assert "مسودة يوليو" not in html

    @pytest.mark.parametrize(
        "url",
        [
            "/2015/13/",
            "/2015/0/",
            "/0/",
            "/0/1/",
            "/99999/",
            "/2015/7/32/",
            "/2015/2/30/",
            "/2015/7/0/",
            "/9999/12/31/",
            "/9999/12/",
            "/9999/",
            "/1/",
            "/1/1/",
            "/1/1/1/",
            "/1/1/1/1/",
            "/9999/12/31/1/",
            "/99999999999999999999/1/1/",
            "/2014/",  # no articles
            "/2015/9/",
            "/2015/7/22/",
        ],
    )
    def test_invalid_or_empty_dates_are_404(self, client, dated, url):
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("page", ["0", "-1", "abc", "99999"])
    def test_bad_page_on_date_pages_is_404(self, client, dated, page):
        for url in ("/archive/", "/2015/", "/2015/7/", "/2015/7/21/"):
            assert client.get(url, {"page": page}).status_code == 404

    def test_future_articles_stay_out_of_the_archive(self, client, dated):
        make_article(title="غدًا", published_at=timezone.now() + timedelta(days=1))
        assert "غدًا" not in client.get("/archive/").content.decode()
        tomorrow = timezone.localtime() + timedelta(days=1)
        assert client.get(f"/{tomorrow.year}/{tomorrow.month}/{tomorrow.day}/").status_code == 404
