"""The Whoosh adapter keeps the original offsets and applies the analysis per field."""

import pytest

from articles.search.analyzer import ExactArabicAnalyzer, SpellAnalyzer, StemmingArabicAnalyzer

pytestmark = pytest.mark.django_db  # the variant map is read from the database (no rows: the shipped sets)


def run(analyzer, text, mode="index"):
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True, mode=mode)]


def test_harakat_word_stays_whole_with_original_offsets():
    assert run(ExactArabicAnalyzer(), "وكَتَبَ") == [("وكتب", 0, 0, 7)]


def test_stemmed_index_mode_gives_both_readings_at_one_position():
    text = "قال وزير الخارجية في بيانٍ"
    assert run(StemmingArabicAnalyzer(), text) == [
        ("قال", 0, 0, 3),
        ("وزير", 1, 4, 8),
        ("زير", 1, 4, 8),
        ("خارج", 2, 9, 17),
        ("بي", 4, 21, 26),  # Lucene's ان suffix: light stemming is crude, but the same both ways
        ("يان", 4, 21, 26),
    ]
    # query mode: one stem per word
    assert [t[0] for t in run(StemmingArabicAnalyzer(), text, mode="query")] == ["قال", "وزير", "خارج", "بي"]


def test_exact_keeps_stop_words_and_spell_keeps_letters():
    text = "في أستانةِ"
    # أستانة folds to استانه, then the shipped set أستانا/أستانة/آستانة canonicalises it
    assert run(ExactArabicAnalyzer(), text) == [("في", 0, 0, 2), ("استانا", 1, 3, 10)]
    assert run(SpellAnalyzer(), text) == [("في", 0, 0, 2), ("أستانة", 1, 3, 10)]


def test_analyzers_survive_pickling_into_the_index_schema():
    import pickle

    analyzer = pickle.loads(pickle.dumps(StemmingArabicAnalyzer()))
    assert [t.text for t in analyzer("والمفاوضات", mode="query")] == ["مفاوض"]
