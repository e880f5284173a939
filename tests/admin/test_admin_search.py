"""The changelist searches through the archive's Arabic search (a real on-disk index), filters still apply."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

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
