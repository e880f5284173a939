"""The search benchmark's own parts: the Lucene replica, the query classes and the report it writes."""

import json
import math
import random

import pytest
from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Term

from benchmarks import lucene_arabic, search_eval, search_report
from benchmarks.search_eval import Doc


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("الوزير", ["وزير"]),  # ال stripped
        ("وزير", ["زير"]),  # و stripped from a 4-letter word: Lucene's over-stemming, kept on purpose
        ("لبنان", ["لبن"]),  # the suffix ان
        ("وللمفاوضات", ["للمفاوض"]),  # one prefix only (و), then ات
        ("أستانة", ["استان"]),  # hamza folded, ة -> ه, then ه stripped
        ("إلى الرياض", ["رياض"]),  # a stop word
        ("أيضا", []),
        ("أيضاً", ["ايضا"]),  # the stop list is matched before the harakat are removed, as Lucene does
        ("كَتَبَ", ["كتب"]),
        ("٢٠١٥ G20", ["2015", "g20"]),
    ],
)
def test_lucene_arabic_analyzer(text, terms):
    assert lucene_arabic.analyze(text) == terms


def test_lucene_idf_is_bm25_similarity_idf():
    schema = fields.Schema(key=fields.ID(stored=True), text=fields.TEXT())
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for i, text in enumerate(["news gulf", "news oil", "news sport", "riyadh"]):
            writer.add_document(key=str(i), text=text)
    with ix.searcher(weighting=search_eval.lucene_bm25()) as searcher:
        assert searcher.idf("text", "news") == pytest.approx(math.log(1 + (4 - 3 + 0.5) / (3 + 0.5)))
        assert searcher.idf("text", "riyadh") == pytest.approx(math.log(1 + (4 - 1 + 0.5) / (1 + 0.5)))
        assert [hit["key"] for hit in searcher.search(Term("text", "riyadh"))] == ["3"]


def _doc(key: str, title: str, content: str = "نص الخبر") -> Doc:
    doc = Doc(key, "okaz", f"https://example.org/{key}", "2015-07-21 10:00:00", title, content)
    doc.title_key = title
    return doc


def test_names_split_by_shipped_variant_sets():
    docs = [_doc("1", "مظاهرات في سوريا ضد النظام"), _doc("2", "اشتباكات عنيفة بين ميليشيات مسلحة")]
    _general, names = search_eval.build_queries(docs, 10)
    variants = {q.target: q.variants for q in names}
    assert "سورية" in variants["1"]["names_tuning"]  # سوريا/سورية is a starter set
    assert "مليشيات" in variants["2"]["names_heldout"]  # ميليشيات/مليشيات is in none
    assert "ميليشيات" in variants["2"]["names_control"]


def test_synonym_keeps_the_clitic():
    assert search_eval._synonym("والاجتماع") == "واللقاء"
    assert search_eval._synonym("للمؤتمر") == "للملتقى"
    assert search_eval._synonym("الرياض") is None


def test_typo_is_one_edit_after_the_first_letter():
    rng = random.Random(1)
    for _ in range(200):
        kind, typo = search_eval._typo(rng, "الرياض")
        assert typo[0] == "ا"
        if kind == "del":
            assert len(typo) == 5
        else:
            assert len(typo) == 6 and sum(a != b for a, b in zip(typo, "الرياض", strict=True)) == 1


def test_misspellings_are_no_corpus_word():
    general = [search_eval.Query("1", ["اجتماع", "مجلس", "الوزراء"])]
    vocab = {lucene_arabic.normalize(w) for w in ("اجتماع", "مجلس", "الوزراء")}
    items = search_eval.build_misspell(general, vocab, {"1": frozenset({"1"})})
    assert len(items) == 1
    assert items[0].original == "اجتماع مجلس الوزراء"
    changed = [w for w in items[0].text.split() if w not in ("اجتماع", "مجلس", "الوزراء")]
    assert len(changed) == 1 and lucene_arabic.normalize(changed[0]) not in vocab


def test_long_query_is_answered_by_every_article_holding_the_sentence():
    sentence = " ".join(f"كلمة{i}" for i in range(15))
    docs = [_doc("1", "خبر أول", f"مقدمة قصيرة. {sentence}. خاتمة"), _doc("2", "خبر ثان", f"{sentence}\nغيره")]
    items = search_eval.build_long(docs, 5, {"1": frozenset({"1"}), "2": frozenset({"2"})})
    assert [(i.text, i.relevant) for i in items] == [(sentence, frozenset({"1", "2"}))] * 2


def test_arcd_paragraphs_become_articles_answering_their_questions(tmp_path):
    path = tmp_path / "arcd.json"
    data = {"data": [{"title": "محمد", "paragraphs": [{"context": "نص الفقرة", "qas": [
        {"id": "q1", "question": " - من هو؟ ال", "answers": []}]}]}]}  # fmt: skip
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    docs, questions = search_eval.load_arcd(path)
    assert [(d.key, d.title, d.source, d.content) for d in docs] == [("arcd:0:0", "محمد (1)", "wikipedia", "نص الفقرة")]
    assert [(q.id, q.text, q.target) for q in questions] == [("q1", " - من هو؟ ال", "arcd:0:0")]


def _run(slot: str, s10: float) -> dict:
    summary = {"n": 2, "success_at_1": 0.5, "success_at_10": s10, "mrr_at_10": 0.5, "p50_ms": 1.0, "p95_ms": 2.0,
               "p99_ms": 3.0, "mean_ms": 1.5, "errors": 0, "refused_by_page": 0}  # fmt: skip
    system = {"summary": {"control": summary}, "ranks": {"control": [1, 0]}, "ms": {"control": [1.0, 2.0]},
              "errors": {}, "refused": {}, "build": {"index_seconds": 1, "index_bytes": 10, "query_seconds": 1,
                                                     "load_after": "0 0 0"}}  # fmt: skip
    machine = {"nproc": "2", "cpu": "cpu", "python": "3.11", "commit": "abc", "load_start": "1", "load_end": "2"}
    return {"slot": slot, "command": f"cmd {slot}", "date": f"date {s10}", "machine": machine, "seconds": 60,
            "phases": {}, "documents": {"news": 10, "wikipedia": 0}, "cutoff": 20, "items": {},
            "systems": {"archive": system}}  # fmt: skip


def test_report_keeps_other_slots_and_the_commentary(tmp_path):
    results, before, report = tmp_path / "r.json", tmp_path / "b.json", tmp_path / "search.md"
    search_report.save(_run("full", 0.5), before)
    search_report.save(_run("full", 1.0), results)
    search_report.save(_run("sample5000", 0.25), results)
    search_report.write(results, before, report)
    text = report.read_text(encoding="utf-8")
    assert "| control | 2 | 1.000 / 0.500 |" in text and "| control | 2 | 0.250 / 0.500 |" in text
    assert "| control | 2 | 0.500 → 1.000 |" in text  # the full run against its before
    edited = text.replace(search_report.DEFAULT_COMMENTARY, "ملاحظة: why the numbers moved")
    report.write_text(edited, encoding="utf-8")
    search_report.save(_run("full", 0.75), results)
    search_report.write(results, before, report)
    text = report.read_text(encoding="utf-8")
    assert "ملاحظة: why the numbers moved" in text and "| control | 2 | 0.750 / 0.500 |" in text
    assert set(json.loads(results.read_text(encoding="utf-8"))["runs"]) == {"full", "sample5000"}
