"""Faults on a real 3-node OpenSearch cluster (3 primary shards, 1 replica each), under load.

Two readers search through the search function (run_search) in a loop and an editor saves a new
article once a second, while the elected cluster manager is killed with SIGKILL and started again. Afterwards: every
search that answered gave the right article, errors (if any) fell only between the kill and the
cluster's return to green, the two surviving nodes answered meanwhile, every saved article is in
the index, check_index finds it in step, and the cluster is green. Then the whole cluster goes
down: the search page answers the Arabic 503 page, and comes back by itself when the nodes return.

The cluster is started here with scripts/opensearch/cluster.sh (ports 9251-9253 and 9351-9353) and
stopped afterwards; runs in CI (NEWSARCHIVE_TEST_OPENSEARCH_CLUSTER=1, see tests/live_engine.py).
The measured window and counts are printed and written to test-output/opensearch-failover.json.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from articles.search.backend import SearchUnavailable
from articles.search.query import SearchParams, run_search
from articles.search.views import UNAVAILABLE_MESSAGE
from tests.factories import make_article, make_publication, make_section
from tests.live_engine import es_connection, es_request
from tests.search.test_query import make_corpus

pytestmark = [pytest.mark.opensearch_cluster, pytest.mark.django_db(transaction=True)]

CLUSTER_SH = Path(settings.BASE_DIR) / "scripts" / "opensearch" / "cluster.sh"
NODES = 3
FIRST = "http://127.0.0.1:9251"
ALL_NODES = "http://127.0.0.1:9251,127.0.0.1:9252,127.0.0.1:9253"
REPORT = Path(settings.BASE_DIR) / "test-output" / "opensearch-failover.json"


def cluster(*args: str, timeout: float = 300) -> str:
    done = subprocess.run([str(CLUSTER_SH), *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"cluster.sh {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_for(condition, timeout: float, what: str) -> None:
    """Wait for ``condition``; ``timeout`` only catches a hang (a busy 2-core CI machine is slow, not wrong)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        pause.wait(0.2)


