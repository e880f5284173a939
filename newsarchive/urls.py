"""URL map: browse pages (articles.urls), search page and JSON API (articles.search.urls), admin,
the API's description, robots.txt and the favicon."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles import apidocs
from newsarchive import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.FaviconView.as_view(), name="favicon"),
    path("api/", apidocs.ApiDocsView.as_view(), name="api_docs"),
    path("api/openapi.json", apidocs.OpenApiView.as_view(), name="api_openapi"),
    path("", include("articles.search.urls", namespace="search")),
    path("", include("articles.urls", namespace="articles")),
]

if settings.NEWSARCHIVE_SERVE_MEDIA:
    # Uploaded images where no web server sits in front (settings: NEWSARCHIVE_SERVE_MEDIA).
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
