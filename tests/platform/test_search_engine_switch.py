"""With NEWSARCHIVE_SEARCH_URL selecting another engine, the search page, the API and editors' saves
go through haystack's public API (portable.run_search, HaystackWritesMixin).

Run for real on haystack's stock Whoosh backend (tests/platform/stock_whoosh.py); an engine that is
down (Elasticsearch on a closed loopback port, the real client) gives the Arabic 503 page, never a
500 and never a silent "no results".
"""

from datetime import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from haystack import connections

from articles.models import Article
from articles.search import portable
from articles.search.engine_url import haystack_connection
from articles.search.query import SearchParams, SearchUnavailable, run_search
from articles.search.views import UNAVAILABLE_MESSAGE
from tests.admin.test_article_admin import article_post_data
from tests.factories import make_article, make_publication, make_section
from tests.searchutil import search_connection

STOCK_ENGINE = "tests.platform.stock_whoosh.StockWhooshEngine"


@pytest.fixture
def stock_engine(tmp_path):
    with search_connection({"ENGINE": STOCK_ENGINE, "PATH": str(tmp_path / "stock_index")}):
        yield connections["default"].get_backend()


@pytest.fixture
def elasticsearch_down():
    # Port 9 on loopback: nothing listens, the real client gets "connection refused" at once.
    with search_connection(haystack_connection("elasticsearch://127.0.0.1:9/newsarchive?timeout=2", "")):
        yield


def at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 12, 0))


@pytest.fixture
def articles(stock_engine):
    # One transaction, as an import: the paragraphs (bulk-created, no signal) are there at commit.
    with transaction.atomic():
        return _articles()


def _articles():
    # The stock engine analyzes every CharField (English stemmer): these slugs come out unchanged.
    economy = make_section(name="اقتصاد", slug="world")
    sport = make_section(name="رياضة", slug="sport")
    return {
        "oil": make_article(
            title="OPEC meeting in Vienna",
            paragraphs=["Oil ministers met in Vienna to discuss production quotas."],
            section=economy,
            published_at=at(2015, 7, 21),
        ),
        "quotas": make_article(
            title="Quotas unchanged",
            paragraphs=["Production quotas stay as they were, ministers said."],
            section=economy,
            published_at=at(2016, 3, 2),
        ),
        "match": make_article(
            title="Final in Riyadh",
            paragraphs=["The final was played in Riyadh before a full stadium."],
            section=sport,
            published_at=at(2015, 8, 1),
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_saves_reach_the_other_engine_and_the_search_page_reads_it(client, articles):
    assert not isinstance(connections["default"].get_backend(), type(None))
    outcome = run_search(SearchParams(q="quotas"))
    assert sorted(h.pk for h in outcome.hits) == sorted([articles["oil"].pk, articles["quotas"].pk])
    assert outcome.count == 2
    assert outcome.facets["section"] == [("world", "اقتصاد", 2)]
    assert outcome.facets["year"] == [(2016, 1), (2015, 1)]

    newest = run_search(SearchParams(q="quotas", sort="newest"))
    assert [h.pk for h in newest.hits] == [articles["quotas"].pk, articles["oil"].pk]
    assert [h.pk for h in run_search(SearchParams(q="quotas", date_to=datetime(2015, 12, 31).date())).hits] == [
        articles["oil"].pk
    ]
    assert [h.pk for h in run_search(SearchParams(q="riyadh", section="sport")).hits] == [articles["match"].pk]
    assert run_search(SearchParams(q="riyadh", section="world")).count == 0

    # An edit reaches the engine after commit, through HaystackWritesMixin; unpublishing removes it.
    match = articles["match"]
    match.title = "Final in Jeddah"
    match.paragraphs.update(text="The final was played in Jeddah.")
    match.save()
    assert [h.pk for h in run_search(SearchParams(q="jeddah")).hits] == [match.pk]
    match.status = Article.Status.DRAFT
    match.save()
    assert run_search(SearchParams(q="jeddah")).count == 0

    page = client.get("/search/", {"q": "vienna"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "OPEC meeting in <mark>Vienna</mark>" in body
    assert articles["oil"].get_absolute_url() in body
    api = client.get("/api/search/", {"q": "vienna"}).json()
    assert api["count"] == 1
    assert api["results"][0]["id"] == articles["oil"].pk


@pytest.mark.django_db(transaction=True)
def test_any_word_fallback_and_exclusion_on_the_other_engine(articles):
    outcome = run_search(SearchParams(q="vienna stadium"))
    assert outcome.fallback is True
    assert sorted(h.pk for h in outcome.hits) == sorted([articles["oil"].pk, articles["match"].pk])
    excluded = run_search(SearchParams(q="quotas -vienna"))
    assert [h.pk for h in excluded.hits] == [articles["quotas"].pk]
    assert run_search(SearchParams(q="vienna", page=2)).hits == []


@pytest.mark.django_db(transaction=True)
def test_an_article_added_in_the_admin_is_searchable_on_the_other_engine(client, articles):
    editor = User.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="محررون"))
    client.force_login(editor)
    section = articles["oil"].section
    data = article_post_data(section, make_publication(), title="Summit in Astana", status="published")
    data.update(
        {
            "published_at_0": "2017-01-23",
            "published_at_1": "10:00:00",
            "body": "Delegations gathered in Astana for talks.",
        }
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Article.objects.get(title="Summit in Astana")
    # The body's paragraphs are saved after the article: they are in the engine too (one save, not two).
    assert [h.pk for h in run_search(SearchParams(q="delegations")).hits] == [added.pk]


@pytest.mark.django_db
def test_search_page_and_api_answer_503_when_the_engine_is_down(client, elasticsearch_down):
    with pytest.raises(SearchUnavailable):
        portable.run_search(SearchParams(q="استانا"))
    page = client.get("/search/", {"q": "استانا"})
    assert page.status_code == 503
    assert UNAVAILABLE_MESSAGE in page.content.decode()
    api = client.get("/api/search/", {"q": "استانا"})
    assert api.status_code == 503
    assert "error" in api.json()


@pytest.mark.django_db
def test_bad_input_is_still_a_reader_error_on_the_other_engine(client, elasticsearch_down):
    # Checked before any engine is contacted: a reader error (400), not the engine's 503.
    response = client.get("/api/search/", {"q": "نفط", "date_from": "2015-02-30"})
    assert response.status_code == 400 and response.json()["field"] == "date_from"


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["build_index", "check_index"])
def test_whoosh_index_commands_refuse_another_engine_precisely(stock_engine, command):
    with pytest.raises(CommandError, match=f"{command} manages the embedded Whoosh index.*StockWhooshBackend"):
        call_command(command, verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["build_index", "check_index"])
def test_index_commands_name_the_engine_that_is_down(elasticsearch_down, command):
    # On Elasticsearch/OpenSearch both commands run (tests/platform/test_opensearch_rebuild.py).
    with pytest.raises(CommandError, match=r"search engine at http://127\.0\.0\.1:9/ .*newsarchive.*ConnectionError"):
        call_command(command, verbosity=0)
