"""NEWSARCHIVE_SEARCH_URL parsing (articles/search/engine_url.py)."""

import pytest

from articles.search.engine_url import haystack_connection

DEFAULT = "/var/lib/newsarchive/whoosh_index"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", {"ENGINE": "articles.search.backend.ArabicWhooshEngine", "PATH": DEFAULT, "INCLUDE_SPELLING": False}),
        (
            "whoosh:///srv/index",
            {"ENGINE": "articles.search.backend.ArabicWhooshEngine", "PATH": "/srv/index", "INCLUDE_SPELLING": False},
        ),
        (
            "elasticsearch://127.0.0.1:9200/newsarchive",
            {
                "ENGINE": "articles.search.elasticsearch.ArabicElasticsearchEngine",
                "URL": "http://127.0.0.1:9200/",
                "INDEX_NAME": "newsarchive",
                "SILENTLY_FAIL": False,
            },
        ),
        (
            "elasticsearch+https://app:s3cret@search.internal:9200/newsarchive?timeout=5",
            {
                "ENGINE": "articles.search.elasticsearch.ArabicElasticsearchEngine",
                "URL": "https://app:s3cret@search.internal:9200/",
                "INDEX_NAME": "newsarchive",
                "TIMEOUT": 5,
                "SILENTLY_FAIL": False,
            },
        ),
        (
            "elasticsearch://127.0.0.1:9251,127.0.0.1:9252/newsarchive?shards=3&replicas=1",
            {
                "ENGINE": "articles.search.elasticsearch.ArabicElasticsearchEngine",
                "URL": ["http://127.0.0.1:9251/", "http://127.0.0.1:9252/"],
                "INDEX_NAME": "newsarchive",
                "SHARDS": 3,
                "REPLICAS": 1,
                "SILENTLY_FAIL": False,
            },
        ),
        (
            "elasticsearch+https://app:pw@a:9200,b:9200/newsarchive",
            {
                "ENGINE": "articles.search.elasticsearch.ArabicElasticsearchEngine",
                "URL": ["https://app:pw@a:9200/", "https://app:pw@b:9200/"],
                "INDEX_NAME": "newsarchive",
                "SILENTLY_FAIL": False,
            },
        ),
        (
            "solr://127.0.0.1:8983/solr/newsarchive",
            {
                "ENGINE": "articles.search.solr.ArchiveSolrEngine",
                "URL": "http://127.0.0.1:8983/solr/newsarchive",
                "SILENTLY_FAIL": False,
            },
        ),
    ],
)
def test_search_urls(url, expected):
    assert haystack_connection(url, DEFAULT) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("elasticsearch://127.0.0.1:9200/", "must name one index"),
        ("elasticsearch://127.0.0.1:9200/a/b", "must name one index"),
        ("elasticsearch:///newsarchive", "no host"),
        ("solr://127.0.0.1:8983", "must name a core"),
        ("elasticsearch+ftp://h/i", "unsupported transport"),
        ("meilisearch://127.0.0.1/i", "unsupported search URL scheme"),
    ],
)
def test_bad_search_urls(url, message):
    with pytest.raises(ValueError, match=message):
        haystack_connection(url, DEFAULT)


@pytest.mark.parametrize(
    ("url", "backend"),
    [("elasticsearch://h:9200/i", "ArabicElasticsearchBackend"), ("solr://h:8983/solr/c", "ArchiveSolrBackend")],
)
def test_http_engines_are_importable_and_take_editors_saves(url, backend):
    from django.utils.module_loading import import_string

    from articles.search.haystack_writes import HaystackWritesMixin

    engine = import_string(haystack_connection(url, DEFAULT)["ENGINE"])
    assert engine.backend.__name__ == backend
    assert issubclass(engine.backend, HaystackWritesMixin)
