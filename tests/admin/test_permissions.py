"""Roles and access: the editors group, what an editor may do, anonymous users, CSRF."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, Brief, Paragraph, RelatedLink, Section, VariantSet
from articles.signals import EDITORS_GROUP
from tests.factories import make_article, make_brief, make_publication, make_section

pytestmark = pytest.mark.django_db

EXPECTED_EDITOR_PERMISSIONS = {
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "add_paragraph"),
    ("articles", "change_paragraph"),
    ("articles", "view_paragraph"),
    ("articles", "add_relatedlink"),
    ("articles", "change_relatedlink"),
    ("articles", "view_relatedlink"),
    ("articles", "add_brief"),
    ("articles", "change_brief"),
    ("articles", "view_brief"),
    ("articles", "add_variantset"),
    ("articles", "change_variantset"),
    ("articles", "view_variantset"),
    ("articles", "view_section"),
    ("articles", "view_publication"),
}


def group_permissions() -> set[tuple[str, str]]:
    group = Group.objects.get(name="محررون")
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_editors_group_exists_after_migrate_with_exact_permissions():
    assert EDITORS_GROUP == "محررون"
    assert group_permissions() == EXPECTED_EDITOR_PERMISSIONS


def test_migrate_again_is_idempotent_and_resets_hand_edits():
    group = Group.objects.get(name=EDITORS_GROUP)
    group.permissions.add(
        Permission.objects.get(codename="delete_article"), Permission.objects.get(codename="add_user")
    )
    call_command("migrate", verbosity=0, interactive=False)
    assert Group.objects.filter(name=EDITORS_GROUP).count() == 1
    assert group_permissions() == EXPECTED_EDITOR_PERMISSIONS


def test_editor_can_add_and_change(editor_client):
    article = make_article(title="خبر للتحرير")
    assert editor_client.get(reverse("admin:articles_article_add")).status_code == 200
    assert editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 200
    section = make_section()
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "خبر أضافه محرر",
            "status": "draft",
            "section": str(section.pk),
            "body": "",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(title="خبر أضافه محرر").section == section


def test_editor_cannot_delete(editor_client):
    article = make_article()
    response = editor_client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    assert response.status_code == 403
    response = editor_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
    changelist = editor_client.get(reverse("admin:articles_article_changelist"))
    assert set(changelist.context["action_form"].fields["action"].choices) == {
        ("", "---------"),
        ("publish", "نشر المقالات المحددة"),
        ("unpublish", "إعادة المقالات المحددة إلى المسودات"),
        ("mark_reviewed", "تمت مراجعة المقالات المحددة (إخراجها من قائمة المراجعة)"),
    }


def test_editor_sees_sections_read_only(editor_client):
    section = make_section(name="محليات")
    assert editor_client.get(reverse("admin:articles_section_change", args=[section.pk])).status_code == 200
    assert editor_client.get(reverse("admin:articles_section_add")).status_code == 403


def test_editor_cannot_see_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") not in index
    assert reverse("admin:articles_article_changelist") in index


def test_anonymous_is_redirected_to_login(client):
    url = reverse("admin:articles_article_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_csrf_is_enforced(superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:articles_section_add"), {"name": "قسم بلا رمز", "slug": "بلا-رمز", "position": "1"}
    )
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not Section.objects.filter(name="قسم بلا رمز").exists()


# --- What an editor may not delete ------------------------------------------------------------------


def test_editor_cannot_delete_paragraphs_or_related_links_inline(editor_client):
    article = make_article(paragraphs=["الفقرة الأولى", "الفقرة الثانية"])
    link = RelatedLink.objects.create(source=article, title="خبر مرتبط", position=0)
    change = reverse("admin:articles_article_change", args=[article.pk])
    html = editor_client.get(change).content.decode()
    # No delete checkbox on the related links' rows (and no paragraph rows at all: one body text).
    assert 'name="paragraphs-0-DELETE"' not in html and 'name="related_links-0-DELETE"' not in html
    paragraphs = list(article.paragraphs.order_by("position"))
    data = {
        "title": article.title,
        "status": article.status,
        "section": str(article.section_id),
        "publication": str(article.publication_id),
        "published_at_0": "2015-07-21",
        "published_at_1": "10:00:00",
        # The body is one text (editors remove a paragraph by deleting its text): the same two here.
        "body": "الفقرة الأولى\n\nالفقرة الثانية",
        "paragraphs-TOTAL_FORMS": "2",
        "paragraphs-INITIAL_FORMS": "2",
        "related_links-TOTAL_FORMS": "1",
        "related_links-INITIAL_FORMS": "1",
        "related_links-0-id": str(link.pk),
        "related_links-0-source": str(article.pk),
        "related_links-0-position": "0",
        "related_links-0-title": link.title,
        "related_links-0-DELETE": "on",
    }
    for i, paragraph in enumerate(paragraphs):
        data.update(
            {
                f"paragraphs-{i}-id": str(paragraph.pk),
                f"paragraphs-{i}-article": str(article.pk),
                f"paragraphs-{i}-position": str(paragraph.position),
                f"paragraphs-{i}-kind": paragraph.kind,
                f"paragraphs-{i}-text": paragraph.text,
                f"paragraphs-{i}-DELETE": "on",
            }
        )
    response = editor_client.post(change, data)
    assert response.status_code == 302  # saved: the DELETE fields are not part of an editor's form
    assert list(article.paragraphs.order_by("position").values_list("text", flat=True)) == [
        "الفقرة الأولى",
        "الفقرة الثانية",
    ]
    assert RelatedLink.objects.filter(pk=link.pk).exists()
    # Nor through the models' own admin URLs, had they any.
    assert editor_client.post(f"/admin/articles/paragraph/{paragraphs[0].pk}/delete/", {"post": "yes"}).status_code in (
        403,
        404,
    )
    assert Paragraph.objects.filter(pk=paragraphs[0].pk).exists()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("publication", lambda: make_publication()),
        ("brief", lambda: make_brief()),
        ("variantset", lambda: VariantSet.objects.create(canonical="بوتين", variants="بوتن")),
        ("section", lambda: make_section()),
    ],
)
def test_editor_cannot_delete_publications_briefs_variant_sets_sections(editor_client, model, make):
    obj = make()
    delete = reverse(f"admin:articles_{model}_delete", args=[obj.pk])
    assert editor_client.get(delete).status_code == 403
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:articles_{model}_changelist")
    response = editor_client.post(
        changelist, {"action": "delete_selected", "post": "yes", "_selected_action": [obj.pk]}, follow=True
    )
    assert response.status_code == 200
    assert type(obj).objects.filter(pk=obj.pk).exists()
    # delete_selected is these changelists' only action: for an editor there is no action menu at all.
    assert editor_client.get(changelist).context["action_form"] is None
    change = reverse(f"admin:articles_{model}_change", args=[obj.pk])
    assert 'class="deletelink"' not in editor_client.get(change).content.decode()


def test_superuser_can_delete_what_editors_cannot(superuser_client):
    brief = make_brief()
    response = superuser_client.post(reverse("admin:articles_brief_delete", args=[brief.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Brief.objects.filter(pk=brief.pk).exists()
