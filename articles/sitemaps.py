"""Sitemaps: every dated published article (lastmod = last edit) and every section page.

The articles sitemap is paginated (``limit``): /sitemap.xml lists /sitemap-articles.xml?p=1..n. One sitemap
of all 31k articles took 2.5-3 s to build (an Article instance, a local date and a URL reverse each).
Items are plain (pk, published_at, modified) tuples, and the index's lastmod is one MAX() query, not a
walk over every article (Django's default for a callable ``lastmod``).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section


class ArticleSitemap(Sitemap):
    changefreq = "never"
    priority = 0.6
    limit = 500

    def __init__(self):
        self._day_urls: dict[tuple[int, int, int], str] = {}

    def items(self):
        # What the URL and lastmod need, nothing else: (pk, published_at, modified).
        return Article.objects.dated().order_by("pk").values_list("pk", "published_at", "modified")

    def location(self, item) -> str:
        # Article.get_absolute_url for a published article, without building the Article.
        # The URL is reversed once per day (with pk 0) and the pk put in its place: "/2015/7/21/0/".
        pk, published_at, _ = item
        local = timezone.localtime(published_at)
        day = (local.year, local.month, local.day)
        if day not in self._day_urls:
            self._day_urls[day] = reverse(
                "articles:article_detail", kwargs={"year": day[0], "month": day[1], "day": day[2], "pk": 0}
            ).removesuffix("/0/")
        return f"{self._day_urls[day]}/{pk}/"

    def lastmod(self, item):
        return item[2]

    def get_latest_lastmod(self):
        return Article.objects.dated().aggregate(latest=Max("modified"))["latest"]


class SectionSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Section.objects.all()


sitemaps = {"articles": ArticleSitemap, "sections": SectionSitemap}
