"""Fixtures shared by every test package."""

from pathlib import Path

import pytest
from django.conf import settings

from tests import live_engine
from tests.searchutil import private_index

SHARED = Path(settings.SHARED_DIR)
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "data" / "saudinewsnet"


@pytest.fixture
def seed_main() -> Path:
    return SEEDS / "000_14c593dc8bf47eef.txt"


@pytest.fixture
def seed_body_only() -> Path:
    return SEEDS / "004_eb6746986b947118.txt"


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture
def index_dir(tmp_path) -> Path:
    """A private search index directory for this test (not yet created); the backend follows it."""
    with private_index(tmp_path / "whoosh_index") as path:
        yield path


@pytest.fixture(scope="session")
def es_url() -> str:
    """A live OpenSearch/Elasticsearch server's URL; skipped without one, failing under CI."""
    if not live_engine.ES_URL:
        live_engine.missing("NEWSARCHIVE_TEST_ELASTICSEARCH_URL=http://127.0.0.1:9250")
    return live_engine.ES_URL


@pytest.fixture(scope="session")
def cluster_allowed() -> None:
    """The fault tests may start and kill their own 3-node OpenSearch cluster."""
    if not live_engine.CLUSTER:
        live_engine.missing("NEWSARCHIVE_TEST_OPENSEARCH_CLUSTER=1")
