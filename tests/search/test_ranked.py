"""Ranked retrieval: questions, coverage order, required words, long queries, completion, the cost bound."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.search import planning, ranking
from articles.search.query import SearchParams, parse_query, run_search
from articles.search.variants import get_variant_map
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def build():
    call_command("build_index", procs=1, verbosity=0)


def search(q, **kw):
    return run_search(SearchParams(q=q, **kw))


def pks(outcome):
    return [h.pk for h in outcome.hits]


@pytest.fixture
def archive(search_index):
    arts = {
        # The answer to «متى ولد عمر المختار؟» without the word ولد.
        "answer": make_article(
            title="عمر المختار",
            paragraphs=["قائد المقاومة الليبية عمر المختار، كانت ولادته عام 1858 في منطقة البطنان."],
        ),
        # Every word of the question but the name: what all-words matching used to return first.
        "distractor": make_article(title="مولود جديد", paragraphs=["ولد الطفل عمر في المستشفى متى شاء الله."]),
        "three": make_article(title="النفط والذهب والقمح", paragraphs=["أسعار النفط والذهب والقمح في الأسواق."]),
        "two": make_article(title="النفط والذهب", paragraphs=["تراجع النفط والذهب اليوم."]),
        "one": make_article(title="النفط", paragraphs=["النفط يرتفع."]),
        "question_word_only": make_article(title="متى؟", paragraphs=["كيف ولماذا ومتى وأين."]),
    }
    build()
    return arts


def test_a_question_finds_the_paragraph_that_answers_it(archive):
    outcome = search("متى ولد عمر المختار؟")
    assert pks(outcome)[0] == archive["answer"].pk
    # question words neither match nor count: the page of questions words alone is not a result
    assert archive["question_word_only"].pk not in pks(outcome)
    assert archive["distractor"].pk in pks(outcome)


def test_question_words_alone_still_search_as_written_in_quotes(archive):
    assert set(pks(search('"متى"'))) == {archive["distractor"].pk, archive["question_word_only"].pk}


def test_more_of_the_words_rank_higher(archive):
    outcome = search("النفط الذهب القمح")
    assert pks(outcome) == [archive["three"].pk, archive["two"].pk, archive["one"].pk]
    assert (outcome.count, outcome.all_count, outcome.fallback) == (3, 1, False)


def test_plus_makes_a_word_required(archive):
    assert set(pks(search("النفط +الذهب"))) == {archive["three"].pk, archive["two"].pk}
    assert pks(search("+القمح النفط")) == [archive["three"].pk]


def test_near_finds_words_within_the_distance(archive):
    assert pks(search('"ولادته 1858"~3')) == [archive["answer"].pk]
    assert pks(search('"المقاومة 1858"~3')) == []
    assert pks(search('"المقاومة 1858"~9')) == [archive["answer"].pk]


def test_a_pasted_sentence_of_many_words_finds_its_article_first(archive):
    sentence = "قائد المقاومة الليبية عمر المختار، كانت ولادته عام 1858 في منطقة البطنان بحسب ما يروي المؤرخون اليوم"
    assert len(sentence.split()) > 12
    outcome = search(sentence)
    assert pks(outcome)[0] == archive["answer"].pk


def test_a_long_query_keeps_its_rarest_words_and_names_the_rest(archive, settings):
    settings.SEARCH_MAX_TERMS = 3
    outcome = search("النفط الذهب القمح البطنان المختار")
    # the two commonest (النفط in three articles, الذهب in two) are left out
    assert outcome.dropped_words == ["النفط", "الذهب"]
    assert set(pks(outcome)) == {archive["three"].pk, archive["answer"].pk}


def test_a_last_word_typed_in_part_is_completed(archive):
    outcome = search("عمر المقاو")
    assert outcome.completions == {"المقاو": ["المقاومه"]}
    assert pks(outcome)[0] == archive["answer"].pk
    assert "<mark>المقاومة</mark>" in outcome.hits[0].snippet


def test_repeated_words_are_one_clause():
    parsed = parse_query("النفط " * 50)
    groups = [([w.text for w in g], False) for g in parsed.groups]
    plan = planning.plan(groups, get_variant_map(), lambda f, t: 1, max_clauses=16, max_postings=10)
    assert len(plan.clauses) == 1 and plan.dropped == []


def test_question_words_are_left_out_of_the_plan():
    groups = [([w], False) for w in "ما هي عاصمة العراق".split()]
    plan = planning.plan(groups, get_variant_map(), lambda f, t: 5, max_clauses=16, max_postings=1000)
    assert [c.words for c in plan.clauses] == [["عاصمة"], ["العراق"]]


def test_a_spent_deadline_still_returns_results_and_says_so(archive, settings):
    settings.SEARCH_DEADLINE_SECONDS = 0
    outcome = search("النفط الذهب")
    assert outcome.partial is True
    assert set(pks(outcome)) == {archive["three"].pk, archive["two"].pk, archive["one"].pk}


def test_a_phrase_of_common_words_checks_a_bounded_number_of_documents(archive, monkeypatch):
    monkeypatch.setattr(ranking, "PHRASE_VERIFY_MAX", 1)
    outcome = search('"النفط والذهب"')
    # two articles have both words: only the one where they weigh most was checked
    assert outcome.partial is True and outcome.count == 1
    monkeypatch.setattr(ranking, "PHRASE_VERIFY_MAX", 100)
    full = search('"النفط والذهب"')
    assert full.partial is False and set(pks(full)) == {archive["three"].pk, archive["two"].pk}
