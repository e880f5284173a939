"""Elasticsearch/OpenSearch settings are the Whoosh analysis, translated (articles/search/elasticsearch.py)."""

from __future__ import annotations

import json
import re
import threading
import unicodedata
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import VariantSet
from articles.search import analysis
from articles.search import elasticsearch as es
from tests.live_engine import es_request

BUILTIN_FILTERS = {"lowercase", "arabic_stem"}
SAMPLES = [
    "وقالَ وزيرُ الخارجيةِ إنّ المفاوضاتِ في أستانة ستُستأنف",
    "انطلقت ﻻئحة المرشحين للانتخابات البلدية ٢٠١٥ في الرياض",
    "الرئيس الأمريكي يلتقي نظيره في سوريـــة",
]


def decode(rule_side: str) -> str:
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), rule_side.strip())


def fold_rules(settings: dict) -> dict[str, str]:
    rules = settings["settings"]["analysis"]["char_filter"]["arabic_fold"]["mappings"]
    pairs = [rule.split(" => ") for rule in rules]
    return {decode(key): decode(value) for key, value in pairs}


def es_fold(text: str, mapping: dict[str, str]) -> str:
    """What the char filter and then the lowercase filter make of ``text``."""
    return "".join(mapping.get(ch, ch) for ch in text).lower()


@pytest.fixture
def variant_sets(db):
    VariantSet.objects.create(canonical="أستانا", variants="أستانة\nآستانة")
    VariantSet.objects.create(canonical="سوريا", variants="سورية")
    VariantSet.objects.create(canonical="غوغل", variants="جوجل\nقوقل")
    VariantSet.objects.create(canonical="ترامب", variants="ترمب", is_active=False)


@pytest.fixture
def settings_json(variant_sets):
    return es.index_settings()


def test_every_char_rule_is_what_normalize_does(settings_json):
    mapping = fold_rules(settings_json)
    assert len(mapping) > 1000
    for ch, replacement in mapping.items():
        if replacement == " ":
            assert analysis.normalize(ch) == "" and len(analysis.tokens(f"ا{ch}ب")) == 2, hex(ord(ch))
        else:
            assert replacement.lower() == analysis.normalize(ch), hex(ord(ch))


def test_characters_without_a_rule_only_need_lowercase(settings_json):
    mapping = fold_rules(settings_json)
    left_out = []
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or ch in mapping:
            continue
        if analysis.normalize(ch) != ch.lower():
            left_out.append(ch)
    # casefold() upper-cases Cherokee small letters; no lowercase filter can. Nothing else is left out.
    assert {unicodedata.name(ch).split()[0] for ch in left_out} == {"CHEROKEE"}


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("أَسْتَانَةُ", "استانه"),
        ("إسطنبول", "اسطنبول"),
        ("مؤتمر", "موتمر"),
        ("رئيس", "رييس"),
        ("مستشفى", "مستشفي"),
        ("سوريـــة", "سوريه"),
        ("ﻻ", "لا"),
        ("٢٠١٥", "2015"),
        ("ASTANA۲۰۱۷", "astana2017"),
    ],
)
def test_char_filter_folds_words_like_normalize(settings_json, original, folded):
    assert analysis.normalize(original) == folded
    assert es_fold(original, fold_rules(settings_json)) == folded


def test_sample_sentences_give_the_same_words(settings_json):
    mapping = fold_rules(settings_json)
    for sentence in SAMPLES:
        ours = [analysis.normalize(t.text) for t in analysis.tokens(sentence)]
        assert es_fold(sentence, mapping).split() == ours


def test_invisible_characters_behave_as_in_our_tokenizer(settings_json):
    mapping = fold_rules(settings_json)
    for text in ["أستانا\u200bسوريا\u200fغوغل", "أستانا\u00a0سوريا", "أستانا،سوريا؛غوغل؟"]:
        ours = [analysis.normalize(t.text) for t in analysis.tokens(text)]
        assert es_fold(text, mapping).replace("،", " ").replace("؛", " ").replace("؟", " ").split() == ours


def test_same_stop_words(settings_json):
    stop = settings_json["settings"]["analysis"]["filter"]["arabic_stop"]
    assert stop["type"] == "stop"
    assert set(stop["stopwords"]) == analysis.STOP_WORDS
    assert len(stop["stopwords"]) == len(analysis.STOP_WORDS)


def parse_synonyms(rules: list[str]) -> dict[str, str]:
    result = {}
    for rule in rules:
        left, target = rule.split(" => ")
        for form in left.split(", "):
            assert form not in result, form
            result[form] = target
    return result


def test_exact_synonyms_are_the_active_variant_sets(settings_json):
    rules = settings_json["settings"]["analysis"]["filter"]["arabic_variants_exact"]["synonyms"]
    assert parse_synonyms(rules) == {"استانه": "استانا", "سوريه": "سوريا", "جوجل": "غوغل", "قوقل": "غوغل"}
    assert sorted(rules) == ["استانه => استانا", "جوجل, قوقل => غوغل", "سوريه => سوريا"]


def test_stemmed_synonyms_agree_with_strip_clitics(settings_json):
    variant_map = analysis.build_variant_map([vs.spellings for vs in VariantSet.objects.filter(is_active=True)])
    rules = parse_synonyms(settings_json["settings"]["analysis"]["filter"]["arabic_variants"]["synonyms"])
    for form, target in rules.items():
        assert analysis.strip_clitics(form, variant_map) == target, form
    assert rules["باستانه"] == "استانا"
    assert rules["والسوريه"] == "سوريا"
    assert rules["للبنان"] == "لبنان"
    assert "ترمب" not in rules  # inactive set


