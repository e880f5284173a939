"""URL map: browse pages (articles.urls), search page and JSON API (articles.search.urls), admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.search.urls", namespace="search")),
    path("", include("articles.urls", namespace="articles")),
]

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
