"""build_index and check_index on a real OpenSearch node: a new index behind the alias, no empty moment.

Needs a server (tests/live_engine.py). Each test has its own alias, deleted afterwards.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from articles.models import Article
from articles.search import indexing
from articles.search.query import SearchParams, run_search
from tests.factories import make_article
from tests.live_engine import es_connection
from tests.search.test_query import make_corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def es_alias(es_url):
    with es_connection(es_url, f"newsarchive-alias-{uuid.uuid4().hex[:8]}") as backend:
        yield backend


@pytest.fixture
def corpus(es_alias):
    with transaction.atomic():
        arts = make_corpus()
    return arts


def behind(backend) -> list[str]:
    return sorted(backend.conn.indices.get_alias(name=backend.index_name))


def test_first_build_replaces_the_plain_index_by_an_alias(corpus, es_alias):
    name = es_alias.index_name
    assert not es_alias.conn.indices.exists_alias(name=name)  # haystack made a plain index at the first save
    out = StringIO()
    call_command("build_index", stdout=out, stderr=StringIO())
    [target] = behind(es_alias)
    assert target.startswith(f"{name}-build-")
    assert f"Alias {name} -> {target} (replaced {name})." in out.getvalue()
    assert "Indexed 3 articles" in out.getvalue()
    assert [h.pk for h in run_search(SearchParams(q="أستانا")).hits] == [corpus["astana"].pk]

    call_command("build_index", stdout=StringIO(), stderr=StringIO())
    [second] = behind(es_alias)
    assert second != target and not es_alias.conn.indices.exists(index=target)  # the old one is deleted


def test_searches_keep_answering_during_rebuilds(corpus, es_alias):
    call_command("build_index", stdout=StringIO(), stderr=StringIO())
    results: list = []
    errors: list = []
    stop = threading.Event()

    def search_loop():
        while not stop.is_set():
            try:
                results.append([h.pk for h in run_search(SearchParams(q="أستانة")).hits])
            except Exception as exc:  # what a reader would get as the 503 page
                errors.append(exc)

    reader = threading.Thread(target=search_loop)
    reader.start()
    seen_before = len(results)
    try:
        for _ in range(3):
            call_command("build_index", stdout=StringIO(), stderr=StringIO())
    finally:
        stop.set()
        reader.join(timeout=60)
    assert errors == []
    assert len(results) > seen_before  # the reader did search while the builds ran
    assert all(pks == [corpus["astana"].pk] for pks in results)


def test_edits_during_the_build_are_caught_up(corpus, es_alias):
    call_command("build_index", stdout=StringIO(), stderr=StringIO())
    edited = []

    def edit_once(done, total):
        if not edited:  # saved while the new index is being filled: reaches the old one only
            edited.append(make_article(title="مقال أضيف أثناء البناء", paragraphs=["بركان في أيسلندا."]))
            Article.objects.filter(pk=corpus["geneva"].pk).delete()
            indexing.sync_articles([corpus["geneva"].pk])

    report = es_alias.rebuild(chunk=1, progress=edit_once)
    assert report["caught_up"] >= 1
    assert [h.pk for h in run_search(SearchParams(q="بركان")).hits] == [edited[0].pk]
    assert run_search(SearchParams(q="جنيف")).count == 0
    call_command("check_index", stdout=StringIO())  # in step: no CommandError


def test_check_index_on_opensearch(corpus, es_alias):
    call_command("build_index", stdout=StringIO(), stderr=StringIO())
    astana = Article.objects.get(pk=corpus["astana"].pk)
    Article.objects.filter(pk=astana.pk).update(modified=datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC))
    indexing.sync_articles([astana.pk])
    assert es_alias.indexed_stamps()[astana.pk] == datetime(2026, 1, 2, 3, 4, 5, 123456)  # microseconds kept
    call_command("check_index", stdout=StringIO())  # in step
    astana.refresh_from_db()

    with indexing.suspended():  # a save that never reached the engine
        astana.title = "عنوان جديد"
        astana.save()
    out = StringIO()
    with pytest.raises(CommandError, match="out of step"):
        call_command("check_index", stdout=out)
    assert f"stale: 1 ({astana.pk})" in out.getvalue()
    call_command("check_index", "--repair", stdout=StringIO())
    out = StringIO()
    call_command("check_index", stdout=out)
    assert "The index matches the database." in out.getvalue()
    assert [h.pk for h in run_search(SearchParams(q="عنوان جديد")).hits] == [astana.pk]
