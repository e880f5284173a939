"""Each query operator by the documents it returns, on a tiny hand-made index.

Written to hold whether plain words are all required or ranked by how many match: exclusions exclude,
phrases are exact, OR-joined words find either, and for several plain words the document with all of
them comes first (not that the others are absent).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import make_article
from tests.searchutil import search_pks

pytestmark = pytest.mark.django_db

# name -> (title, body). Which of القمح / الأرز / السكر each holds is in its name.
DOCS = {
    "wheat_rice": ("أسعار القمح والأرز", "ارتفعت أسعار القمح والأرز في الأسواق."),
    "wheat": ("حصاد القمح", "بدأ حصاد القمح في الشمال."),
    "rice": ("زراعة الأرز", "توسعت زراعة الأرز في الجنوب."),
    "sugar": ("مصانع السكر", "افتتح مصنع جديد للسكر."),
    "wheat_sugar": ("صادرات القمح والسكر", "زادت صادرات القمح والسكر هذا العام."),
    # The same three words, once as the phrase and once apart and in another order.
    "phrase": ("محادثات السلام", "بدأت جولة من المفاوضات أمس."),
    "apart": ("نهاية المحادثات", "انتهت المفاوضات بعد جولة طويلة من النقاش."),
}
WHEAT = {"wheat_rice", "wheat", "wheat_sugar"}
RICE = {"wheat_rice", "rice"}
SUGAR = {"sugar", "wheat_sugar"}


@pytest.fixture
def docs(search_index) -> dict[str, int]:
    """name -> pk, all indexed."""
    pks = {name: make_article(title=title, paragraphs=[body]).pk for name, (title, body) in DOCS.items()}
    call_command("build_index", procs=1, verbosity=0)
    return pks


def found(docs: dict[str, int], q: str) -> set[str]:
    by_pk = {pk: name for name, pk in docs.items()}
    return {by_pk[pk] for pk in search_pks(q)}


def first(docs: dict[str, int], q: str) -> str:
    by_pk = {pk: name for name, pk in docs.items()}
    return by_pk[search_pks(q)[0]]


# --- Exclusion ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "القمح -الأرز",  # ASCII hyphen-minus
        "القمح −الأرز",  # U+2212 minus sign
        "القمح –الأرز",  # U+2013 en dash
        "القمح NOT الأرز",
    ],
)
def test_exclusion_removes_every_document_with_the_word(docs, q):
    assert found(docs, q) == WHEAT - RICE


@pytest.mark.parametrize("q", ["القمح -السكر -الأرز", "القمح NOT السكر NOT الأرز", "القمح −السكر –الأرز"])
def test_several_exclusions(docs, q):
    assert found(docs, q) == {"wheat"}


@pytest.mark.parametrize(
    "q",
    ['المفاوضات -"جولة من المفاوضات"', "المفاوضات −«جولة من المفاوضات»", "المفاوضات –“جولة من المفاوضات”"],
)
def test_excluded_phrase_removes_only_the_exact_phrase(docs, q):
    assert found(docs, q) == {"apart"}


def test_not_is_an_operator_only_in_capitals(docs):
    # "not" in lower case is a word like any other, found nowhere: it excludes nothing.
    assert "wheat_rice" in found(docs, "القمح not الأرز")


# --- Phrases --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ['"جولة من المفاوضات"', "«جولة من المفاوضات»", "“جولة من المفاوضات”", "„جولة من المفاوضات“"],
)
def test_phrase_in_any_quotes_is_exact(docs, q):
    assert found(docs, q) == {"phrase"}


@pytest.mark.parametrize("q", ["«المفاوضات جولة»", "“جولة المفاوضات”", '"من جولة"'])
def test_phrase_words_out_of_order_or_apart_find_nothing(docs, q):
    assert found(docs, q) == set()


# --- OR -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["الأرز OR السكر", "الأرز | السكر", "الأرز || السكر"])
def test_or_finds_either_word(docs, q):
    assert found(docs, q) == RICE | SUGAR


def test_or_with_an_exclusion(docs):
    assert found(docs, "الأرز | السكر -القمح") == (RICE | SUGAR) - WHEAT


# --- Several plain words, AND, && and a lone + --------------------------------------------------------


@pytest.mark.parametrize("q", ["القمح الأرز", "القمح AND الأرز", "القمح && الأرز", "القمح + الأرز"])
def test_the_document_with_every_word_comes_first(docs, q):
    assert first(docs, q) == "wheat_rice"
    # AND, && and a lone + are not words: they find nothing of their own (السكر alone stays out).
    assert found(docs, q) <= WHEAT | RICE


def test_plus_makes_a_word_required(docs):
    # السكر is optional, القمح required: every document with القمح, the one with both first; السكر alone is out.
    pks = search_pks("السكر +القمح")
    by_pk = {pk: name for name, pk in docs.items()}
    names = [by_pk[pk] for pk in pks]
    assert set(names) == WHEAT
    assert names[0] == "wheat_sugar"
