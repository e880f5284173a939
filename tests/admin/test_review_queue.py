"""The editors' review queue: imports flagged as incomplete and undated articles, counted on the admin index."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.importers import run_import
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def queue():
    return {
        "flagged": make_article(title="ناقص من الاستيراد", needs_review=True),
        "undated": make_article(title="مسودة بلا تاريخ", status="draft", published_at=None),
        "both": make_article(title="ناقص وبلا تاريخ", needs_review=True, published_at=None, status="draft"),
        "fine": make_article(title="خبر كامل"),
    }


def titles(response) -> set[str]:
    assert response.status_code == 200
    return {a.title for a in response.context["cl"].result_list}


def test_queue_filter(editor_client, queue):
    assert titles(editor_client.get(CHANGELIST, {"review": "queue"})) == {
        "ناقص من الاستيراد",
        "مسودة بلا تاريخ",
        "ناقص وبلا تاريخ",
    }
    assert titles(editor_client.get(CHANGELIST, {"review": "flagged"})) == {"ناقص من الاستيراد", "ناقص وبلا تاريخ"}
    assert titles(editor_client.get(CHANGELIST, {"review": "undated"})) == {"مسودة بلا تاريخ", "ناقص وبلا تاريخ"}
    assert titles(editor_client.get(CHANGELIST, {"review": "done"})) == {"خبر كامل"}
    html = editor_client.get(CHANGELIST).content.decode()
    assert "ناقص، بلا تاريخ" in html  # the column says why


def test_index_counts_the_queue(editor_client, queue):
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{CHANGELIST}?review=queue">بانتظار المراجعة: 3 مقالات</a>' in html
    assert f'<a href="{CHANGELIST}?review=flagged">استُورد ناقصًا: مقالان</a>' in html
    assert f'<a href="{CHANGELIST}?review=undated">بلا تاريخ نشر: مقالان</a>' in html
    Article.objects.update(needs_review=False, published_at="2015-07-21T10:00:00Z")
    assert "لا شيء ينتظر المراجعة." in editor_client.get(reverse("admin:index")).content.decode()


def test_mark_reviewed_clears_flags_and_keeps_undated(editor_client, queue):
    chosen = [queue[k].pk for k in ("flagged", "both", "undated")]
    response = editor_client.post(CHANGELIST, {"action": "mark_reviewed", "_selected_action": chosen}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "خرج مقالان من قائمة المراجعة. ويبقى فيها مقالان لأنهما بلا تاريخ نشر."
    ]
    assert set(Article.objects.review_queue().values_list("title", flat=True)) == {"مسودة بلا تاريخ", "ناقص وبلا تاريخ"}


def test_importer_flags_land_in_the_queue(editor_client, seed_body_only):
    run_import([seed_body_only])  # a body without title, section or date: flagged by the importer
    article = Article.objects.get()
    assert article.needs_review and article.published_at is None
    assert titles(editor_client.get(CHANGELIST, {"review": "flagged"})) == {article.title}
