"""Fixtures shared by every test package, and the Hypothesis profiles."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from tests import live_engine
from tests.browser.livesite import OUTPUT, drop_site_database, site_databases
from tests.searchutil import private_index

# Hypothesis: one example database wherever pytest is started from (test-output/ is git-ignored).
# Under CI (the CI variable set, as CI services do) the examples are derived from each test's own
# code (derandomize) and no database is read: the same examples on every run and every machine, so a
# red CI run is reproducible and a green one is not luck. Locally the default profile keeps exploring.
hypothesis_settings.register_profile("dev", database=DirectoryBasedExampleDatabase(OUTPUT / "hypothesis"))
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

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


@pytest.fixture(autouse=True)
def _drop_site_databases():
    """Drop the PostgreSQL databases of live sites a test created (PostgreSQL pass only; else no-op).

    Sites of session- or module-scoped fixtures exist before this runs, so they are left to their
    fixture, which drops its own.
    """
    before = site_databases()
    yield
    for data_dir in site_databases() - before:
        drop_site_database(Path(data_dir))
