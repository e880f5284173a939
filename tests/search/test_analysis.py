"""Table tests for the pure Arabic analysis functions (articles/search/analysis.py)."""

import pytest

from articles.search.analysis import (
    STOP_WORDS,
    Token,
    analyze_exact,
    analyze_stemmed,
    build_variant_map,
    fold_variants,
    light_stems,
    normalize,
    spell_form,
    strip_clitics,
    tokens,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hamza seats and alef forms
        ("أستانة", "استانه"),
        ("إيران", "ايران"),
        ("آستانة", "استانه"),
        ("ٱلله", "الله"),
        ("مؤتمر", "موتمر"),
        ("مسئول", "مسيول"),
        ("سماء", "سماء"),  # a hamza on the line stays
        # harakat, shadda, sukun, superscript alef, Quranic marks inside words: dropped, word kept whole
        ("كَتَبَ", "كتب"),
        ("مُحَمَّدٌ", "محمد"),
        ("هٰذا", "هذا"),
        ("ٱلرَّحْمَٰنِ", "الرحمن"),
        ("قُرْءَانًاۖ", "قرءانا"),
        # tatweel
        ("جـــدة", "جده"),
        # taa marbuta, alef maqsura, Farsi letters
        ("مدرسة", "مدرسه"),
        ("مستشفى", "مستشفي"),
        ("ایران", "ايران"),
        ("کتاب", "كتاب"),
        # presentation forms (NFKC)
        ("ﻻ", "لا"),
        ("ﷲ", "الله"),
        ("ﺍﻟﻌﺮﺑﻴﺔ", "العربيه"),
        # digits
        ("٢٠١٥", "2015"),
        ("۲۰۱۵", "2015"),
        # zero-width and bidi controls inside a word
        ("مرح\u200cبا", "مرحبا"),
        ("مرح\u200fبا", "مرحبا"),
        ("\u202bسلام\u202c", "سلام"),
        ("كتا\u00adب", "كتاب"),
        # Latin casefold
        ("ASTANA", "astana"),
        ("Straße", "strasse"),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_spell_form_keeps_letters_as_written():
    assert spell_form("أَسْتانـــةُ") == "أستانة"
    assert spell_form("ASTANA") == "astana"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الرياض، جدة؛ مكة؟", [("الرياض", 0, 6), ("جدة", 8, 11), ("مكة", 13, 16)]),
        ("«السعودية»", [("السعودية", 1, 9)]),
        ("وكَتَبَ", [("وكَتَبَ", 0, 7)]),
        ("الرياض ـ جدة", [("الرياض", 0, 6), ("جدة", 9, 12)]),
        ("جـــدة", [("جـــدة", 0, 6)]),
        ("كتابـ و", [("كتاب", 0, 4), ("و", 6, 7)]),
        ("مرح\u200cبا", [("مرح\u200cبا", 0, 6)]),
        ("\u200fمرحبا\u200f", [("مرحبا", 1, 6)]),
        ("G20 ASTANA2017", [("G20", 0, 3), ("ASTANA2017", 4, 14)]),
        ("٢٠١٥م", [("٢٠١٥م", 0, 5)]),
        ("قال: «نعم»...", [("قال", 0, 3), ("نعم", 6, 9)]),
        ("emoji 🙂 هنا", [("emoji", 0, 5), ("هنا", 8, 11)]),
    ],
)
def test_tokens_offsets_point_into_the_original(text, expected):
    found = tokens(text)
    assert [(t.text, t.start, t.end) for t in found] == expected
    assert all(text[t.start : t.end] == t.text for t in found)
    assert all(isinstance(t, Token) for t in found)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # prefixes, longest first
        ("الكتاب", "كتاب"),
        ("والمفاوضات", "مفاوض"),
        ("بالمدرسة", "مدرس"),
        ("كالبحر", "بحر"),
        ("فالأمر", "امر"),
        ("للمفاوضات", "مفاوض"),
        ("وللمفاوضات", "مفاوض"),
        ("وبالمفاوضات", "مفاوض"),
        # suffixes (Lucene's list, one pass)
        ("مفاوضات", "مفاوض"),
        ("كتابها", "كتاب"),
        ("مسلمون", "مسلم"),
        ("مسلمين", "مسلم"),
        ("معلمان", "معلم"),
        ("مدرسته", "مدرست"),
        ("عربية", "عرب"),
        ("عربي", "عرب"),
        # length guards: at least 2 letters stay
        ("الف", "الف"),
        ("به", "به"),
        ("فيه", "في"),  # ه goes, two letters stay
        ("ين", "ين"),
        # protected names: not stemmed
        ("لبنان", "لبنان"),
        ("للبنان", "لبنان"),
        ("البحرين", "بحرين"),
        ("بالبحرين", "بحرين"),
        ("إيران", "ايران"),
        ("فلسطين", "فلسطين"),
        ("السودان", "سودان"),
        ("عمان", "عمان"),
        ("سلمان", "سلمان"),
        ("جدة", "جده"),
        # a single-letter clitic is kept in query mode (وزير is a word, not و + زير)
        ("وزير", "وزير"),
        ("وقال", "وقال"),
    ],
)
def test_strip_clitics_query_mode(word, stem):
    assert strip_clitics(normalize(word)) == stem


