"""RSS/Atom feeds and the sitemap: valid XML, Arabic, only published articles, plain-text items."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.feeds import FEED_SIZE
from articles.models import Article, Section
from articles.sitemaps import ArticleSitemap
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def published_titles(seed_article) -> list[str]:
    """The fixture's published articles (all in its section), newest first: what every feed lists."""
    articles = [seed_article[k] for k in ("article", "target", "older")]
    return [a.title for a in sorted(articles, key=lambda a: a.published_at, reverse=True)]


def test_rss_feed(client, seed_article, django_assert_num_queries):
    make_article(title="مسودة", status=Article.Status.DRAFT)
    make_article(title="لاحقًا", published_at=timezone.now() + timedelta(days=1))
    with django_assert_num_queries(1):
        response = client.get("/feeds/latest/rss/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("language") == "ar"
    assert channel.findtext("title") == "أرشيف الأخبار: أحدث المقالات"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        'بيان آستانة: صيغة الحد الأدنى و"إدارة الخلاف"',
        "الهند تقرّ قانونًا يقوّض حقوق المسلمين",
        "زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن",
    ]
    seed = items[2]
    article = seed_article["article"]
    assert seed.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert seed.findtext("pubDate") == "Tue, 21 Jul 2015 07:00:00 +0000"
    # No lead: the first body paragraph (not the crosshead) is the description.
    assert seed.findtext("description") == (
        "قبل يوميْن، استقبل الرئيس السوري بشار الأسد كبير مساعدي وزير الخارجية الإيراني علي أصغر خاجي."
    )
    assert seed.findtext("category") == "الخليج والعالم"


def test_feed_description_prefers_lead_and_is_text_not_html(client):
    make_article(title="عنوان <b>", lead="ملخص <script>alert(1)</script> & نص", paragraphs=["<i>فقرة</i>"])
    item = ET.fromstring(client.get("/feeds/latest/rss/").content).find("channel/item")
    assert item.findtext("title") == "عنوان <b>"
    # RSS readers treat description as HTML: it carries escaped text, so the markup shows, never runs.
    assert item.findtext("description") == "ملخص &lt;script&gt;alert(1)&lt;/script&gt; &amp; نص"


def test_feed_is_capped(client):
    for _ in range(FEED_SIZE + 2):
        make_article()
    items = ET.fromstring(client.get("/feeds/latest/rss/").content).findall("channel/item")
    assert len(items) == FEED_SIZE == 30


def test_atom_feed(client, seed_article):
    response = client.get("/feeds/latest/atom/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == published_titles(seed_article)
    assert entries[2].findtext(f"{ATOM}published") == "2015-07-21T07:00:00+00:00"
    assert entries[2].findtext(f"{ATOM}author/{ATOM}name") == "علي حسن"


def test_section_feeds(client, seed_article):
    make_article(title="خارج القسم")
    section = seed_article["section"]
    rss = client.get(f"/feeds/section/{section.slug}/rss/")
    assert rss.status_code == 200
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.findtext("title") == "أرشيف الأخبار: الخليج والعالم"
    assert channel.findtext("language") == "ar"
    assert [i.findtext("title") for i in channel.findall("item")] == published_titles(seed_article)
    atom = ET.fromstring(client.get(f"/feeds/section/{section.slug}/atom/").content)
    assert atom.findtext(f"{ATOM}subtitle") == "أحدث المقالات المنشورة في قسم الخليج والعالم."
    assert [e.findtext(f"{ATOM}title") for e in atom.findall(f"{ATOM}entry")] == published_titles(seed_article)
    assert client.get("/feeds/section/لا-يوجد/rss/").status_code == 404


def test_sitemap_index_and_sitemaps(client, seed_article, django_assert_num_queries):
    make_article(title="مسودة", status=Article.Status.DRAFT)
    make_section(name="فارغ")
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    locs = [e.text for e in ET.fromstring(index.content).iter(f"{SITEMAP}loc")]
    assert locs == ["http://testserver/sitemap-articles.xml", "http://testserver/sitemap-sections.xml"]

    with django_assert_num_queries(2):  # count for the paginator, then the page
        response = client.get("/sitemap-articles.xml")
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    article = seed_article["article"]
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in urls}
    assert set(entries) == {f"http://testserver{a.get_absolute_url()}" for a in Article.objects.published()}
    assert set(entries) == {
        f"http://testserver{seed_article[k].get_absolute_url()}" for k in ("article", "target", "older")
    }
    assert entries[f"http://testserver{article.get_absolute_url()}"] == timezone.localdate(article.modified).isoformat()

    sections = ET.fromstring(client.get("/sitemap-sections.xml").content).findall(f"{SITEMAP}url")
    # Every section, even one without published articles: the seed's, the draft's own, "فارغ".
    assert {u.findtext(f"{SITEMAP}loc") for u in sections} == {
        f"http://testserver{s.get_absolute_url()}" for s in Section.objects.all()
    }
    assert Section.objects.count() == 3


def test_articles_sitemap_is_paginated_with_article_urls(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    articles = [make_article(published_at=datetime(2015, 7, day, 23, 30, tzinfo=UTC)) for day in (20, 21, 22)]
    make_article(title="مسودة", status=Article.Status.DRAFT)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locs = [e.text for e in index.iter(f"{SITEMAP}loc")]
    assert locs == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-sections.xml",
    ]
    latest = max(a.modified for a in articles)
    lastmods = [e.text for e in index.iter(f"{SITEMAP}lastmod")]
    assert lastmods[:2] == [timezone.localtime(latest).isoformat()] * 2
    pages = []
    for page in ("1", "2"):
        with django_assert_num_queries(2):
            response = client.get("/sitemap-articles.xml", {"p": page})
        pages.append([u.findtext(f"{SITEMAP}loc") for u in ET.fromstring(response.content).findall(f"{SITEMAP}url")])
    # Same URLs as Article.get_absolute_url (the local day: 23:30 UTC on the 20th is the 21st in Riyadh).
    assert pages == [
        [f"http://testserver{articles[0].get_absolute_url()}", f"http://testserver{articles[1].get_absolute_url()}"],
        [f"http://testserver{articles[2].get_absolute_url()}"],
    ]
    assert articles[0].get_absolute_url() == f"/2015/7/21/{articles[0].pk}/"
    assert client.get("/sitemap-articles.xml", {"p": "3"}).status_code == 404
