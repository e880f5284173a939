"""Worker of test_search_while_saving.py: ``save SECONDS`` re-saves articles and applies each save's
index task at once, as the index writer does (each commits to the index and may merge segments
away); ``search SECONDS`` searches in a loop. Prints its counts and the traceback of every failure."""

import os
import random
import sys
import time
import traceback

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")

import django

django.setup()

from articles.models import Article  # noqa: E402
from articles.search import indexing  # noqa: E402
from articles.search.query import SearchParams, run_search  # noqa: E402

QUERIES = ["الرياض", "وزير الخارجية", "استانا", "النفط", "مجلس الوزراء", "الهلال"]


def main(role: str, seconds: float) -> int:
    end = time.monotonic() + seconds
    rng = random.Random(os.getpid())
    done = failed = 0
    if role == "save":
        pks = list(Article.objects.published().values_list("pk", flat=True))
        while time.monotonic() < end:
            Article.objects.get(pk=rng.choice(pks)).save()
            indexing.flush()
            done += 1
            time.sleep(0.05)
    else:
        while time.monotonic() < end:
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
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
