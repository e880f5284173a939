"""Highlighting: original words (harakat kept) marked through the Arabic analysis, escaped."""

from articles.search.analysis import build_variant_map
from articles.search.highlight import ArabicHighlighter, TermMatcher, highlight_all, snippet

VARIANTS = build_variant_map([["أستانا", "أستانة", "آستانة"]])


def test_marks_every_spelling_with_its_diacritics():
    matcher = TermMatcher.from_words(["استانا"], VARIANTS)
    text = "وصل الوفد إلى أستانة، ثم غادر آستانةِ إلى موسكو."
    assert snippet(text, matcher) == "وصل الوفد إلى <mark>أستانة</mark>، ثم غادر <mark>آستانةِ</mark> إلى موسكو."


def test_marks_clitic_forms_and_escapes_html():
    matcher = TermMatcher.from_words(["المفاوضات"])
    text = 'قال <b>"الوسيط"</b> إن والمفاوضات & مفاوضاتها مستمرة'
    assert highlight_all(text, matcher) == (
        "قال &lt;b&gt;&quot;الوسيط&quot;&lt;/b&gt; إن <mark>والمفاوضات</mark> &amp; <mark>مفاوضاتها</mark> مستمرة"
    )


def test_window_is_around_the_densest_matches():
    words = [f"كلمة{i}" for i in range(100)]
    words[70] = "جنيف"
    words[72] = "جنيف"
    words[10] = "جنيف"
    out = snippet(" ".join(words), TermMatcher.from_words(["جنيف"]), size=10)
    assert out == "… كلمة66 كلمة67 كلمة68 كلمة69 <mark>جنيف</mark> كلمة71 <mark>جنيف</mark> كلمة73 كلمة74 كلمة75 …"


def test_no_match_gives_the_opening_words():
    text = " ".join(f"كلمة{i}" for i in range(50))
    assert snippet(text, TermMatcher.from_words(["جنيف"]), size=3) == "كلمة0 كلمة1 كلمة2 …"


def test_haystack_highlighter(db):
    highlighter = ArabicHighlighter("استانة")
    assert "<mark>أستانة</mark>" in highlighter.highlight("اجتماع في أستانة اليوم")
