"""Worker of test_search_while_saving.py, run as ``python -m tests.faults.search_while_saving ROLE DIR N``.

``search``: says it is ready (a file in DIR), then searches in a loop until the saver is done and it
has searched at least N times. ``save``: waits until every searcher is ready, re-saves N articles
(each save commits to the index and may merge segments away), then says it is done. Counting, not
timing: the searches overlap every save however slow the machine. Prints its counts and the
traceback of every failure.
"""

import os
import random
import sys
import traceback
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")

import django

django.setup()

from articles.models import Article  # noqa: E402
from articles.search import indexing  # noqa: E402
from articles.search.query import SearchParams, run_search  # noqa: E402
from tests.waiting import wait_until  # noqa: E402

QUERIES = ["الرياض", "وزير الخارجية", "استانا", "النفط", "مجلس الوزراء", "الهلال"]
SEARCHERS_ENV = "SEARCH_WHILE_SAVING_SEARCHERS"


def main(role: str, workdir: Path, count: int) -> int:
    rng = random.Random(os.getpid())
    done = failed = 0
    finished = workdir / "saver-done"
    if role == "save":
        searchers = int(os.environ[SEARCHERS_ENV])
        try:  # the searchers stop when this file appears, also if saving failed
            wait_until(lambda: len(list(workdir.glob("ready-*"))) == searchers, timeout=120, message="no searchers")
            pks = list(Article.objects.published().values_list("pk", flat=True))
            for _ in range(count):
                Article.objects.get(pk=rng.choice(pks)).save()
                indexing.flush()
                done += 1
        finally:
            finished.touch()
    else:
        (workdir / f"ready-{os.getpid()}").touch()
        while not finished.exists() or done < count:
            try:
                outcome = run_search(SearchParams(q=rng.choice(QUERIES)))
                [hit.snippet for hit in outcome.hits]
                done += 1
            except Exception:
                failed += 1
                traceback.print_exc()
    print(f"{role}: {done} done, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