def health(base: str, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    try:
        return es_request("GET", f"/_cluster/health?{query}", base=base, timeout=70)
    except OSError:
        return {}


@pytest.fixture(scope="module")
def three_nodes(cluster_allowed):
    cluster("start", str(NODES))
    try:
        yield ALL_NODES
    finally:
        cluster("stop", str(NODES))


@pytest.fixture
def es_cluster(three_nodes, settings):
    settings.NEWSARCHIVE_SEARCH_WRITE_RETRY_SECONDS = 90  # a save outlasts a failover, as in production
    with es_connection(three_nodes, f"newsarchive-faults-{uuid.uuid4().hex[:8]}", shards=3, replicas=1) as backend:
        yield backend


class Load:
    """Readers searching in a loop and an editor saving once a second, each event timestamped."""

    def __init__(self, expected_pk: int):
        self.expected = [expected_pk]
        self.section, self.publication = make_section(name="محليات المحرر"), make_publication(name="صحيفة المحرر")
        self.stop = threading.Event()
        self.searches: list[tuple[float, str]] = []  # (time, "ok" | "wrong" | error repr)
        self.saved: list[tuple[float, int]] = []
        self.save_seconds: list[float] = []  # each save with its indexing at commit
        self.threads = [threading.Thread(target=self.read) for _ in range(2)]
        self.threads.append(threading.Thread(target=self.edit))

    def read(self) -> None:
        while not self.stop.is_set():
            try:
                pks = [h.pk for h in run_search(SearchParams(q="أستانة")).hits]
                self.searches.append((time.monotonic(), "ok" if pks == self.expected else f"wrong {pks}"))
            except SearchUnavailable as exc:  # what a reader would get as the 503 page
                self.searches.append((time.monotonic(), repr(exc)[:200]))

    def edit(self) -> None:
        n = 0
        # The editor's section and publication exist before the readers start: the test database is
        # SQLite in memory with a shared cache, where an INSERT into a table other threads are reading
        # (the facets read section and publication names) fails with "database table is locked".
        section, publication = self.section, self.publication
        while not self.stop.is_set():
            n += 1
            began = time.monotonic()
            with transaction.atomic():  # indexed at commit, with the retries of haystack_writes
                article = make_article(
                    title=f"محفوظ رقم {n}",
                    paragraphs=["نص حفظه المحرر أثناء العطل."],
                    section=section,
                    publication=publication,
                )
            self.saved.append((time.monotonic(), article.pk))
            self.save_seconds.append(time.monotonic() - began)
            self.stop.wait(1.0)

    def since(self, t: float, kind: str = "ok") -> int:
        return sum(1 for at, what in self.searches if at >= t and what == kind)

    def saves_since(self, t: float) -> int:
        return sum(1 for at, _ in self.saved if at >= t)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def test_one_node_killed_under_load(es_cluster):
    with transaction.atomic():
        arts = make_corpus()
    call_command("build_index", stdout=StringIO(), stderr=StringIO())
    shards = es_request("GET", f"/{es_cluster.index_name}/_search_shards", base=FIRST)["shards"]
    assert len(shards) == 3 and all(len(copies) == 2 for copies in shards)  # 3 primaries, 1 replica each
    # The elected cluster manager is the one killed: searches and saves must also outlast an election.
    manager = es_request("GET", "/_cat/cluster_manager?format=json", base=FIRST)[0]["node"]
    victim = int(manager.removeprefix("node-"))
    survivor = f"http://127.0.0.1:{9251 + victim % NODES}"  # another node's HTTP port
    started = time.monotonic()
    with Load(arts["astana"].pk) as load:
        wait_for(lambda: load.since(started) >= 20 and load.saves_since(started) >= 2, 180, "load to start")
        killed = time.monotonic()
        cluster("kill-node", str(NODES), str(victim))
        wait_for(lambda: health(survivor).get("number_of_nodes") == 2, 180, f"the cluster to drop {manager}")
        wait_for(lambda: load.since(killed) >= 20 and load.saves_since(killed) >= 3, 180, "load on two nodes")
        answered_on_two = load.since(killed)
        restarted = time.monotonic()
        cluster("start-node", str(NODES), str(victim))
        green = health(survivor, wait_for_status="green", wait_for_nodes=NODES, timeout="60s")
        assert green.get("status") == "green" and not green.get("timed_out"), green
        back = time.monotonic()
        wait_for(lambda: load.since(back) >= 20 and load.saves_since(back) >= 2, 180, "load after recovery")
    errors = [(at, what) for at, what in load.searches if what != "ok"]
    report = {
        "searches": len(load.searches),
        "errors": len(errors),
        "first_error_after_kill_s": round(errors[0][0] - killed, 2) if errors else None,
        "last_error_after_kill_s": round(errors[-1][0] - killed, 2) if errors else None,
        "answered_while_node_down": answered_on_two,
        "kill_to_green_s": round(back - killed, 2),
        "restart_to_green_s": round(back - restarted, 2),
        "saves": len(load.saved),
        "slowest_save_s": round(max(load.save_seconds), 2),
        "killed": f"{manager} (the elected cluster manager)",
        "error_samples": sorted({what for _, what in errors})[:5],
    }
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print("failover:", json.dumps(report, ensure_ascii=False))

    assert not [what for _, what in load.searches if what.startswith("wrong")]
    assert all(killed <= at <= back for at, _ in errors), report  # only inside the failover window
    assert answered_on_two >= 20  # the two surviving nodes kept answering
    saved = {pk for _, pk in load.saved}
    es_cluster.conn.indices.refresh(index=es_cluster.index_name)
    assert saved <= set(es_cluster.indexed_stamps()), "a save did not reach the index"
    assert run_search(SearchParams(q="محفوظ", page=1)).count == len(saved)
    out = StringIO()
    call_command("check_index", stdout=out)  # raises CommandError when out of step
    assert "The index matches the database." in out.getvalue()
    assert health(FIRST)["status"] == "green"


def test_whole_cluster_down_gives_the_503_page_and_search_comes_back(es_cluster, client):
    with transaction.atomic():
        arts = make_corpus()
    call_command("build_index", stdout=StringIO(), stderr=StringIO())
    assert client.get("/search/", {"q": "أستانة"}).status_code == 200
    for node in range(1, NODES + 1):
        cluster("kill-node", str(NODES), str(node))
    page = client.get("/search/", {"q": "أستانة"})
    assert page.status_code == 503
    assert UNAVAILABLE_MESSAGE in page.content.decode()
    assert client.get("/api/search/", {"q": "أستانة"}).status_code == 503

    for node in range(1, NODES + 1):
        cluster("start-node", str(NODES), str(node))
    wait_for(lambda: health(FIRST).get("number_of_nodes") == NODES, 180, "the cluster to return")
    # No restart of the application: the same client, the same connection pool, answering again.
    wait_for(lambda: client.get("/search/", {"q": "أستانة"}).status_code == 200, 120, "search to come back")
    page = client.get("/search/", {"q": "أستانة"})
    assert page.context["outcome"].count == 1
    assert [h.pk for h in page.context["outcome"].hits] == [arts["astana"].pk]
