"""Where the tests find a real OpenSearch/Elasticsearch server, and what happens when there is none.

``NEWSARCHIVE_TEST_ELASTICSEARCH_URL=http://127.0.0.1:9250`` names a running server (``scripts/opensearch/
cluster.sh start`` gives one); ``NEWSARCHIVE_TEST_OPENSEARCH_CLUSTER=1`` lets the fault tests start and kill
their own 3-node cluster with that script. Without them the tests that need a server are reported as
skipped on a developer's machine, and FAIL under CI (``CI=true``): CI starts the servers, so a missing
one is a broken run, not a reason to skip.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

ES_URL = os.environ.get("NEWSARCHIVE_TEST_ELASTICSEARCH_URL", "").rstrip("/")
CLUSTER = os.environ.get("NEWSARCHIVE_TEST_OPENSEARCH_CLUSTER", "") == "1"
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {what} is not set: .ci/run must start OpenSearch (scripts/opensearch/cluster.sh)")
    pytest.skip(f"set {what} to run (scripts/opensearch/cluster.sh start)")


def es_request(method: str, path: str, body: dict | list | None = None, base: str = "", timeout: float = 30) -> dict:
    """One JSON request to the server (``base`` defaults to ES_URL); HTTP errors raise."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base or ES_URL}{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@contextmanager
def es_connection(base: str, index: str, **options) -> Iterator:
    """The default haystack connection on the server at ``base``, index/alias ``index``; afterwards every
    index of that name (the alias, its build indices) is deleted and the connection restored."""
    from haystack import connections

    from articles.search.engine_url import haystack_connection
    from tests.searchutil import search_connection

    parts = urlsplit(base)
    scheme = "elasticsearch+https" if parts.scheme == "https" else "elasticsearch"
    query = "&".join(f"{key}={value}" for key, value in options.items())
    url = f"{scheme}://{parts.netloc}/{index}" + (f"?{query}" if query else "")
    with search_connection(haystack_connection(url, "")):
        backend = connections["default"].get_backend()
        try:
            yield backend
        finally:
            backend.conn.indices.delete(index=f"{index}-build-*", ignore=404)  # the alias goes with them
            backend.conn.indices.delete(index=index, ignore=404)