def test_keywords_protect_names_and_canonicals(settings_json):
    marker = settings_json["settings"]["analysis"]["filter"]["arabic_keywords"]
    assert set(marker["keywords"]) == analysis.PROTECTED | {"استانا", "سوريا", "غوغل"}


def test_analyzers_and_mapping_refer_to_defined_components(settings_json):
    config = settings_json["settings"]["analysis"]
    for name, analyzer in config["analyzer"].items():
        assert analyzer["tokenizer"] == "standard", name
        assert all(cf in config["char_filter"] for cf in analyzer["char_filter"])
        assert all(f in config["filter"] or f in BUILTIN_FILTERS for f in analyzer["filter"]), name
    properties = settings_json["mappings"]["properties"]
    for name in ("text", "title"):
        assert properties[name] == {
            "type": "text",
            "analyzer": f"arabic_{name}",
            "search_analyzer": f"arabic_{name}_query",
            "copy_to": f"{name}_exact",
        }
    for chain in config["filter"]["arabic_readings"]["filters"]:
        assert all(f.strip() in config["filter"] or f.strip() in BUILTIN_FILTERS for f in chain.split(",")), chain
    assert properties["text_exact"] == {"type": "text", "analyzer": "arabic_text_exact"}
    assert properties["title_exact"] == {"type": "text", "analyzer": "arabic_text_exact"}
    assert properties["published_at"] == {"type": "date"}
    assert properties["section"] == properties["django_id"] == {"type": "keyword"}


def test_long_prefix_pattern_matches_what_strip_prefix_strips(settings_json):
    pattern = settings_json["settings"]["analysis"]["filter"]["arabic_long_prefix"]["pattern"]
    compiled = re.compile(pattern)  # the same syntax in Java for this pattern
    for word in ["وبالمفاوضات", "فكالعادة", "وللمرة", "فبالتالي"]:
        after_pattern = compiled.sub("", word, count=1)
        stripped = analysis.strip_prefix(word)
        # Lucene's arabic_stem then strips بال/كال/لل: the same stem as ours.
        prefix = next(p for p in es.LUCENE_PREFIXES if after_pattern.startswith(p) and len(p) > 1)
        assert after_pattern[len(prefix) :] == stripped, word
    assert compiled.sub("", "وبال") == "وبال"  # too short: nothing follows


def test_command_prints_the_settings(settings_json):
    out = StringIO()
    call_command("search_engine_settings", stdout=out)
    assert json.loads(out.getvalue()) == settings_json


class Recorder(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        payload = b'{"acknowledged":true}' if self.status == 200 else b'{"error":"resource_already_exists"}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_apply_puts_the_settings(settings_json, http_server):
    Recorder.status = 200
    url = f"http://127.0.0.1:{http_server.server_port}/newsarchive-v2"
    out = StringIO()
    call_command("search_engine_settings", apply=url, stdout=out)
    [(path, content_type, body)] = Recorder.received
    assert (path, content_type) == ("/newsarchive-v2", "application/json")
    assert body == settings_json
    assert "acknowledged" in out.getvalue()


def test_apply_reports_server_errors(settings_json, http_server):
    Recorder.status = 400
    url = f"http://127.0.0.1:{http_server.server_port}/newsarchive-v2"
    with pytest.raises(CommandError, match="answered 400: .*resource_already_exists"):
        call_command("search_engine_settings", apply=url, stdout=StringIO())


def test_engine_uses_the_arabic_analyzers_for_the_index_fields():
    if es.ArabicElasticsearchEngine is None:
        pytest.skip("elasticsearch 7.x client not installed")
    from haystack import connections

    fields = connections["default"].get_unified_index().all_searchfields()
    if "text" not in fields:
        pytest.skip("no haystack SearchIndex registered yet")
    backend = es.ArabicElasticsearchBackend("es", URL="http://127.0.0.1:9", INDEX_NAME="unused")
    content_field, mapping = backend.build_schema(fields)
    assert content_field == "text"
    assert mapping == es.field_mappings(fields)
    assert set(mapping) == {"id", "django_ct", "django_id", "text_exact", "title_exact", *fields}
    assert {name for name, props in mapping.items() if props["type"] == "text"} == {
        "text",
        "text_exact",
        "title",
        "title_exact",
    }
    assert mapping["section"] == mapping["year"] == {"type": "keyword"}


# --- Against a real server ------------------------------------------------------------------------


def test_server_accepts_settings_and_analyzes_like_whoosh(es_url, settings_json):
    index = f"newsarchive-test-{uuid.uuid4().hex[:8]}"
    es_request("PUT", f"/{index}", settings_json)
    try:
        variant_map = analysis.build_variant_map([vs.spellings for vs in VariantSet.objects.filter(is_active=True)])
        for sentence in [*SAMPLES, "بأستانة وللبنان والمفاوضات"]:
            got = es_request("POST", f"/{index}/_analyze", {"analyzer": "arabic_text_exact", "text": sentence})
            exact = [analysis.analyze_exact(t.text, variant_map) for t in analysis.tokens(sentence)]
            assert [t["token"] for t in got["tokens"]] == exact
        got = es_request("POST", f"/{index}/_analyze", {"analyzer": "arabic_text", "text": "بأستانة للبنان والمفاوضات"})
        assert [t["token"] for t in got["tokens"]] == ["استانا", "لبنان", "مفاوض"]
    finally:
        es_request("DELETE", f"/{index}")


def test_unicode_data_matches_python():
    """The char table is computed with this Python's Unicode database; say which, for the record."""
    # Compared as numbers: as strings "9.0.0" > "13.0.0".
    assert tuple(int(part) for part in unicodedata.unidata_version.split(".")) >= (13, 0, 0)
