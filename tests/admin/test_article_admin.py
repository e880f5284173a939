"""The article admin through the test client: Arabic RTL pages, inlines, actions, autocomplete, query count."""

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Paragraph, RelatedLink
from tests.factories import make_article, make_brief, make_publication, make_related, make_section

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def article_post_data(section, publication, **overrides) -> dict:
    """What the add/change form posts, with empty inline management forms."""
    data = {
        "title": "وزير الخارجية يصل إلى أستانا",
        "dateline": "الرياض",
        "byline": "واس",
        "lead": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        "section": str(section.pk),
        "publication": str(publication.pk),
        "source_url": "",
        "body": "",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "admin:articles_section_changelist",
        "admin:articles_section_add",
        "admin:articles_publication_changelist",
        "admin:articles_brief_changelist",
        "admin:articles_brief_add",
        "admin:articles_variantset_changelist",
        "admin:articles_variantset_add",
    ],
)
def test_pages_load_arabic_rtl(superuser_client, url_name):
    make_article(title="خبر في الأرشيف")
    make_brief()
    response = superuser_client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "أرشيف الأخبار — الإدارة" in html
    assert "تسجيل الخروج" in html  # Django's own admin strings come in Arabic too


def test_change_page_shows_fieldsets_and_ordered_inlines(superuser_client):
    article = make_article(paragraphs=["الفقرة الأولى", "عنوان فرعي", "الفقرة الثالثة"], crossheads={1})
    Paragraph.objects.filter(article=article, position=0).update(position=5)  # now last
    response = superuser_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    for title in ("الخبر", "النشر والتصنيف", "المصدر", "السجل", "مقالات مرتبطة"):
        assert title in html
    # One body text in the rows' order, the crosshead marked.
    assert "\n## عنوان فرعي\n\nالفقرة الثالثة\n\nالفقرة الأولى</textarea>" in html
    assert 'dir="rtl"' in form_tag(html, "body")
    assert reverse("admin:view_on_site", args=[response.context["content_type_id"], article.pk]) in html


def form_tag(html: str, name: str) -> str:
    """The opening tag of the form control called ``name``."""
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert match, name
    return match.group(0)


def test_change_page_inputs_have_accessible_names(superuser_client):
    """Inline cells and the split date/time inputs have no <label>: each carries an aria-label."""
    article = make_article(title="خبر", paragraphs=["أولى"])
    make_related(article, "خبر آخر")
    response = superuser_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    for name, label in [
        ("published_at_0", "تاريخ النشر: التاريخ"),
        ("published_at_1", "تاريخ النشر: الوقت"),
        ("related_links-0-position", "الترتيب، مقال مرتبط"),
        ("related_links-0-title", "العنوان، مقال مرتبط"),
    ]:
        assert f'aria-label="{label}"' in form_tag(html, name), name
    # Select2 names its combobox by the text it shows: the placeholder while no article is chosen.
    assert 'data-placeholder="المقال (ابحث بالعنوان)"' in form_tag(html, "related_links-0-target")
    assert "admin-overrides.css" in html


