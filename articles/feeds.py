"""RSS and Atom feeds of the latest published articles, overall and per section.

Titles are plain text; descriptions are HTML-escaped plain text (RSS ``description`` and Atom
``summary type="html"`` are read as HTML), so markup from an article body shows as text, never runs.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from articles.models import Article, Paragraph, Section

FEED_SIZE = 30


def feed_items(queryset):
    """Newest dated articles with their first body paragraph, in one query (undated ones are not "latest")."""
    first_paragraph = (
        Paragraph.objects.filter(article=OuterRef("pk"), kind=Paragraph.Kind.PARAGRAPH)
        .order_by("position", "pk")
        .values("text")[:1]
    )
    return queryset.dated().for_listing().latest_first().annotate(first_paragraph=Subquery(first_paragraph))[:FEED_SIZE]


class LatestArticlesFeed(Feed):
    title = f"{settings.SITE_NAME}: أحدث المقالات"
    link = reverse_lazy("articles:home")
    description = "أحدث المقالات المنشورة في الأرشيف."
    language = "ar"

    def items(self):
        return feed_items(Article.objects.all())

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return escape(item.lead or item.first_paragraph or "")

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at or item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.byline

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name] if item.section else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def title(self, section: Section) -> str:
        return f"{settings.SITE_NAME}: {section.name}"

    def link(self, section: Section) -> str:
        return section.get_absolute_url()

    def description(self, section: Section) -> str:
        return f"أحدث المقالات المنشورة في قسم {section.name}."

    def items(self, section: Section):
        return feed_items(Article.objects.in_section(section))


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, section: Section) -> str:
        return self.description(section)
