"""One editor process for test_sqlite_busy: saves articles through the ORM with the real settings.

Run as ``python -m tests.faults.sqlite_writer <worker> <rounds> <threads>`` with NEWSARCHIVE_DATA_DIR set.
Each thread creates ``rounds`` articles, re-titles its own article every round and adds a paragraph to
the one shared article, each in its own transaction, as concurrent admin saves would.
"""

from __future__ import annotations

import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Paragraph  # noqa: E402


def work(worker: str, rounds: int) -> None:
    try:
        own = Article.objects.get(title=f"مقال المحرر {worker}")
        shared = Article.objects.get(title="مقال مشترك")
        for i in range(rounds):
            with transaction.atomic():
                article = Article.objects.create(
                    title=f"مقال {worker} رقم {i}", status=Article.Status.PUBLISHED, published_at=timezone.now()
                )
                Paragraph.objects.create(article=article, position=0, text=f"نص {worker} {i}")
            with transaction.atomic():
                own.title = f"مقال المحرر {worker} تعديل {i}"
                own.save()
            with transaction.atomic():
                Paragraph.objects.create(article=shared, position=1000 + i, text=f"فقرة {worker} {i}")
    finally:
        connection.close()


def main() -> None:
    worker, rounds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            work(name, rounds)
        except BaseException as exc:  # reported on stderr and in the exit status
            errors.append(exc)
            raise

    pool = [threading.Thread(target=run, args=(f"{worker}-{t}",)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