def test_add_article_with_paragraphs_and_related_link(superuser_client):
    section, publication = make_section(name="سياسة"), make_publication(name="واس")
    target = make_article(title="افتتاح محادثات أستانا")
    data = article_post_data(
        section,
        publication,
        **{
            "status": "published",
            "published_at_0": "2015-07-21",
            "published_at_1": "10:30:00",
            "body": "وصل الوزير صباح اليوم.\r\n\r\n## جدول الزيارة\r\n",
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-position": "0",
            "related_links-0-title": "افتتاح محادثات أستانا",
            "related_links-0-target": str(target.pk),
        },
    )
    response = superuser_client.post(ADD, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response

    article = Article.objects.get(title="وزير الخارجية يصل إلى أستانا")
    assert (article.section, article.publication, article.byline, article.dateline) == (
        section,
        publication,
        "واس",
        "الرياض",
    )
    assert article.status == "published"
    assert timezone.localtime(article.published_at).replace(tzinfo=None) == datetime(2015, 7, 21, 10, 30)
    assert list(article.paragraphs.values_list("position", "kind", "text")) == [
        (0, "p", "وصل الوزير صباح اليوم."),
        (1, "h", "جدول الزيارة"),
    ]
    assert list(article.related_links.values_list("position", "title", "target")) == [
        (0, "افتتاح محادثات أستانا", target.pk)
    ]


def test_adding_an_article_links_pending_related_titles(superuser_client):
    older = make_article(title="خبر قديم")
    pending = RelatedLink.objects.create(source=older, title="القمة الخليجية في الرياض")
    response = superuser_client.post(
        ADD, article_post_data(make_section(), make_publication(), title="القمة الخليجية في الرياض")
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.target == Article.objects.get(title="القمة الخليجية في الرياض")


def test_edit_title(superuser_client):
    article = make_article(title="عنوان قديم", paragraphs=["نص"])
    paragraph = article.paragraphs.get()
    data = article_post_data(
        article.section,
        article.publication,
        **{
            "title": "عنوان جديد",
            "status": "published",
            "published_at_0": "2015-07-21",
            "published_at_1": "10:00:00",
            "body": "نص",
        },
    )
    response = superuser_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "عنوان جديد"
    assert list(article.paragraphs.values_list("pk", "text")) == [(paragraph.pk, "نص")]  # untouched


def test_publish_action_dates_undated_drafts(superuser_client):
    dated = make_article(status="draft", published_at=timezone.make_aware(datetime(2015, 7, 21, 10, 0)))
    undated = make_article(status="draft", published_at=None)
    already = make_article(status="published")
    before = timezone.now()
    response = superuser_client.post(
        CHANGELIST,
        {"action": "publish", "_selected_action": [dated.pk, undated.pk, already.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["نُشر مقالان."]
    for article in (dated, undated, already):
        article.refresh_from_db()
        assert article.status == "published"
    assert dated.published_at == timezone.make_aware(datetime(2015, 7, 21, 10, 0))
    assert before <= undated.published_at <= timezone.now()


def test_unpublish_action_keeps_the_date(superuser_client):
    first, second = make_article(status="published"), make_article(status="published")
    draft = make_article(status="draft")
    response = superuser_client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [first.pk, second.pk, draft.pk]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["أُعيد مقالان إلى المسودات."]
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    first.refresh_from_db()
    assert first.published_at == timezone.make_aware(datetime(2015, 7, 21, 10, 0))


def test_autocomplete_for_related_articles(superuser_client):
    astana = make_article(title="محادثات أستانا للسلام")
    make_article(title="أمطار غزيرة في جدة")
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "relatedlink", "field_name": "target", "term": "أستانا"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"id": str(astana.pk), "text": "محادثات أستانا للسلام"}],
        "pagination": {"more": False},
    }


def test_changelist_search_and_filter(superuser_client):
    section = make_section(name="رياضة")
    make_article(title="الهلال يفوز", section=section)
    make_article(title="أمطار في جدة")
    response = superuser_client.get(CHANGELIST, {"q": "الهلال"})
    assert [a.title for a in response.context["cl"].result_list] == ["الهلال يفوز"]
    response = superuser_client.get(CHANGELIST, {"section__id__exact": section.pk})
    assert [a.title for a in response.context["cl"].result_list] == ["الهلال يفوز"]


def test_section_changelist_counts_articles(superuser_client):
    section = make_section(name="اقتصاد")
    make_article(section=section)
    make_article(section=section)
    response = superuser_client.get(reverse("admin:articles_section_changelist"), {"q": "اقتصاد"})
    assert [(s.name, s.article_count) for s in response.context["cl"].result_list] == [("اقتصاد", 2)]


def test_brief_is_active_editable_in_list(superuser_client):
    brief = make_brief(region="لبنان", text="بدء جلسة مجلس الوزراء")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(brief.pk),
        "_save": "احفظ",
    }  # is_active unchecked
    response = superuser_client.post(reverse("admin:articles_brief_changelist"), data)
    assert response.status_code == 302
    brief.refresh_from_db()
    assert brief.is_active is False


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_changelist_query_count_does_not_grow(superuser_client):
    section, publication = make_section(), make_publication()
    for _ in range(3):
        make_article(section=make_section(), publication=make_publication())
    changelist_queries(superuser_client)  # warm caches (content types, session)
    with_3 = changelist_queries(superuser_client)
    for _ in range(27):
        make_article(section=section, publication=publication)
    with_30 = changelist_queries(superuser_client)
    assert Article.objects.count() == 30
    # session, user, section and publication filters, count, page, date-hierarchy bounds and dates
    assert with_3 == with_30 == 8
