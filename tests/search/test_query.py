"""run_search() against a real on-disk Whoosh index in a private temp directory."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import VariantSet
from articles.search.query import (
    SearchParams,
    run_search,
)
from tests.factories import make_article, make_publication, make_section
from tests.searchutil import flush_index

pytestmark = pytest.mark.django_db


def at(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 12, 0))


def build():
    call_command("build_index", procs=1, verbosity=0)


def search(q, **kw):
    flush_index()
    return run_search(SearchParams(q=q, **kw))


def pks(outcome):
    return [h.pk for h in outcome.hits]


def document_words(article) -> set[str]:
    """The words of an article's title and body as written (split at spaces and punctuation)."""
    text = " ".join([article.title, *article.paragraphs.values_list("text", flat=True)])
    return set(re.findall(r"[\u0600-\u06ff]+", text))


@pytest.fixture
def corpus(search_index):
    arts = make_corpus()
    build()
    return arts


def make_corpus() -> dict:
    """Three published articles (politics, politics, sport) and a draft; أستانا has its variant set."""
    VariantSet.objects.create(canonical="أستانا", variants="أستانة\nآستانة")
    politics = make_section(name="سياسة", slug="politics")
    sport = make_section(name="رياضة", slug="sport")
    riyadh = make_publication(name="الرياض", slug="alriyadh")
    okaz = make_publication(name="عكاظ", slug="okaz")
    arts = {
        "astana": make_article(
            title="جولة جديدة في أستانة",
            paragraphs=["انطلقت في آستانةِ جولة من المفاوضات بين الوفود.", "وقال الوزير إن الاجتماع مثمر."],
            section=politics,
            publication=riyadh,
            published_at=at(2015, 7, 21),
        ),
        "geneva": make_article(
            title="محادثات جنيف",
            paragraphs=["والمفاوضات في جنيف متعثرة بحسب الوسطاء."],
            section=politics,
            publication=okaz,
            published_at=at(2016, 1, 5),
        ),
        "football": make_article(
            title="الهلال يفوز على النصر",
            paragraphs=["فاز الهلال على النصر في الدوري السعودي لكرة القدم."],
            section=sport,
            publication=riyadh,
            published_at=at(2015, 8, 1),
        ),
        "draft": make_article(
            title="مسودة عن أستانا", paragraphs=["لم تنشر بعد."], status="draft", published_at=at(2015, 7, 1)
        ),
    }
    return arts


@pytest.mark.parametrize("q", ["أستانا", "أستانة", "آستانة", "استانا", "استانة", "أسـتانة", "أَسْتانَة", "بأستانة"])
def test_every_spelling_finds_the_same_article(corpus, q):
    outcome = search(q)
    assert pks(outcome) == [corpus["astana"].pk]
    assert outcome.fallback is False


def test_highlight_marks_original_words_with_their_diacritics(corpus):
    hit = search("استانا").hits[0]
    assert hit.title_html == "جولة جديدة في <mark>أستانة</mark>"
    assert hit.snippet == ("انطلقت في <mark>آستانةِ</mark> جولة من المفاوضات بين الوفود.\nوقال الوزير إن الاجتماع مثمر.")


def test_clitics_and_suffixes(corpus):
    assert set(pks(search("والمفاوضات"))) == {corpus["geneva"].pk, corpus["astana"].pk}
    assert set(pks(search("مفاوضات"))) == {corpus["geneva"].pk, corpus["astana"].pk}
    assert pks(search("قال")) == [corpus["astana"].pk]  # وقال in the text
    assert pks(search("وزير")) == [corpus["astana"].pk]  # الوزير in the text


def test_a_clitic_added_by_the_reader_still_finds_the_word(search_index):
    # The reader types وقرار for a title with قرار; another article really has وقرار.
    target = make_article(title="قرار جديد بشأن الطيران المدني", paragraphs=["نص الخبر الأول."])
    other = make_article(title="وقرار جديد بشأن الطيران المدني", paragraphs=["نص الخبر الثاني."])
    unrelated = make_article(title="قرار عن التعليم", paragraphs=["لا شيء عن الجو."])
    build()
    outcome = search("وقرار الطيران المدني")
    assert outcome.fallback is False and outcome.all_count == 2
    # both readings match all words; the word as typed (وقرار) ranks first, the article with one word last
    assert pks(outcome) == [other.pk, target.pk, unrelated.pk]
    assert outcome.hits[1].title_html == "<mark>قرار</mark> جديد بشأن <mark>الطيران</mark> <mark>المدني</mark>"
    assert set(pks(search("بقرار الطيران"))[:2]) == {other.pk, target.pk}


