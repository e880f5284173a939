"""Revisions (django-reversion): every admin save keeps one, the history compares two, a restore is exact."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from articles import revisions
from articles.admin_forms import article_rows
from articles.importers import run_import
from articles.models import Article, Brief, Paragraph, RelatedLink
from tests.admin.formdata import form_data
from tests.admin.test_article_admin import ADD, article_post_data
from tests.factories import make_article, make_publication, make_section

pytestmark = pytest.mark.django_db


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def state(article: Article) -> tuple:
    """Everything a restore must put back (not the modified stamp)."""
    article = Article.objects.get(pk=article.pk)
    fields = {
        f.name: getattr(article, f.attname)
        for f in Article._meta.concrete_fields
        if f.name not in ("modified", "title_key")
    }
    links = list(RelatedLink.objects.filter(source=article).values_list("position", "title", "target"))
    return fields, article_rows(article), links


def post_change(client, article, **overrides):
    """Post the change form as the browser shows it, with ``overrides``."""
    html = client.get(change_url(article)).content.decode()
    data = {**form_data(html, "article_form"), **overrides}
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def test_each_save_keeps_a_revision_with_who_and_the_children(superuser_client, superuser):
    section, publication = make_section(), make_publication()
    response = superuser_client.post(
        ADD, article_post_data(section, publication, body="وصل الوفد إلى أستانا.\n\n## البرنامج\n\nتبدأ المحادثات غدًا.")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    post_change(superuser_client, article, body="وصل الوفد إلى أستانة صباحًا.\n\n## البرنامج\n\nتبدأ المحادثات غدًا.")
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    assert len(versions) == 2
    assert all(v.revision.user == superuser for v in versions)
    first_paragraphs = [
        v.field_dict["text"]
        for v in versions[0].revision.version_set.all()
        if v.content_type.model_class() is Paragraph
    ]
    assert sorted(first_paragraphs) == sorted(["وصل الوفد إلى أستانا.", "البرنامج", "تبدأ المحادثات غدًا."])

    history = superuser_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    html = history.content.decode()
    assert html.count('name="from"') == 2 and html.count('name="to"') == 2
    assert "rais" in html

    compare = superuser_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"from": versions[0].pk, "to": versions[1].pk}
    )
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "وصل الوفد إلى <del>أستانا.</del><ins>أستانة صباحًا.</ins>\n\n## البرنامج" in html
    body = next(c for c in compare.context["changes"] if c.label == "النص")
    assert body.changed
    title = next(c for c in compare.context["changes"] if c.label == "العنوان")
    assert not title.changed


def test_word_diff_escapes_and_marks_words():
    assert revisions.word_diff("قال <b>الوزير</b> أمس", "قال الوزير اليوم") == (
        "قال <del>&lt;b&gt;الوزير&lt;/b&gt; أمس</del><ins>الوزير اليوم</ins>"  # one change across a space
    )
    assert revisions.word_diff("وصلت صباح اليوم إلى المطار", "وصلت مساء أمس إلى المطار") == (
        "وصلت <del>صباح اليوم</del><ins>مساء أمس</ins> إلى المطار"
    )
    assert revisions.word_diff("أ ب ج د", "أ س ج ص") == "أ <del>ب</del><ins>س</ins> ج <del>د</del><ins>ص</ins>"
    assert revisions.word_diff("", "جديد") == "<ins>جديد</ins>"


def test_restore_the_first_revision_exactly(superuser_client):
    target = make_article(title="محادثات أستانا")
    article = make_article(title="العنوان الأول", paragraphs=["فقرة أولى", "فقرة ثانية"])
    RelatedLink.objects.create(source=article, position=0, title="محادثات أستانا", target=target)
    call_command("createinitialrevisions", "articles.Article", verbosity=0)
    first = state(article)

    # A correction: new title and body (one row more), the related link removed, another added.
    html = superuser_client.get(change_url(article)).content.decode()
    data = form_data(html, "article_form")
    data.update(
        {
            "title": "عنوان مصحَّح",
            "body": "فقرة أولى معدّلة\n\n## عنوان فرعي\n\nفقرة ثانية",
            "related_links-0-DELETE": "on",
            "related_links-1-position": "1",
            "related_links-1-title": "خبر آخر",
            "related_links-TOTAL_FORMS": "2",
        }
    )
    assert superuser_client.post(change_url(article), data).status_code == 302
    assert state(article) != first
    assert RelatedLink.objects.filter(source=article).get().title == "خبر آخر"

    version = Version.objects.get_for_object(article).order_by("pk").first()
    revert_url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    page = superuser_client.get(revert_url)
    assert page.status_code == 200
    assert state(article)[0]["title"] == "عنوان مصحَّح"  # looking at a revision changes nothing
    response = superuser_client.post(revert_url, form_data(page.content.decode(), "article_form"))
    assert response.status_code == 302
    assert state(article) == first
    assert Version.objects.get_for_object(article).count() == 3  # the restore is a revision too


def test_editor_sees_history_and_compares(editor_client, editor):
    article = make_article(title="خبر", paragraphs=["نص أول"])
    post_change(editor_client, article, body="نص ثان")
    post_change(editor_client, article, body="نص ثالث")
    a, b = Version.objects.get_for_object(article).order_by("pk")
    assert a.revision.user == editor
    assert editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code == 200
    response = editor_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"from": b.pk, "to": a.pk}
    )
    assert "نص <del>ثان</del><ins>ثالث</ins>" in response.content.decode()  # the order of the choice does not matter


def test_compare_without_a_choice_goes_back_to_the_history(superuser_client):
    article = make_article()
    response = superuser_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"from": "x"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:articles_article_history", args=[article.pk])
    assert [str(m) for m in response.context["messages"]] == ["اختر نسختين من سجل المقال للمقارنة بينهما."]


def test_imported_articles_get_a_first_revision(seed_main, seed_body_only):
    run_import([seed_main, seed_body_only])
    call_command("createinitialrevisions", "articles.Article", "articles.Brief", comment="استيراد", verbosity=0)
    for article in Article.objects.all():
        (version,) = Version.objects.get_for_object(article)
        assert version.revision.get_comment() == "استيراد"
        saved = {v.object_id for v in version.revision.version_set.all() if v.content_type.model_class() is Paragraph}
        assert saved == {str(pk) for pk in article.paragraphs.values_list("pk", flat=True)}
    assert Version.objects.get_for_model(Brief).count() == Brief.objects.count() > 0
    # Run again (make import-sample does on every run): nothing doubles.
    call_command("createinitialrevisions", "articles.Article", "articles.Brief", verbosity=0)
    assert Version.objects.get_for_model(Article).count() == Article.objects.count()


def test_brief_saves_keep_revisions(superuser_client):
    response = superuser_client.post(
        reverse("admin:articles_brief_add"),
        {
            "region": "لبنان",
            "text": "بدء الجلسة",
            "published_at_0": "2024-11-12",
            "published_at_1": "09:00",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Version.objects.get_for_object(Brief.objects.get()).count() == 1


def test_publish_action_keeps_a_revision(superuser_client, superuser):
    draft = make_article(status="draft")
    response = superuser_client.post(
        reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    (version,) = Version.objects.get_for_object(draft)
    assert (version.field_dict["status"], version.revision.user) == ("published", superuser)
