"""What an editor types can never take a page or a feed down: control characters, far dates, script URLs.

Text pasted from Word carries C0 control characters (a vertical tab between lines of a title); XML cannot
hold them, and the feeds refused to render at all. They are stripped on the way into the database.
"""

import pytest
from django.urls import reverse

from articles.models import Article, Brief, Paragraph, Publication, Section
from tests.admin.test_article_admin import ADD, article_post_data
from tests.factories import make_article, make_publication, make_section

pytestmark = pytest.mark.django_db

FEEDS = ["articles:feed_rss", "articles:feed_atom"]


@pytest.mark.parametrize("feed", FEEDS)
def test_feeds_render_a_title_typed_with_a_vertical_tab_in_the_admin(superuser_client, client, feed):
    section, publication = make_section(name="سياسة"), make_publication(name="واس")
    data = article_post_data(
        section,
        publication,
        **{
            "title": "وزير الخارجية\x0bيصل إلى أستانا",
            "byline": "واس\x0c",
            "status": "published",
            "published_at_0": "2015-07-21",
            "published_at_1": "10:30:00",
            "body": "سطر أول\x0bسطر\tثان\r\nسطر ثالث\x1f.",
        },
    )
    response = superuser_client.post(ADD, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    article = Article.objects.get()
    assert (article.title, article.byline) == ("وزير الخارجيةيصل إلى أستانا", "واس")
    assert list(article.paragraphs.values_list("text", flat=True)) == ["سطر أولسطر\tثان\nسطر ثالث."]
    client.logout()
    response = client.get(reverse(feed))
    assert response.status_code == 200
    assert "وزير الخارجيةيصل إلى أستانا" in response.content.decode()


@pytest.mark.parametrize("feed", FEEDS)
def test_feeds_render_after_model_saves_with_every_c0_character(client, feed):
    c0 = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
    section = make_section(name=f"قسم{c0}")
    article = make_article(title=f"عنوان{c0}", byline=f"كاتب{c0}", section=section, lead=f"ملخص{c0}")
    Paragraph.objects.create(article=article, position=1, text=f"فقرة{c0}")
    Brief.objects.create(region=f"لبنان{c0}", text=f"خبر{c0}")
    # QuerySet.update() bypasses save(): the field itself strips on the way to the database.
    Article.objects.filter(pk=article.pk).update(dateline=f"دمشق{c0}")
    article.refresh_from_db()
    assert (article.title, article.byline, article.lead, article.dateline) == ("عنوان", "كاتب", "ملخص", "دمشق")
    assert Section.objects.get(pk=section.pk).name == "قسم"
    assert article.paragraphs.get(position=1).text == "فقرة"
    assert Brief.objects.get().text == "خبر" and Brief.objects.get().region == "لبنان"
    response = client.get(reverse(feed))
    assert response.status_code == 200
    assert "عنوان" in response.content.decode()
    section_feed = feed.replace("articles:feed", "articles:section_feed")
    assert client.get(reverse(section_feed, kwargs={"slug": section.slug})).status_code == 200


def test_a_far_future_date_is_refused_with_a_message(superuser_client, client):
    section, publication = make_section(name="سياسة"), make_publication(name="واس")
    data = article_post_data(
        section, publication, status="published", published_at_0="9999-12-31", published_at_1="23:00:00"
    )
    response = superuser_client.post(ADD, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published_at"] == [
        "السنة 9999 خارج المدى المقبول للتواريخ (من 1800 إلى السنة القادمة)."
    ]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript://example.org/%0aalert(1)", "data:text/html,<b>x</b>", "ftp://example.org/a"],
)
def test_script_urls_are_refused_in_the_admin(superuser_client, url):
    section, publication = make_section(name="سياسة"), make_publication(name="واس")
    response = superuser_client.post(ADD, article_post_data(section, publication, source_url=url))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["source_url"] == ["أدخل رابطًا صحيحًا يبدأ بـ http:// أو https://."]
    response = superuser_client.post(
        reverse("admin:articles_publication_add"), {"name": "مصدر", "slug": "masdar", "website": url}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["website"] == ["أدخل رابطًا صحيحًا يبدأ بـ http:// أو https://."]
    assert not Article.objects.exists() and not Publication.objects.filter(name="مصدر").exists()
