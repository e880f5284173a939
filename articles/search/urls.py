"""Search page, JSON API and OpenSearch description (namespace ``search``)."""

from django.urls import path

from articles.search import api, views

app_name = "search"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("api/search/", api.SearchApiView.as_view(), name="api_search"),
    path("api/articles/<int:pk>/", api.ArticleApiView.as_view(), name="api_article"),
    path("opensearch.xml", views.OpenSearchView.as_view(), name="opensearch"),
]
