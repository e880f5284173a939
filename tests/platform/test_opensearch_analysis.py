"""The generated index settings on a real OpenSearch node analyze every word as analysis.py does.

One index with the generated settings and the shipped spelling sets; each word of the table goes
through the server's three analyzers (``_analyze``) and through analysis.py:

- ``arabic_text_query`` (queries on text/title) against ``analyze_stemmed(word)``: one stem;
- ``arabic_text`` (indexing text/title) against ``analyze_stemmed(word, index=True)``: both readings
  of a word that may start with a one-letter clitic;
- ``arabic_text_exact`` (text_exact/title_exact) against ``analyze_exact(word)``.

KNOWN_DIFFERENCES lists what the server cannot do (asserted, so a fix or a regression shows);
docs/scaling.md says why. Needs a server: see tests/live_engine.py.
"""

from __future__ import annotations

import uuid

import pytest

from articles.search import analysis
from articles.search import elasticsearch as es
from articles.search.starter_variants import STARTER_VARIANTS
from tests.live_engine import es_request

VARIANTS = analysis.build_variant_map([spellings for spellings, _ in STARTER_VARIANTS])

# (rule, word as written, the query-mode stem analysis.py gives: documents the rule the row exercises)
TABLE = [
    ("hamza أ", "أحمد", "احمد"),
    ("hamza إ", "إسلام", "اسلام"),
    ("hamza آ", "آمال", "امال"),
    ("alef wasla ٱ", "ٱلعلم", "علم"),
    ("hamza ؤ", "مؤتمر", "موتمر"),
    ("hamza ئ", "رئيس", "رييس"),
    ("hamza ئ + ة", "هيئة", "هي"),
    ("harakat", "كَتَبَ", "كتب"),
    ("shadda + tanween", "مُحَمَّدٌ", "محمد"),
    ("superscript alef", "هٰذا", ""),  # a stop word once folded
    ("quranic marks", "الرحمنۖ", "رحمن"),
    ("tatweel", "أسـتانة", "استانا"),
    ("tatweel after ال", "الـرياض", "رياض"),
    ("ة -> ه", "مدرسة", "مدرس"),
    ("ه as written", "مدرسه", "مدرس"),
    ("ى -> ي", "مستشفى", "مستشف"),
    ("ي as written", "مستشفي", "مستشف"),
    ("ى in a stop word", "على", ""),
    ("Persian ی", "فارسی", "فارس"),
    ("Persian ک", "کتاب", "كتاب"),
    ("Arabic-Indic digits", "٢٠١٥", "2015"),
    ("Persian digits", "۲۰۱۵", "2015"),
    ("ASCII digits", "2015", "2015"),
    ("digits and letters", "١٠كم", "10كم"),
    ("lam-alef ligature", "ﻻئحة", "لايح"),
    ("Allah ligature", "ﷲ", "له"),
    ("Latin", "OpenSearch", "opensearch"),
    ("prefix ال", "الكتب", "كتب"),
    ("prefix وال", "والمفاوضات", "مفاوض"),
    ("prefix بال", "بالمدرسة", "مدرس"),
    ("prefix كال", "كالأسد", "اسد"),
    ("prefix فال", "فالكتاب", "كتاب"),
    ("prefix لل", "للمدرسة", "مدرس"),
    ("prefix وبال", "وبالمدرسة", "مدرس"),
    ("prefix فبال", "فبالتالي", "تال"),
    ("prefix ولل", "وللمرة", "مر"),
    ("prefix وكال", "وكالعادة", "عاد"),
    ("وال with one letter left", "والي", "وال"),
    ("clitic و, ambiguous", "وزير", "وزير"),
    ("clitic و on و-word", "ووزير", "ووزير"),
    ("clitic و", "وقرار", "وقرار"),
    ("clitic ف", "فقرار", "فقرار"),
    ("clitic ب", "بقرار", "بقرار"),
    ("clitic ل", "لمدرسة", "لمدرس"),
    ("clitic ك", "كمعلم", "كمعلم"),
    ("3 letters: no clitic", "ولد", "ولد"),
    ("clitic before a name", "للبنان", "لبنان"),
    ("clitics before a name", "وللبنان", "بن"),
    ("clitic before a name", "ببريطانيا", "بريطانيا"),
    ("clitic before a variant", "بأستانة", "استانا"),
    ("clitic before a variant", "وسورية", "سوريا"),
    ("clitic before a protected و-name", "وواشنطن", "واشنطن"),
    ("suffix ات", "سيارات", "سيار"),
    ("suffix ون", "معلمون", "معلم"),
    ("suffix ين", "معلمين", "معلم"),
    ("suffix ها", "كتابها", "كتاب"),
    ("suffix ان", "كتابان", "كتاب"),
    ("suffix يه/ية", "سعودية", "سعود"),
    ("suffix ه then ي", "مدينته", "مدينت"),
    ("suffixes, prefix", "الفلسطينيين", "فلسطين"),
    ("stem kept at 2 letters", "ماء", "ماء"),
    ("protected name", "البحرين", "بحرين"),
    ("protected name", "لبنان", "لبنان"),
    ("protected name", "فلسطين", "فلسطين"),
    ("protected name with و", "واشنطن", "واشنطن"),
    ("variant set", "أستانة", "استانا"),
    ("variant set", "آستانة", "استانا"),
    ("variant set", "سورية", "سوريا"),
    ("variant set", "ترمب", "ترامب"),
    ("variant set", "جوجل", "غوغل"),
    ("variant set with ال", "الأميركي", "امريكي"),
    ("variant set, 3 spellings", "انستقرام", "انستغرام"),
    ("stop word", "من", ""),
    ("stop word with hamza", "أيضا", ""),
    ("question word", "كيف", ""),
    ("question word", "لماذا", ""),
    ("zero-width joiner inside", "أستا\u200dنة", "استانا"),
    ("soft hyphen inside", "مفاو\u00adضات", "مفاوض"),
]

