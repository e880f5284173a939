"""The word list and corrections (articles/search/spelling.py): pure, on files in a temp directory."""

from __future__ import annotations

from articles.search import spelling
from articles.search.spelling import SpellVocabulary, correction


def test_the_word_list_is_read_incrementally_and_half_written_lines_wait(tmp_path):
    path = tmp_path / "spelling.tsv"
    path.write_text("الرياض\t50\n", encoding="utf-8")
    vocabulary = spelling.spell_vocabulary(str(tmp_path))
    assert vocabulary.counts == {"الرياض": 50}
    with path.open("a", encoding="utf-8") as handle:
        handle.write("جدة\t7\nالرياض\t1\nمكة\t")  # the last line is still being written
    again = spelling.spell_vocabulary(str(tmp_path))
    assert again is vocabulary and again.counts == {"الرياض": 51, "جدة": 7}
    with path.open("a", encoding="utf-8") as handle:
        handle.write("3\n")
    assert spelling.spell_vocabulary(str(tmp_path)).counts["مكة"] == 3


def test_a_replaced_word_list_is_read_afresh(tmp_path):
    (tmp_path / "spelling.tsv").write_text("الرياض\t50\n", encoding="utf-8")
    spelling.spell_vocabulary(str(tmp_path))
    replacement = tmp_path / "new.tsv"
    replacement.write_text("جدة\t9\n", encoding="utf-8")
    replacement.replace(tmp_path / "spelling.tsv")
    assert spelling.spell_vocabulary(str(tmp_path)).counts == {"جدة": 9}


def test_one_edit_candidates_of_every_kind():
    vocabulary = SpellVocabulary({"الرياض": 900, "الرياضه": 3, "المفاوضات": 40, "جدة": 5})
    assert correction(vocabulary, "الرياظ", known=False) == "الرياض"  # substitution
    assert correction(vocabulary, "الرياضض", known=False) == "الرياض"  # insertion
    assert correction(vocabulary, "المفاوضت", known=False) == "المفاوضات"  # deletion
    assert correction(vocabulary, "المفاوضتا", known=False) == "المفاوضات"  # transposition
    assert correction(vocabulary, "جده", known=False) is None  # ة/ه fold to the same form: not a typo


def test_a_known_word_is_corrected_only_when_rare_beside_a_common_spelling():
    vocabulary = SpellVocabulary({"الرياض": 900, "الرياظ": 2, "سلمى": 40, "سلمان": 900})
    assert correction(vocabulary, "الرياظ", known=True) == "الرياض"
    assert correction(vocabulary, "سلمى", known=True) is None  # 40 documents: a word of its own