@pytest.mark.parametrize(
    ("word", "stems"),
    [
        ("وزير", ("وزير", "زير")),
        ("وقال", ("وقال", "قال")),
        ("بمفاوضات", ("بمفاوض", "مفاوض")),
        ("فقط", ("فقط",)),  # three letters: too short to guess a clitic
        ("الوزير", ("وزير",)),
        ("لبنان", ("لبنان",)),
        ("ولبنان", ("لبنان",)),
    ],
)
def test_index_mode_emits_both_readings_of_a_single_letter_clitic(word, stems):
    assert light_stems(normalize(word), index=True) == stems


def test_query_stem_is_among_the_index_stems_of_the_prefixed_form():
    # قال finds وقال, مفاوضات finds بمفاوضات, وزير finds الوزير
    assert analyze_stemmed("قال")[0] in analyze_stemmed("وقال", index=True)
    assert analyze_stemmed("مفاوضات")[0] in analyze_stemmed("بمفاوضات", index=True)
    assert analyze_stemmed("وزير")[0] in analyze_stemmed("الوزير", index=True)


@pytest.mark.parametrize("word", ["في", "من", "على", "إلى", "الذي", "التى", "هل", "كيف", "لماذا", "ماذا", "متى", "أين"])
def test_stop_words(word):
    assert normalize(word) in STOP_WORDS
    assert analyze_stemmed(word) == ()
    assert analyze_exact(word) == normalize(word)  # the exact field keeps them


def test_variant_map_folds_to_the_canonical_spelling():
    variants = build_variant_map([["أستانا", "أستانة", "آستانة"], ["سوريا", "سورية"]])
    assert dict(variants) == {"استانا": "استانا", "استانه": "استانا", "سوريا": "سوريا", "سوريه": "سوريا"}
    assert fold_variants("استانه", variants) == "استانا"
    assert fold_variants("كتاب", variants) == "كتاب"
    for word in ["أستانا", "أستانة", "آستانةِ", "استانا", "أسـتانة"]:
        assert analyze_exact(word, variants) == "استانا"
        assert analyze_stemmed(word, variants) == ("استانا",)
    # after a prefix too
    assert analyze_stemmed("بأستانة", variants, True) == ("استانا",)
    assert analyze_stemmed("السورية", variants) == ("سوريا",)


def test_variant_map_is_hashable_by_identity_for_the_caches():
    a = build_variant_map([["ترامب", "ترمب"]])
    b = build_variant_map([["ترامب", "ترمب"]])
    assert a != b and a == a
    assert hash(a) != hash(b)
    assert analyze_stemmed("ترمب", a) == ("ترامب",)
    assert analyze_stemmed("ترمب") == ("ترمب",)


def test_clitic_reading_of_a_query_word():
    from articles.search.analysis import analyze_clitic

    assert analyze_clitic("وقرار") == (("قرار",), "قرار")
    assert analyze_clitic("بمفاوضات") == (("مفاوض",), "مفاوضات")
    assert analyze_clitic("والقرار") is None  # a known prefix: already stripped
    assert analyze_clitic("ومنذ") is None  # a stop word after و
    assert analyze_clitic("قرار") is None
    assert analyze_clitic("وزن") is None  # too short to carry a clitic
