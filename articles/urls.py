"""Browse pages, the date archive, feeds and the sitemap (namespace ``articles``)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from articles import feeds, views
from articles.sitemaps import sitemaps

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("section/<str:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("publication/", views.PublicationListView.as_view(), name="publication_list"),
    path("publication/<str:slug>/", views.PublicationDetailView.as_view(), name="publication_detail"),
    path("author/<path:name>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("undated/", views.UndatedListView.as_view(), name="undated"),
    # Date archive: numeric months so URLs do not depend on the language.
    path("archive/", views.ArticleArchiveIndexView.as_view(), name="archive"),
    path("<int:year>/", views.ArticleYearArchiveView.as_view(), name="archive_year"),
    path("<int:year>/<int:month>/", views.ArticleMonthArchiveView.as_view(), name="archive_month"),
    path("<int:year>/<int:month>/<int:day>/", views.ArticleDayArchiveView.as_view(), name="archive_day"),
    path("<int:year>/<int:month>/<int:day>/<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("a/<int:pk>/", views.ArticleShortView.as_view(), name="article_short"),
    path("a/<int:pk>/cite.bib", views.CitationDownloadView.as_view(), {"format": "bib"}, name="article_bibtex"),
    path("a/<int:pk>/cite.ris", views.CitationDownloadView.as_view(), {"format": "ris"}, name="article_ris"),
    # Feeds
    path("feeds/latest/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("feeds/section/<str:slug>/rss/", feeds.SectionFeed(), name="section_feed_rss"),
    path("feeds/section/<str:slug>/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    # Sitemap index at /sitemap.xml, one sitemap per kind (articles are paginated by Sitemap.limit).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "articles:sitemap"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
]
