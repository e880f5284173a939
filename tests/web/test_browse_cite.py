"""Publications index, author pages, related titles, the permalink and citations of an article."""

import urllib.parse
from datetime import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_publication

pytestmark = pytest.mark.django_db

TITLE = "زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن"


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


class TestPublications:
    def test_index_lists_publications_with_their_published_counts(
        self, client, seed_article, django_assert_num_queries
    ):
        riyadh = make_publication(name="الرياض", slug="alriyadh")
        make_article(publication=riyadh)
        make_article(publication=riyadh, published_at=None)  # undated counts: it is published
        make_article(publication=riyadh, status=Article.Status.DRAFT)
        make_publication(name="صحيفة بلا مقالات", slug="empty")
        with django_assert_num_queries(4):  # publications with counts, section nav, ticker, month links
            response = client.get("/publication/")
        assert response.status_code == 200
        html = response.content.decode()
        assert [(p.name, p.article_count) for p in response.context["publications"]] == [
            ("الرياض", 2),
            ("العهد الإخباري", 3),
        ]
        assert '<p class="page-meta">مصدران</p>' in html
        assert '<li><a href="/publication/alriyadh/">الرياض</a> <span class="count">مقالان</span></li>' in html
        assert '<a href="/publication/alahed/">العهد الإخباري</a> <span class="count">3 مقالات</span>' in html
        assert "صحيفة بلا مقالات" not in html
        assert '<a href="/publication/">المصادر</a>' in html  # the footer link

    def test_publication_names_in_cards_are_links(self, client, seed_article):
        html = client.get("/").content.decode()
        assert ' · <a href="/publication/alahed/">العهد الإخباري</a>' in html


class TestAuthor:
    def test_author_page_lists_the_bylines_articles(self, client, seed_article):
        make_article(title="مقال آخر لعلي حسن", byline="علي حسن", published_at=aware(2016, 1, 2, 9))
        make_article(title="مقال لكاتب آخر", byline="علي حسين")
        make_article(title="مسودة علي حسن", byline="علي حسن", status=Article.Status.DRAFT)
        url = "/author/" + urllib.parse.quote("علي حسن") + "/"
        response = client.get(url)
        assert response.status_code == 200
        assert [a.title for a in response.context["page_obj"]] == ["مقال آخر لعلي حسن", TITLE]
        html = response.content.decode()
        assert '<h1><span class="visually-hidden">مقالات الكاتب: </span>علي حسن</h1>' in html
        assert '<p class="page-meta">مقالان</p>' in html

    def test_unknown_author_is_404_and_slashes_are_fine(self, client, seed_article):
        assert client.get("/author/" + urllib.parse.quote("لا أحد") + "/").status_code == 404
        make_article(title="بيان", byline="الرياض/واس")
        article_html = client.get(Article.objects.get(title="بيان").get_absolute_url()).content.decode()
        assert 'href="/author/%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6/%D9%88%D8%A7%D8%B3/"' in article_html
        assert client.get("/author/%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6/%D9%88%D8%A7%D8%B3/").status_code == 200


def test_related_title_without_article_has_a_search_link(client, seed_article):
    html = client.get(seed_article["article"].get_absolute_url()).content.decode()
    title = "بقائي: الحظر الجديد على إيران دليل على زيف ادّعاءات أميركا عن التفاوض"
    query = urllib.parse.quote(title)
    assert (
        f'<span class="unlinked">{title}</span> <span class="not-in-archive">(ليس في الأرشيف بعد · '
        f'<a href="/search/?q={query}">ابحث عنه</a>)</span>'
    ) in html


class TestCitation:
    def test_permalink_and_citation_text(self, client, seed_article):
        article = seed_article["article"]
        url = f"http://testserver/2015/7/21/{article.pk}/"
        response = client.get(article.get_absolute_url())
        html = response.content.decode()
        assert f'<a href="{url}" dir="ltr" class="url">{url}</a>' in html
        assert response.context["citation"].text == f"علي حسن. (21 يوليو، 2015). {TITLE}. العهد الإخباري. {url}"
        assert (
            f'<p class="citation-text" id="citation-text">علي حسن. (21 يوليو، 2015). {TITLE}. العهد الإخباري. '
            f'<bdi dir="ltr" class="url">{url}</bdi></p>' in html
        )
        assert f'href="/a/{article.pk}/cite.bib" download>تنزيل BibTeX</a>' in html
        assert f'href="/a/{article.pk}/cite.ris" download>تنزيل RIS</a>' in html

    def test_bibtex_download(self, client, seed_article):
        article = seed_article["article"]
        response = client.get(f"/a/{article.pk}/cite.bib")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="newsarchive{article.pk}-2015.bib"'
        assert response.content.decode() == (
            f"@article{{newsarchive{article.pk}-2015,\n"
            f"  title = {{{TITLE}}},\n"
            "  author = {{علي حسن}},\n"
            "  journal = {العهد الإخباري},\n"
            "  year = {2015},\n"
            "  month = jul,\n"
            "  day = {21},\n"
            f"  url = {{http://testserver/2015/7/21/{article.pk}/}},\n"
            "  language = {arabic},\n"
            "}\n"
        )

    def test_ris_download(self, client, seed_article):
        article = seed_article["article"]
        response = client.get(f"/a/{article.pk}/cite.ris")
        assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
        assert response.content.decode().split("\r\n") == [
            "TY  - NEWS",
            f"TI  - {TITLE}",
            "AU  - علي حسن",
            "T2  - العهد الإخباري",
            "PY  - 2015",
            "DA  - 2015/07/21",
            "KW  - الخليج والعالم",
            f"UR  - http://testserver/2015/7/21/{article.pk}/",
            "LA  - ar",
            f"ID  - newsarchive{article.pk}-2015",
            "ER  - ",
            "",
        ]

    def test_bibtex_escapes_specials_and_drafts_have_no_citation(self, client):
        article = make_article(title="الربح 50% & أكثر_{جدًا}", byline="")
        bib = client.get(f"/a/{article.pk}/cite.bib").content.decode()
        assert r"  title = {الربح 50\% \& أكثر\_\{جدًا\}}," in bib and "author" not in bib
        draft = make_article(status=Article.Status.DRAFT)
        assert client.get(f"/a/{draft.pk}/cite.bib").status_code == 404
        assert client.get(f"/a/{article.pk}/cite.txt").status_code == 404

    def test_share_links_are_plain_links(self, client, seed_article):
        article = seed_article["article"]
        html = client.get(article.get_absolute_url()).content.decode()
        u = urllib.parse.quote(f"http://testserver/2015/7/21/{article.pk}/", safe="")
        t = urllib.parse.quote(TITLE, safe="")
        assert f'<a href="mailto:?subject={t}&amp;body={u}">بالبريد</a>' in html
        assert f'<a href="https://www.facebook.com/sharer/sharer.php?u={u}" rel="noopener external">فيسبوك</a>' in html
        assert "<script src=" not in html