def test_articles_with_every_word_rank_first_then_those_with_some(corpus):
    both = search("مفاوضات جنيف")
    # Geneva has both words; Astana only مفاوضات: still a result, after it.
    assert pks(both) == [corpus["geneva"].pk, corpus["astana"].pk]
    assert (both.count, both.all_count, both.fallback) == (2, 1, False)
    loose = search("جنيف الهلال")
    assert set(pks(loose)) == {corpus["geneva"].pk, corpus["football"].pk}
    assert (loose.count, loose.all_count, loose.fallback) == (2, 0, True)


def test_phrase_exclusion_and_or(corpus):
    assert pks(search('"جولة من المفاوضات"')) == [corpus["astana"].pk]
    assert pks(search('"المفاوضات جولة"')) == []
    assert pks(search("مفاوضات -جنيف")) == [corpus["astana"].pk]
    assert pks(search('مفاوضات -"في جنيف"')) == [corpus["astana"].pk]
    assert set(pks(search("جنيف OR الهلال"))) == {corpus["geneva"].pk, corpus["football"].pk}
    assert search("جنيف OR الهلال").fallback is False


def test_exact_form_ranks_above_stem_only(search_index):
    stem_only = make_article(title="خبر أول", paragraphs=["مفاوضاتها طويلة ومفاوضاتهم أطول"])
    exact = make_article(title="خبر ثان", paragraphs=["المفاوضات طويلة والنقاش أطول"])
    build()
    assert pks(search("المفاوضات")) == [exact.pk, stem_only.pk]


def test_title_match_ranks_above_body_match(search_index):
    body = make_article(title="خبر عام", paragraphs=["ذكر الخبر الاقتصاد مرة واحدة بين كلمات أخرى كثيرة"])
    title = make_article(title="الاقتصاد السعودي", paragraphs=["نص قصير عن موضوع آخر تماما"])
    build()
    assert pks(search("الاقتصاد")) == [title.pk, body.pk]


def test_an_unknown_word_is_searched_as_its_correction(corpus):
    outcome = search("المفاوظات")  # ظ for ض: no such word in the index; one edit from المفاوضات
    assert (outcome.corrected_query, outcome.original_query, outcome.suggestion) == ("المفاوضات", "المفاوظات", None)
    # the corrected word as written first (Astana), its stem after (Geneva's والمفاوضات)
    assert pks(outcome) == [corpus["astana"].pk, corpus["geneva"].pk]
    assert outcome.hits[0].snippet.startswith("انطلقت في آستانةِ جولة من <mark>المفاوضات</mark> بين")
    # "search instead for" the word as typed: nothing, and the correction offered as "did you mean"
    as_typed = search("المفاوظات", correct=False)
    assert (as_typed.count, as_typed.corrected_query, as_typed.suggestion) == (0, None, "المفاوضات")


def test_two_edits_are_corrected_and_known_words_are_left_alone(corpus):
    outcome = search("متعثرررة")  # two letters too many
    assert (outcome.corrected_query, pks(outcome)) == ("متعثرة", [corpus["geneva"].pk])
    assert search("متعثرررة", correct=False).suggestion == "متعثرة"
    known = search("الهلال")
    assert (known.suggestion, known.corrected_query) == (None, None)
    # only the unknown word of a query is replaced
    mixed = search("محادثات متعثرررة")
    assert mixed.corrected_query == "محادثات متعثرة" and pks(mixed) == [corpus["geneva"].pk]


def test_did_you_mean_reads_the_word_list_written_beside_the_index(corpus, search_index):
    from articles.search import analysis, indexing

    words = analysis.read_spellings(str(search_index))
    # documents per spelling as written (harakat dropped, hamza and ة kept); drafts are not indexed
    published = [corpus[k] for k in ("astana", "geneva", "football")]
    with_fi = sum(1 for a in published if "في" in document_words(a))
    assert with_fi == 3  # in every published text of make_corpus()
    assert words["في"] == with_fi and words["أستانة"] == 1 and words["آستانة"] == 1 and words["المفاوضات"] == 1
    assert "أستانا" not in words and "مسودة" not in words
    # a document written after the build adds its words: suggestible at once
    fair = make_article(title="مهرجان الجنادرية", paragraphs=["افتتح المهرجان أمس."], published_at=at(2016, 2, 1))
    indexing.sync_articles([fair.pk])
    assert analysis.read_spellings(str(search_index))["الجنادرية"] == 1
    corrected = search("الجنادرلة")
    assert corrected.corrected_query == "الجنادرية" and pks(corrected) == [fair.pk]


