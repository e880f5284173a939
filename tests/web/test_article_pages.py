"""The article page: every block of the seed page has a home, readers see only published articles."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_related

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def test_article_page_has_every_seed_block(client, seed_article):
    article = seed_article["article"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    section_url = seed_article["section"].get_absolute_url()
    assert section_url == "/section/%D8%A7%D9%84%D8%AE%D9%84%D9%8A%D8%AC-%D9%88%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/"
    assert f'<p class="article-section"><a href="{section_url}">الخليج والعالم</a></p>' in html
    assert '<h1 class="article-title">زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن</h1>' in html
    author_url = "/author/%D8%B9%D9%84%D9%8A%20%D8%AD%D8%B3%D9%86/"
    assert (
        f'<span class="dateline">دمشق</span> - <span class="byline"><a href="{author_url}">علي حسن</a></span>' in html
    )
    # Gregorian date with Arabic month name, Hijri date beside it.
    assert '<time datetime="2015-07-21T10:00:00+03:00">21 يوليو، 2015</time>' in html
    assert '<span class="hijri">الموافق 5 شوال 1436 هـ</span>' in html
    # Body paragraphs, the crosshead as <h2>, quotes escaped as text.
    assert "<p>قبل يوميْن، استقبل الرئيس السوري" in html
    assert "<h2>مصدر حكومي سوري</h2>" in html
    assert "حديثه لـ&quot;العهد&quot; قائلًا" in html
    # "مقالات مرتبطة": linked when the target is in the archive, plain title otherwise.
    assert '<h2 id="related-heading">مقالات مرتبطة</h2>' in html
    target = seed_article["target"]
    assert f'<a href="{target.get_absolute_url()}">بيان آستانة: صيغة الحد الأدنى و&quot;إدارة الخلاف&quot;</a>' in html
    assert '<span class="unlinked">بقائي: الحظر الجديد على إيران دليل على زيف ادّعاءات أميركا عن التفاوض</span>' in html
    # "المزيد في <القسم>": the other published articles of the section, newest first.
    assert "المزيد في <a href=" in html
    more = html[html.index('id="more-heading"') : html.index('id="ticker-heading"')]
    assert more.index("بيان آستانة") < more.index("الهند تقرّ قانونًا يقوّض حقوق المسلمين")
    assert "زيارة خاجي" not in more
    # "التغطية الإخبارية" ticker lines.
    assert '<h2 id="ticker-heading">التغطية الإخبارية</h2>' in html
    assert "<strong>لبنان|</strong> بدء جلسة مجلس الوزراء" in html
    assert "بيان مهم للقوات المسلحة اليمنية بعد قليل" in html
    # Source link and the search box.
    assert '<a href="https://example.org/news/1" rel="external nofollow noopener">العهد الإخباري</a>' in html
    assert 'action="/search/"' in html and 'name="q"' in html


def test_article_page_query_count(client, seed_article, django_assert_num_queries):
    # article+section+publication, paragraphs, related links+targets, section nav, more in section, ticker
    with django_assert_num_queries(6):
        response = client.get(seed_article["article"].get_absolute_url())
    assert response.status_code == 200


def test_query_count_does_not_grow_with_related_links(client, seed_article, django_assert_num_queries):
    article = seed_article["article"]
    for i in range(10):
        target = make_article(section=seed_article["section"])
        make_related(article, target.title, target=target, position=10 + i)
    with django_assert_num_queries(6):
        client.get(article.get_absolute_url())


def test_json_ld_and_open_graph(client, seed_article):
    html = client.get(seed_article["article"].get_absolute_url()).content.decode()
    data = json.loads(JSON_LD.search(html).group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن"
    assert data["datePublished"] == "2015-07-21T10:00:00+03:00"
    assert data["author"] == {"@type": "Person", "name": "علي حسن"}
    assert data["articleSection"] == "الخليج والعالم"
    assert '<meta property="og:title" content="زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن">' in html
    url = seed_article["article"].get_absolute_url()
    assert f'<meta property="og:url" content="http://testserver{url}">' in html
    assert data["url"] == f"http://testserver{url}"


def test_script_in_title_and_body_is_text(client):
    article = make_article(
        title="</script><script>alert(1)</script>",
        paragraphs=["<script>alert('body')</script>", "<b>bold</b> & more"],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "<p>&lt;script&gt;alert(&#x27;body&#x27;)&lt;/script&gt;</p>" in html
    assert "<p>&lt;b&gt;bold&lt;/b&gt; &amp; more</p>" in html
    # The JSON-LD block can't be closed early and still parses to the exact title.
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 1
    assert json.loads(blocks[0])["headline"] == "</script><script>alert(1)</script>"
    # No inline JavaScript anywhere: the only <script> element is the JSON-LD data block.
    assert html.count("<script") == 1
    assert not re.search(r"\son[a-z]+=", html)


def test_updated_time_is_shown(client):
    article = make_article(updated_at=timezone.make_aware(timezone.datetime(2015, 7, 22, 14, 30)))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "حُدِّث في" in html
    assert '<time datetime="2015-07-22T14:30:00+03:00">22 يوليو، 2015 2:30 م</time>' in html


def test_related_link_to_unpublished_target_is_plain_text(client):
    draft = make_article(title="مسودة مرتبطة", status=Article.Status.DRAFT)
    article = make_article()
    make_related(article, draft.title, target=draft)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="unlinked">مسودة مرتبطة</span>' in html
    assert draft.get_absolute_url() not in html


def test_wrong_date_in_url_is_404(client, seed_article):
    article = seed_article["article"]
    assert client.get(f"/2015/7/22/{article.pk}/").status_code == 404
    assert client.get(f"/2016/7/21/{article.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/2015/13/21/{pk}/", "/2015/7/32/{pk}/", "/0/7/21/{pk}/", "/2015/0/21/{pk}/"])
def test_impossible_dates_are_404(client, seed_article, url):
    assert client.get(url.format(pk=seed_article["article"].pk)).status_code == 404


class TestDraftsAndFuture:
    def test_draft_invisible_to_readers(self, client):
        draft = make_article(title="مسودة لم تنشر", status=Article.Status.DRAFT)
        assert client.get(f"/a/{draft.pk}/").status_code == 404
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert "مسودة لم تنشر" not in client.get("/").content.decode()

    def test_undated_draft_invisible_to_readers(self, client):
        draft = make_article(title="مسودة بلا تاريخ", status=Article.Status.DRAFT, published_at=None)
        assert draft.get_absolute_url() == f"/a/{draft.pk}/"
        assert client.get(f"/a/{draft.pk}/").status_code == 404

    def test_future_article_invisible_to_readers(self, client):
        future = make_article(title="مقال مجدول", published_at=timezone.now() + timedelta(days=2))
        assert client.get(future.get_absolute_url()).status_code == 404
        assert client.get(f"/a/{future.pk}/").status_code == 404
        assert "مقال مجدول" not in client.get("/").content.decode()
        assert "مقال مجدول" not in client.get("/archive/").content.decode()

    def test_staff_preview_draft_on_short_url(self, admin_client):
        draft = make_article(title="مسودة للمعاينة", status=Article.Status.DRAFT, published_at=None)
        response = admin_client.get(f"/a/{draft.pk}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<p class="preview-banner" role="status"><strong>مسودة</strong>' in html
        assert '<h1 class="article-title">مسودة للمعاينة</h1>' in html
        assert '<meta name="robots" content="noindex">' in html
        assert response["X-Robots-Tag"] == "noindex"

    def test_staff_preview_future_on_short_url(self, admin_client):
        future = make_article(title="مقال مجدول", published_at=timezone.now() + timedelta(days=2))
        response = admin_client.get(f"/a/{future.pk}/")
        assert response.status_code == 200
        assert "<strong>مجدول للنشر</strong>" in response.content.decode()
        # The dated URL stays for readers only, also for staff.
        assert admin_client.get(future.get_absolute_url()).status_code == 404

    def test_short_url_redirects_published_permanently(self, client, admin_client, seed_article):
        article = seed_article["article"]
        for c in (client, admin_client):
            response = c.get(f"/a/{article.pk}/")
            assert response.status_code == 301
            assert response["Location"] == article.get_absolute_url()

    def test_unknown_article_is_404(self, client, admin_client):
        assert client.get("/a/999999/").status_code == 404
        assert admin_client.get("/a/999999/").status_code == 404


@pytest.mark.parametrize(
    ("lead", "shown"),
    [
        # The seed page: the lead is the first paragraph's start, cut with "…" (or "...").
        ("قبل يوميْن، استقبل الرئيس السوري بشار الأسد كبير مساعدي…", False),
        ("قبل يوميْن، استقبل الرئيس السوري بشار الأسد ...", False),
        # The whole first paragraph, with other spacing and without the tashkeel.
        ("قبل يومين،  استقبل الرئيس السوري بشار الأسد كبير مساعدي وزير الخارجية الإيراني علي أصغر خاجي.", False),
        # A real summary.
        ("دمشق وطهران تنسقان قبل اجتماع سوتشي.", True),
        # Starts like the paragraph but goes on differently: not a repetition.
        ("قبل يوميْن، استقبل الرئيس السوري وفدًا عراقيًا.", True),
    ],
)
def test_lead_shown_only_when_it_does_not_repeat_the_first_paragraph(client, lead, shown):
    article = make_article(
        lead=lead,
        paragraphs=[
            "عنوان فرعي",
            "قبل يوميْن، استقبل الرئيس السوري بشار الأسد كبير مساعدي وزير الخارجية الإيراني علي أصغر خاجي.",
        ],
        crossheads={0},  # the first body paragraph is the first non-crosshead
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert ('<p class="article-lead">' in html) is shown
    if shown:
        assert f'<p class="article-lead">{lead}</p>' in html
    # The lead still describes the page either way.
    assert f'<meta name="description" content="{lead.split()[0]}' in html
