"""Sitemaps: every published article (lastmod = last edit) and every section page."""

from django.contrib.sitemaps import Sitemap

from articles.models import Article, Section


class ArticleSitemap(Sitemap):
    changefreq = "never"
    priority = 0.6

    def items(self):
        # get_absolute_url needs only pk and published_at; lastmod reads modified.
        return Article.objects.published().only("pk", "published_at", "modified").order_by("pk")

    def lastmod(self, article: Article):
        return article.modified


class SectionSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Section.objects.all()


sitemaps = {"articles": ArticleSitemap, "sections": SectionSitemap}