def test_filters(corpus):
    assert set(pks(search("مفاوضات", section="politics"))) == {corpus["astana"].pk, corpus["geneva"].pk}
    assert pks(search("مفاوضات", publication="okaz")) == [corpus["geneva"].pk]
    assert pks(search("مفاوضات", date_from=date(2016, 1, 1))) == [corpus["geneva"].pk]
    assert pks(search("مفاوضات", date_to=date(2015, 12, 31))) == [corpus["astana"].pk]
    assert pks(search("مفاوضات", date_from=date(2015, 7, 21), date_to=date(2015, 7, 21))) == [corpus["astana"].pk]
    assert search("مفاوضات", section="sport").count == 0


def test_facets_count_the_matched_set(corpus):
    facets = search("النصر OR مفاوضات").facets
    assert facets["section"] == [("politics", "سياسة", 2), ("sport", "رياضة", 1)]
    assert facets["publication"] == [("alriyadh", "الرياض", 2), ("okaz", "عكاظ", 1)]
    assert facets["year"] == [(2016, 1), (2015, 2)]


def test_sort_and_pagination(corpus):
    q = "النصر OR مفاوضات"
    newest = pks(search(q, sort="newest"))
    assert newest == [corpus["geneva"].pk, corpus["football"].pk, corpus["astana"].pk]
    assert pks(search(q, sort="oldest")) == newest[::-1]
    page2 = search(q, sort="newest", page=2, page_size=2)
    assert pks(page2) == [corpus["astana"].pk] and page2.count == 3 and page2.page == 2
    beyond = search(q, page=9, page_size=2)
    assert beyond.hits == [] and beyond.count == 3


def test_hit_fields(corpus):
    hit = search("الهلال").hits[0]
    art = corpus["football"]
    assert (hit.pk, hit.title, hit.section_slug, hit.section_name) == (art.pk, art.title, "sport", "رياضة")
    assert (hit.publication_slug, hit.publication_name) == ("alriyadh", "الرياض")
    assert hit.published_at == art.published_at
    assert hit.url == art.get_absolute_url()
    assert hit.score > 0


def test_drafts_are_not_indexed(corpus):
    assert pks(search("مسودة")) == []


@pytest.mark.parametrize(
    "q",
    [
        '"أستانة',
        'أستانة"',
        '""',
        "AND",
        "OR",
        "NOT",
        "-",
        "--",
        "*",
        "?",
        "text:أستانة",
        "title:",
        "(أستانة",
        "أستانة)",
        "[1 TO 2]",
        "a\x00b",
        "\x00",
        "🙂🙂",
        "\u202eأستانة\u202c",
        "أستانة~2",
        "أستانة^3",
        "\\",
        "{}",
        "OR OR AND NOT -",
        "NOT أستانة",
        "-أستانة",
        "   ",
        "",
        "في من على",
        " ".join(["كلمة"] * 40),
    ],
)
def test_malformed_queries_never_raise(corpus, q):
    outcome = search(q)
    assert outcome.count >= 0


def test_stop_words_only_still_search_the_exact_field(corpus):
    published = [corpus[k] for k in ("astana", "geneva", "football")]
    expected = {a.pk for a in published if {"في", "من", "على"} & document_words(a)}
    assert set(pks(search("في من على"))) == expected


def test_query_field_syntax_is_just_words(corpus):
    outcome = search("text:أستانة")  # "text" is a word like any other: no article has it, any-word ranking
    assert pks(outcome) == [corpus["astana"].pk] and outcome.fallback is True


def test_a_query_longer_than_the_limit_is_cut_not_refused(corpus, settings):
    settings.SEARCH_MAX_QUERY_LENGTH = 40
    outcome = search("جولة أستانة " + "كلمة " * 100)
    assert outcome.truncated is True and pks(outcome)[0] == corpus["astana"].pk
    assert search("جولة أستانة").truncated is False


def test_terms_are_capped_keeping_the_rarest(corpus, settings):
    settings.SEARCH_MAX_TERMS = 2
    # مفاوضات (two articles) is the commonest of the three: left out, and named to the reader
    outcome = search("جولة أستانة مفاوضات")
    assert pks(outcome) == [corpus["astana"].pk] and outcome.dropped_words == ["مفاوضات"]


def test_saving_an_article_again_does_not_grow_the_word_list(corpus, search_index):
    from articles.search import indexing

    path = search_index / "spelling.tsv"
    size = path.stat().st_size
    for _ in range(5):
        indexing.sync_articles([corpus["astana"].pk])
    assert path.stat().st_size == size
