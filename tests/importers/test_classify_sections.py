"""Inferred sections: learned from the articles whose source gave a section, marked as inferred."""

import pytest
from django.core.management import call_command

from articles import classify
from articles.models import Article
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

SPORT = ["سجل اللاعب هدفا في المباراة وفاز الفريق بالدوري", "المدرب يشيد باللاعبين بعد الفوز في الملعب"]
ECONOMY = ["ارتفع مؤشر سوق الأسهم وأسعار النفط والبنوك", "الشركات تعلن أرباحها وأسعار النفط ترتفع في السوق"]


@pytest.fixture
def archive():
    sport, economy, general = (make_section(name=n) for n in ("رياضة", "اقتصاد", "عام"))
    for i in range(6):
        make_article(title=f"الفريق يفوز بالمباراة {i}", section=sport, paragraphs=[SPORT[i % 2]])
        make_article(title=f"سوق الأسهم يرتفع {i}", section=economy, paragraphs=[ECONOMY[i % 2]])
    unknown_sport = make_article(
        title="اللاعب يسجل هدفا", section=general, paragraphs=["فاز الفريق في المباراة بالملعب"]
    )
    unknown_money = make_article(title="أسعار النفط", section=general, paragraphs=["ارتفعت أسهم البنوك في السوق"])
    no_words = make_article(title="zzz", section=general, paragraphs=["qqq"])
    return {
        "sport": sport,
        "economy": economy,
        "general": general,
        "a": unknown_sport,
        "b": unknown_money,
        "c": no_words,
    }


def test_assigns_inferred_sections_and_keeps_given_ones(archive):
    result = classify.assign_sections()
    a, b, c = (Article.objects.get(pk=archive[k].pk) for k in "abc")
    assert (a.section.name, a.section_inferred) == ("رياضة", True)
    assert (b.section.name, b.section_inferred) == ("اقتصاد", True)
    assert (c.section.name, c.section_inferred) == ("عام", False)  # no word the model knows
    assert Article.objects.filter(section_inferred=True).count() == 2
    assert not Article.objects.filter(
        section=archive["sport"], section_inferred=False, title__startswith="سوق"
    ).exists()
    assert (result.labelled, result.assigned, result.left_general) == (12, {"رياضة": 1, "اقتصاد": 1}, 1)
    assert (result.general_before, result.general_after, result.total) == (3, 1, 15)


def test_article_page_says_the_section_is_inferred(archive, client):
    classify.assign_sections()
    html = client.get(Article.objects.get(pk=archive["a"].pk).get_absolute_url()).content.decode()
    assert '>رياضة</a> <span class="inferred">(قسم مستنتج آليًا من نص المقال)</span></p>' in html
    given = client.get(Article.objects.filter(section_inferred=False).first().get_absolute_url()).content.decode()
    assert 'class="inferred"' not in given


def test_dry_run_changes_nothing_and_rerun_is_stable(archive, capsys):
    call_command("classify_sections", "--dry-run")
    assert "2 would get an inferred one" in capsys.readouterr().out
    assert not Article.objects.filter(section_inferred=True).exists()
    call_command("classify_sections")
    first = dict(Article.objects.filter(section_inferred=True).values_list("pk", "section_id"))
    call_command("classify_sections")
    assert dict(Article.objects.filter(section_inferred=True).values_list("pk", "section_id")) == first
    assert "«عام»: 1 -> 1 of 15" in capsys.readouterr().out.splitlines()[-2]


def test_words_are_the_archives_analysed_stems():
    assert classify.words("والمباراة في الملعب") == ["مبارا", "ملعب"]
    assert classify.article_words("هدف", "لاعب") == ["هدف", "هدف", "هدف", "لاعب"]


def test_needs_two_labelled_sections(db):
    make_article(section=make_section(name="رياضة"))
    with pytest.raises(ValueError, match="two sections"):
        classify.assign_sections()


def test_reimport_keeps_an_inferred_section_the_source_does_not_contradict(tmp_path):
    import json

    from articles.importers import run_import

    records = [
        {
            "source": "sabq",
            "url": f"https://sabq.org/{i}",
            "date_extracted": "2015-07-21 10:00:00",
            "title": t,
            "author": "",
            "content": c,
        }
        for i, (t, c) in enumerate([("اللاعب يسجل هدفا", "فاز الفريق في المباراة"), ("سياسي / قمة", "اجتمع القادة")])
    ]
    path = tmp_path / "2015-07-21.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    run_import([path])
    sport = make_section(name="رياضة")
    Article.objects.filter(source_url="https://sabq.org/0").update(section=sport, section_inferred=True)
    Article.objects.filter(source_url="https://sabq.org/1").update(section=sport, section_inferred=True)
    report = run_import([path])
    assert Article.objects.get(source_url="https://sabq.org/0").section == sport  # no hint: kept
    hinted = Article.objects.get(source_url="https://sabq.org/1")
    assert (hinted.section.name, hinted.section_inferred) == ("سياسة", False)  # the source's hint wins
    assert (report.updated, report.unchanged) == (1, 1)


def test_evaluate_writes_the_report_from_a_corpus_read_in_place(tmp_path):
    import json

    records = []
    for i in range(10):
        records.append(
            {
                "source": "alwatan",
                "url": f"http://www.alwatan.com.sa/Sports/News_Detail.aspx?id={i}",
                "date_extracted": "2015-07-21 10:00:00",
                "title": f"الفريق يفوز بالمباراة {i}",
                "author": "",
                "content": SPORT[i % 2],
            }
        )
        records.append(
            {
                "source": "alwatan",
                "url": f"http://www.alwatan.com.sa/Economy/News_Detail.aspx?id={i}",
                "date_extracted": "2015-07-21 10:00:00",
                "title": f"سوق الأسهم يرتفع {i}",
                "author": "",
                "content": ECONOMY[i % 2],
            }
        )
    records.append(
        {
            "source": "sabq",
            "url": "https://sabq.org/x",
            "date_extracted": "2015-07-21 10:00:00",
            "title": "اللاعب يسجل هدفا",
            "author": "",
            "content": "فاز الفريق في المباراة بالملعب",
        }
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "2015-07-21.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    output = tmp_path / "sections.md"
    call_command("classify_sections", "--evaluate", "--corpus", str(corpus), "--output", str(output))
    report = output.read_text(encoding="utf-8")
    assert "16 articles to train, 4 held out" in report
    assert "**accuracy 100.0%** (goal 85 %: met)" in report
    assert "20 of 21 articles" in report
    assert "| رياضة | 11 | 52.4% |" in report  # 10 labelled + the sabq article inferred
    assert "Share in «عام»: **0.0%**" in report
