"""The changelist searches through the archive's Arabic search (a real on-disk index), filters still apply."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from articles import admin_search
from articles.admin_search import UNAVAILABLE
from articles.models import VariantSet
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def archive(index_dir):
    VariantSet.objects.create(canonical="أستانا", variants="أستانة\nآستانة")
    politics, world = make_section(name="سياسة"), make_section(name="العالم")
    when = timezone.make_aware(datetime(2017, 5, 4, 9))
    articles = {
        "ta": make_article(title="وصول الوفود إلى أستانة", section=politics, published_at=when),
        "madda": make_article(title="جولة جديدة من المحادثات", paragraphs=["تبدأ غدًا في الآستانة."], section=world),
        "draft": make_article(title="مسودة عن أستانا", status="draft", section=politics),
        "other": make_article(title="أمطار غزيرة في جدة", section=world),
    }
    call_command("build_index", procs=1, verbosity=0)
    return articles


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {a.title for a in response.context["cl"].result_list}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("who", ["superuser_client", "editor_client"])
def test_other_spellings_and_clitics_find_the_article(request, archive, who):
    client = request.getfixturevalue(who)
    expected = {"وصول الوفود إلى أستانة", "جولة جديدة من المحادثات", "مسودة عن أستانا"}
    response = client.get(CHANGELIST, {"q": "أستانا"})
    assert titles(response) == expected  # two published through the index, the draft literally
    assert messages_of(response) == []
    assert titles(client.get(CHANGELIST, {"q": "بآستانه"})) == expected - {"مسودة عن أستانا"}


def test_list_filters_still_apply(superuser_client, archive):
    politics = archive["ta"].section
    response = superuser_client.get(CHANGELIST, {"q": "أستانا", "section__id__exact": politics.pk})
    assert titles(response) == {"وصول الوفود إلى أستانة", "مسودة عن أستانا"}
    response = superuser_client.get(CHANGELIST, {"q": "استانا", "status__exact": "published"})
    assert titles(response) == {"وصول الوفود إلى أستانة", "جولة جديدة من المحادثات"}


def test_unavailable_index_falls_back_to_the_literal_match(superuser_client, index_dir, settings):
    settings.NEWSARCHIVE_SEARCH_REALTIME = False  # nothing creates an index in index_dir
    make_article(title="وصول الوفود إلى أستانة")
    make_article(title="مسودة عن أستانا", status="draft")
    assert not index_dir.exists()
    response = superuser_client.get(CHANGELIST, {"q": "أستانا"})
    assert titles(response) == {"مسودة عن أستانا"}
    assert messages_of(response) == [UNAVAILABLE]


def test_related_article_autocomplete_finds_other_spellings(superuser_client, archive):
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "relatedlink", "field_name": "target", "term": "آستانة"},
    )
    assert {r["text"] for r in response.json()["results"]} == {"وصول الوفود إلى أستانة", "جولة جديدة من المحادثات"}


def test_beyond_the_limit_the_newest_within_the_filters_are_listed(superuser_client, archive, monkeypatch):
    monkeypatch.setattr(admin_search, "LIMIT", 1)
    # Two published matches; only the newest one fits, and the editor is told.
    response = superuser_client.get(CHANGELIST, {"q": "أستانة"})
    newest = max((archive["ta"], archive["madda"]), key=lambda a: a.published_at)
    assert titles(response) == {newest.title}  # the draft «مسودة عن أستانا» does not match «أستانة» literally
    assert messages_of(response) == [admin_search.too_many(2, 1)]
    # Filtered to the other article's section, the search itself is narrowed: that one is found.
    older = archive["ta"] if newest is archive["madda"] else archive["madda"]
    response = superuser_client.get(CHANGELIST, {"q": "أستانة", "section__id__exact": older.section_id})
    assert older.title in titles(response)
    assert messages_of(response) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"published_at__year": "2017"}, (date(2017, 1, 1), date(2017, 12, 31))),
        ({"published_at__year": "2017", "published_at__month": "12"}, (date(2017, 12, 1), date(2017, 12, 31))),
        ({"published_at__year": "2016", "published_at__month": "2"}, (date(2016, 2, 1), date(2016, 2, 29))),
        ({"published_at__year": "2017", "published_at__month": "5", "published_at__day": "4"}, (date(2017, 5, 4),) * 2),
        # The admin's date filter: "this month" is __gte the 1st, __lt the 1st of the next month.
        (
            {"published_at__gte": "2026-12-01 00:00:00+03:00", "published_at__lt": "2027-01-01 00:00:00+03:00"},
            (date(2026, 12, 1), date(2026, 12, 31)),
        ),
        ({"published_at__year": "x"}, (None, None)),
    ],
)
def test_date_filters_narrow_the_search(query, expected):
    narrowing = admin_search.narrowing_from(QueryDict(urlencode(query)))
    assert (narrowing.date_from, narrowing.date_to) == expected
