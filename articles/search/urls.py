"""Search page, advanced search, exports, JSON API and OpenSearch description (namespace ``search``)."""

from django.urls import path

from articles.search import api, export, views

app_name = "search"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/advanced/", views.AdvancedSearchView.as_view(), name="advanced"),
    path("search/export.csv", export.CsvExportView.as_view(), name="export_csv"),
    path("search/export.jsonl", export.JsonLinesExportView.as_view(), name="export_jsonl"),
    path("api/search/", api.SearchApiView.as_view(), name="api_search"),
    path("api/articles/<int:pk>/", api.ArticleApiView.as_view(), name="api_article"),
    path("opensearch.xml", views.OpenSearchView.as_view(), name="opensearch"),
]
