"""Several processes (gunicorn workers) writing to the index at once: no LockError, nothing lost."""

import multiprocessing

import pytest
from haystack import connections

from articles.search.analysis import VariantMap
from articles.search.backend import reset_searchers

PROCS = 4
DOCS_PER_PROC = 15


def doc(pk, text):
    return {
        "id": f"articles.article.{pk}",
        "django_ct": "articles.article",
        "django_id": str(pk),
        "text": text,
        "text_exact": text,
        "title": f"خبر {pk}",
        "title_exact": f"خبر {pk}",
    }


def worker(n, errors):
    from articles.search import variants

    try:
        backend = connections["default"].get_backend()
        with variants.pinned(VariantMap()):  # no database in the child
            for i in range(DOCS_PER_PROC):
                pk = n * 1000 + i
                # each write is its own writer pass and commit, as one request's on_commit would be
                backend.write([doc(pk, f"نص المقال {pk} من العامل {n}"), doc(1, f"مقال مشترك كتبه العامل {n}")])
    except BaseException as exc:  # reported to the parent
        errors.put(f"{n}: {exc!r}")


@pytest.mark.django_db
def test_concurrent_writers_lose_nothing(search_index):
    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(n, errors)) for n in range(1, PROCS + 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * PROCS
    assert errors.empty(), errors.get()

    reset_searchers()
    searcher = connections["default"].get_backend().searcher()
    ids = sorted(int(f["django_id"]) for f in searcher.reader().all_stored_fields())
    expected = sorted([1] + [n * 1000 + i for n in range(1, PROCS + 1) for i in range(DOCS_PER_PROC)])
    assert ids == expected  # every document once, the shared one not duplicated
