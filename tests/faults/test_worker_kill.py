"""SIGKILL a gunicorn worker while requests are in flight: the master replaces it, service continues."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import urllib.parse

from tests.browser.livesite import Gunicorn, build_site, get
from tests.waiting import wait_until

QUERY = "/search/?q=" + urllib.parse.quote("وزير الخارجية سوريا")


def test_killed_worker_is_replaced_and_requests_are_served(tmp_path):
    build_site(tmp_path, sample=0, content=False)
    with Gunicorn(tmp_path, workers=2) as server:
        assert get(server.url + QUERY)[0] == 200
        results: list[int | str] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                try:
                    results.append(get(server.url + QUERY, timeout=10)[0])
                except (OSError, http.client.HTTPException) as exc:  # the request the dying worker was serving
                    results.append(type(exc).__name__)

        clients = [threading.Thread(target=hammer) for _ in range(4)]
        for client in clients:
            client.start()
        # Four clients on two workers: once each client has had answers, both workers are busy.
        wait_until(lambda: len(results) >= 8, message=f"the clients got no answers: {results}")
        victim = server.worker_pids()[0]
        in_flight = len(results)
        os.kill(victim, signal.SIGKILL)
        # Requests keep being answered after the kill (by the survivor, then by the replacement too).
        wait_until(lambda: results[in_flight:].count(200) >= 8, message=lambda: f"no service after the kill: {results}")
        stop.set()
        for client in clients:
            client.join()

        failed = [r for r in results[in_flight:] if r != 200]
        # Only the requests on the killed worker may fail (at most one per client connection).
        assert len(failed) <= 4, failed

        # The master forks a replacement; the next requests are all served.
        server.wait_for_workers(count=2, without=victim)
        assert [get(server.url + path)[0] for path in ["/", QUERY, "/archive/"] * 5] == [200] * 15
