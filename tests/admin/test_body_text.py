"""The single body field: the text format (articles/body_text.py) and the admin form over Paragraph rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from articles import body_text
from articles.admin_forms import ArticleAdminForm, article_rows
from articles.importers import run_import
from articles.models import Article
from tests.admin.test_article_admin import article_post_data, form_tag
from tests.factories import make_article

P, H = body_text.PARAGRAPH, body_text.CROSSHEAD


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("فقرة أولى\n\nفقرة ثانية", [(P, "فقرة أولى"), (P, "فقرة ثانية")]),
        ("## عنوان فرعي\n\nنص", [(H, "عنوان فرعي"), (P, "نص")]),
        # A crosshead is a line of its own even without blank lines around it.
        ("نص قبل\n## عنوان\nنص بعد", [(P, "نص قبل"), (H, "عنوان"), (P, "نص بعد")]),
        # Lines within a paragraph stay lines of it.
        ("سطر أول\nسطر ثان\n\nفقرة", [(P, "سطر أول\nسطر ثان"), (P, "فقرة")]),
        # Windows and old Mac newlines, trailing spaces, blank lines of spaces, blank edges.
        (
            "\r\n  \r\nأولى  \r\n\r\n## عنوان \t\r\n \r\nثانية\rسطر\r\n\r\n",
            [(P, "أولى"), (H, "عنوان"), (P, "ثانية\nسطر")],
        ),
        # Typed text that starts with the mark, escaped with a backslash; the escape itself escaped.
        ("\\## ليس عنوانًا", [(P, "## ليس عنوانًا")]),
        ("\\\\## شرطة ثم علامة", [(P, "\\## شرطة ثم علامة")]),
        ("نص\n\\## سطر داخل الفقرة", [(P, "نص\n## سطر داخل الفقرة")]),
        # Only "## " then text is a crosshead: "##x", a bare "##" and "#" stay text.
        ("##بلا مسافة\n\n##\n\n# واحدة", [(P, "##بلا مسافة"), (P, "##"), (P, "# واحدة")]),
        ("", []),
        ("\n \n", []),
    ],
)
def test_to_rows(text, rows):
    assert body_text.to_rows(text) == rows


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ([(P, "أولى"), (H, "عنوان"), (P, "سطر\nسطر")], "أولى\n\n## عنوان\n\nسطر\nسطر"),
        ([(P, "## نص")], "\\## نص"),
        ([(P, "\\## نص")], "\\\\## نص"),
        ([(P, "سطر\n## نص")], "سطر\n\\## نص"),
        ([], ""),
    ],
)
def test_to_text(rows, text):
    assert body_text.to_text(rows) == text
    assert body_text.to_rows(text) == rows


# Any body the archive can hold: paragraph lines without trailing spaces and not blank, one-line crossheads.
_line = st.text(st.sampled_from(list("ابت ج#\\ \t")) | st.characters(categories=["Lo"]), min_size=1).filter(
    lambda s: s.strip() and s == s.rstrip()
)
_paragraph = st.lists(_line, min_size=1, max_size=4).map("\n".join)
_crosshead = _line.filter(lambda s: s.strip())
_rows = st.lists(st.one_of(st.tuples(st.just(P), _paragraph), st.tuples(st.just(H), _crosshead)), max_size=6)


@given(_rows)
def test_round_trip_any_body(rows):
    assert body_text.to_rows(body_text.to_text(rows)) == rows


@given(st.text(st.sampled_from(list("اب #\\\r\n\t"))))
def test_text_settles_after_one_reading(text):
    normal = body_text.to_text(body_text.to_rows(text))
    assert body_text.to_text(body_text.to_rows(normal)) == normal


def assert_round_trip(article: Article) -> None:
    """The form opens with the text of the rows, and saving that text unchanged gives the same rows."""
    rows = article_rows(article)
    assert rows, article.title
    form = ArticleAdminForm(instance=article)
    text = form.fields["body"].initial
    assert body_text.to_rows(text) == rows, article.title
    bound = ArticleAdminForm({**form.initial, "body": text}, instance=article)
    bound.full_clean()
    assert bound.cleaned_data["body"] == text
    assert bound.save_body(article) is False  # nothing to write
    assert article_rows(article) == rows


@pytest.mark.django_db
def test_seed_pages_round_trip(seed_main, seed_body_only):
    run_import([seed_main, seed_body_only])
    body_only = Article.objects.get(title__startswith="والتقى علي أصغر خاجي")
    rows = article_rows(body_only)
    assert len(rows) == 15 and rows[7] == (H, "إيران تؤكد على إيجابيات تطبيع العلاقات بين تركيا وسوريا")
    text = body_text.to_text(rows)
    assert "\n\n## إيران تؤكد على إيجابيات تطبيع العلاقات بين تركيا وسوريا\n\n" in text
    assert text.count("\n\n") == 14
    articles = [a for a in Article.objects.all() if a.paragraphs.exists()]
    assert len(articles) == 2
    for article in articles:
        assert_round_trip(article)


@pytest.mark.django_db
def test_corpus_articles_round_trip(corpus_dir):
    run_import([corpus_dir], sample=150)
    articles = [a for a in Article.objects.prefetch_related("paragraphs") if a.paragraphs.all()]
    assert len(articles) >= 100
    for article in articles:
        assert_round_trip(article)


@pytest.mark.django_db
def test_admin_saves_the_body_into_rows_and_shows_it_again(superuser_client):
    article = make_article(title="خبر", paragraphs=["قديم"])
    kept = article.paragraphs.get()
    change = reverse("admin:articles_article_change", args=[article.pk])
    body = "قديم\r\n\r\n## ردود الفعل  \r\nرحّب المسؤولون.\r\nوقال آخرون.\r\n\r\n\\## ليس عنوانًا"
    response = superuser_client.post(change, article_post_data(article.section, article.publication, body=body))
    assert response.status_code == 302
    assert article_rows(article) == [
        (P, "قديم"),
        (H, "ردود الفعل"),
        (P, "رحّب المسؤولون.\nوقال آخرون."),
        (P, "## ليس عنوانًا"),
    ]
    assert article.paragraphs.order_by("position")[0].pk == kept.pk  # the unchanged row is kept
    html = superuser_client.get(change).content.decode()
    assert "قديم\n\n## ردود الفعل\n\nرحّب المسؤولون.\nوقال آخرون.\n\n\\## ليس عنوانًا</textarea>" in html
    assert "سطرًا فارغًا بين كل فقرتين" in html  # the format is explained under the field
    assert 'dir="rtl"' in form_tag(html, "body")

    # Emptying the text deletes the rows.
    response = superuser_client.post(change, article_post_data(article.section, article.publication, body=" \r\n"))
    assert response.status_code == 302
    assert article_rows(article) == []
