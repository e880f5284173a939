"""``NEWSARCHIVE_SEARCH_URL`` -> a ``HAYSTACK_CONNECTIONS["default"]`` dict.

Safe to import from settings (standard library only).

``""`` or ``whoosh:`` (no path)     the Arabic Whoosh index in ``<default_path>``
``whoosh:///srv/newsarchive/index`` the Arabic Whoosh index in that directory
``elasticsearch://host:9200/index`` Elasticsearch 7 / OpenSearch over HTTP, index (or alias) ``index``
``elasticsearch+https://user:pw@host:9200/index``  the same over HTTPS, with basic auth
``elasticsearch://h1:9200,h2:9200,h3:9200/index``  several nodes of one cluster: the client moves to
                                    the next when one is down
``solr://host:8983/solr/core``      haystack's Solr backend (``solr+https://`` for HTTPS)
Query parameter ``timeout`` (seconds) applies to the HTTP backends; ``shards`` and ``replicas`` to the
indices that ``build_index`` creates on Elasticsearch/OpenSearch (default 1 shard, the server's
replicas). Their errors are raised (``SILENTLY_FAIL`` off), so an engine that is down is reported,
not shown as "no results".
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

WHOOSH_ENGINE = "articles.search.backend.ArabicWhooshEngine"
ELASTICSEARCH_ENGINE = "articles.search.elasticsearch.ArabicElasticsearchEngine"
SOLR_ENGINE = "articles.search.solr.ArchiveSolrEngine"


def haystack_connection(url: str, default_path: str) -> dict:
    parts = urlsplit(url.strip() or "whoosh:")
    scheme, _, transport = parts.scheme.partition("+")
    if transport not in {"", "http", "https"}:
        raise ValueError(f"unsupported transport {transport!r} in search URL {url!r}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "whoosh":
        path = unquote(parts.path) or default_path
        # Spelling suggestions are computed on request from an unstemmed field (SEARCH-DESIGN.md).
        return {"ENGINE": WHOOSH_ENGINE, "PATH": path, "INCLUDE_SPELLING": False}
    if scheme not in {"elasticsearch", "solr"}:
        raise ValueError(f"unsupported search URL scheme {parts.scheme!r} in {url!r}")
    if not parts.hostname:
        raise ValueError(f"search URL {url!r} has no host")
    http = f"{transport or 'http'}://{parts.netloc}"
    userinfo, _, hosts = parts.netloc.rpartition("@")
    nodes = [f"{transport or 'http'}://{userinfo + '@' if userinfo else ''}{host}/" for host in hosts.split(",")]
    # haystack's default swallows engine errors into empty results: readers would see "nothing found"
    # while the engine is down. Raised, they become the 503 page (search) and a logged retry (indexing).
    connection: dict = {"SILENTLY_FAIL": False}
    if "timeout" in query:
        connection["TIMEOUT"] = int(query["timeout"])
    if scheme == "elasticsearch":
        index = unquote(parts.path).strip("/")
        if not index or "/" in index:
            raise ValueError(f"search URL {url!r} must name one index: elasticsearch://host:9200/<index>")
        for key in ("shards", "replicas"):
            if key in query:
                connection[key.upper()] = int(query[key])
        return {
            "ENGINE": ELASTICSEARCH_ENGINE,
            "URL": nodes if len(nodes) > 1 else nodes[0],
            "INDEX_NAME": index,
            **connection,
        }
    core = parts.path.rstrip("/")
    if not core:
        raise ValueError(f"search URL {url!r} must name a core: solr://host:8983/solr/<core>")
    return {"ENGINE": SOLR_ENGINE, "URL": f"{http}{core}", **connection}
