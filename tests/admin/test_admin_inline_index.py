"""Admin edits reach the project's Arabic index: inline paragraph and related-link edits and deletes
through the real change form (inline formsets), and the publish/unpublish actions.

The index is the project's own backend on a private on-disk directory (``index_dir``). The tests
commit for real (``transaction=True``): index updates run when the admin's transaction commits, as
in production, and every check goes through ``tests.searchutil.search_pks``.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import body_text
from articles.models import Article, Paragraph, RelatedLink
from tests.admin.test_article_admin import CHANGELIST, article_post_data
from tests.factories import make_article, make_related
from tests.searchutil import search_pks

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def indexed(index_dir):
    """An article with two paragraphs and a related link, in a freshly built index."""
    target = make_article(title="افتتاح محادثات السلام")
    article = make_article(
        title="زيارة الوزير إلى الرياض",
        paragraphs=["وصل الوزير إلى الرياض صباح اليوم.", "وناقش الجانبان ملف الطاقة المتجددة."],
    )
    link = make_related(article, "افتتاح محادثات السلام", target=target)
    call_command("build_index", procs=1, verbosity=0)
    return {"article": article, "link": link, "target": target}


def change_form(article: Article, paragraphs: list[dict], links: list[dict]) -> dict:
    """The change form as the browser posts it: the article's fields, the body text and the links formset.

    ``paragraphs`` / ``links``: one dict per row (``id`` for an existing row, ``DELETE`` to delete it).
    """
    local = timezone.localtime(article.published_at)
    data = article_post_data(
        article.section,
        article.publication,
        title=article.title,
        status=article.status,
        published_at_0=local.strftime("%Y-%m-%d"),
        published_at_1=local.strftime("%H:%M:%S"),
        dateline="",
        byline="",
    )
    # The body is one text in the admin (articles/body_text.py): the kept rows, in order.
    kept = sorted((row for row in paragraphs if not row.get("DELETE")), key=lambda row: row["position"])
    data["body"] = body_text.to_text([(row["kind"], row["text"]) for row in kept])
    for prefix, rows, parent in (("related_links", links, "source"),):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for row in rows if "id" in row))
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = str(value)
            if "id" in row:
                data[f"{prefix}-{i}-{parent}"] = str(article.pk)
    return data


def paragraph_rows(article: Article) -> list[dict]:
    return [
        {"id": p.pk, "position": p.position, "kind": p.kind, "text": p.text}
        for p in article.paragraphs.order_by("position")
    ]


def link_rows(article: Article) -> list[dict]:
    return [
        {"id": link.pk, "position": link.position, "title": link.title, "target": link.target_id or ""}
        for link in article.related_links.order_by("position")
    ]


def post_change(client, article, data) -> None:
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response


def test_editing_a_paragraph_inline_reindexes_its_words(superuser_client, indexed):
    article = indexed["article"]
    assert search_pks("المتجددة") == [article.pk]
    rows = paragraph_rows(article)
    rows[1]["text"] = "وناقش الجانبان ملف تحلية المياه."
    post_change(superuser_client, article, change_form(article, rows, link_rows(article)))

    assert list(article.paragraphs.values_list("text", flat=True)) == [
        "وصل الوزير إلى الرياض صباح اليوم.",
        "وناقش الجانبان ملف تحلية المياه.",
    ]
    assert search_pks("تحلية") == [article.pk]
    assert search_pks("المتجددة") == []


def test_adding_and_deleting_a_paragraph_inline(superuser_client, indexed):
    article = indexed["article"]
    rows = paragraph_rows(article) + [{"position": 2, "kind": "p", "text": "واختتم الوزير زيارته بمؤتمر صحفي."}]
    post_change(superuser_client, article, change_form(article, rows, link_rows(article)))
    assert search_pks("مؤتمر") == [article.pk]

    rows = paragraph_rows(article)
    assert [row["text"] for row in rows][-1] == "واختتم الوزير زيارته بمؤتمر صحفي."
    rows[0]["DELETE"] = "on"
    post_change(superuser_client, article, change_form(article, rows, link_rows(article)))
    assert Paragraph.objects.filter(article=article).count() == 2
    assert search_pks("صباح") == []  # only in the deleted paragraph
    assert search_pks("مؤتمر") == [article.pk]
    assert search_pks("الرياض") == [article.pk]  # still in the title


def test_related_link_edits_inline_change_the_links_but_not_what_search_finds(superuser_client, indexed):
    # Related-link titles are not part of the searchable text (they name other articles): adding,
    # renaming or deleting one leaves search exactly as it was, and the article is still found.
    article, target = indexed["article"], indexed["target"]
    assert search_pks("محادثات") == [target.pk]
    links = link_rows(article)
    links[0]["title"] = "محادثات السلام في جنيف"
    links.append({"position": 1, "title": "قمة الطاقة في أبوظبي", "target": ""})
    post_change(
        superuser_client,
        article,
        change_form(article, paragraph_rows(article), links),
    )
    assert list(article.related_links.values_list("title", flat=True)) == [
        "محادثات السلام في جنيف",
        "قمة الطاقة في أبوظبي",
    ]
    assert search_pks("أبوظبي") == [] and search_pks("جنيف") == []
    assert search_pks("محادثات") == [target.pk]
    assert search_pks("المتجددة") == [article.pk]

    links = link_rows(article)
    links[0]["DELETE"] = links[1]["DELETE"] = "on"
    post_change(
        superuser_client,
        article,
        change_form(article, paragraph_rows(article), links),
    )
    assert not RelatedLink.objects.filter(source=article).exists()
    assert search_pks("المتجددة") == [article.pk]
    assert search_pks("محادثات") == [target.pk]


def test_publish_and_unpublish_actions_reach_the_index(superuser_client, index_dir):
    when = timezone.make_aware(datetime(2015, 7, 21, 10, 0))
    draft = make_article(title="خبر عن السدود في عسير", status="draft", published_at=when)
    live = make_article(title="خبر عن السدود في جازان", status="published", published_at=when)
    call_command("build_index", procs=1, verbosity=0)
    assert search_pks("السدود") == [live.pk]

    superuser_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert set(search_pks("السدود")) == {draft.pk, live.pk}
    assert search_pks("عسير") == [draft.pk]

    superuser_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [draft.pk, live.pk]})
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    assert search_pks("السدود") == []
    assert search_pks("جازان") == [] and search_pks("عسير") == []


def test_editor_saves_reach_the_index_too(editor_client, indexed):
    article = indexed["article"]
    rows = paragraph_rows(article)
    rows[0]["text"] = "وصل الوزير إلى الرياض مساء أمس."
    post_change(editor_client, article, change_form(article, rows, link_rows(article)))
    assert search_pks("مساء") == [article.pk]
    assert search_pks("صباح") == []
