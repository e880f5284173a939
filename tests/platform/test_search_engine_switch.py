"""With NEWSARCHIVE_SEARCH_URL pointing at Elasticsearch, the search page says it is unavailable (503).

Indexing goes through haystack's Elasticsearch backend, but the search page and API read Whoosh
segments directly (articles/search/query.py); until an Elasticsearch run_search exists, readers get the
Arabic "search unavailable" page and the API a JSON 503, never a 500. No server is contacted.
"""

import pytest
from haystack import connections

from articles.search.engine_url import haystack_connection
from articles.search.views import UNAVAILABLE_MESSAGE
from tests.searchutil import fresh_backend


@pytest.fixture
def elasticsearch_configured(settings):
    config = haystack_connection("elasticsearch://127.0.0.1:9/newsarchive", "")
    original = dict(connections.connections_info["default"])
    connections.connections_info["default"] = config
    fresh_backend()
    yield
    connections.connections_info["default"] = original
    fresh_backend()


@pytest.mark.django_db
def test_search_page_and_api_answer_503_on_another_engine(client, elasticsearch_configured):
    page = client.get("/search/", {"q": "استانا"})
    assert page.status_code == 503
    assert UNAVAILABLE_MESSAGE in page.content.decode()
    api = client.get("/api/search/", {"q": "استانا"})
    assert api.status_code == 503
    assert "error" in api.json()