# word -> (server query stems, server exact terms): where the server cannot follow analysis.py.
# Cherokee: casefold() maps its small letters to capitals, which no lowercase filter produces
# (no such text in this archive).
KNOWN_DIFFERENCES = {"ꭰꭱ": (["ꭰꭱ"], ["ꭰꭱ"])}


@pytest.fixture(scope="module")
def index(es_url):
    name = f"newsarchive-analysis-{uuid.uuid4().hex[:8]}"
    es_request("PUT", f"/{name}", es.index_settings(VARIANTS, None))
    yield name
    es_request("DELETE", f"/{name}")


def server(index: str, analyzer: str, text: str) -> list[str]:
    answer = es_request("POST", f"/{index}/_analyze", {"analyzer": analyzer, "text": text})
    return [t["token"] for t in answer["tokens"]]


def test_the_table_covers_its_rules():
    for rule, word, stem in TABLE:
        assert list(analysis.analyze_stemmed(word, VARIANTS)) == ([stem] if stem else []), (rule, word)


@pytest.mark.parametrize(("rule", "word", "stem"), TABLE, ids=[f"{r}:{w}" for r, w, _ in TABLE])
def test_server_analyzes_like_analysis_py(index, rule, word, stem):
    assert server(index, "arabic_text_query", word) == list(analysis.analyze_stemmed(word, VARIANTS))
    assert sorted(server(index, "arabic_text", word)) == sorted(analysis.analyze_stemmed(word, VARIANTS, index=True))
    assert server(index, "arabic_text_exact", word) == [analysis.analyze_exact(word, VARIANTS)]
    assert server(index, "arabic_title_query", word) == server(index, "arabic_text_query", word)


def test_index_mode_gives_both_readings_of_a_clitic(index):
    assert sorted(server(index, "arabic_text", "وزير")) == ["زير", "وزير"]
    assert sorted(server(index, "arabic_text", "كمعلم")) == ["كمعلم", "معلم"]
    assert server(index, "arabic_text", "وسورية") == ["سوريا"]  # a name: one reading


def test_sentence_keeps_positions_and_offsets(index):
    sentence = "وقالَ وزيرُ الخارجيةِ إنّ المفاوضاتِ في أستانة"
    got = es_request("POST", f"/{index}/_analyze", {"analyzer": "arabic_text_query", "text": sentence})["tokens"]
    ours = [(analysis.analyze_stemmed(t.text, VARIANTS), t.start, t.end) for t in analysis.tokens(sentence)]
    expected = [(stems[0], start, end) for stems, start, end in ours if stems]
    assert [(t["token"], t["start_offset"], t["end_offset"]) for t in got] == expected


@pytest.mark.parametrize("word", sorted(KNOWN_DIFFERENCES))
def test_known_differences(index, word):
    query, exact = KNOWN_DIFFERENCES[word]
    assert server(index, "arabic_text_query", word) == query != list(analysis.analyze_stemmed(word, VARIANTS))
    assert server(index, "arabic_text_exact", word) == exact != [analysis.analyze_exact(word, VARIANTS)]
