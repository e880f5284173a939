"""SaudiNewsNet records with their real mess, and a real zip of the corpus."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from articles.importers import run_import
from articles.models import Article, Publication

pytestmark = pytest.mark.django_db

RECORDS = [
    {
        "source": "sabq",
        "url": "http://sabq.org/SiDgde",
        "date_extracted": "2015-07-21 02:51:32",
        "title": "العثور على جثث مقيم يمني وطفليه في جازان",
        "author": "عمر عريبي - سبق- جازان:",
        "content": (
            " عمر عريبي - سبق- جازان: أوضح المتحدث&nbsp;الرسمي أن الجهات المختصة باشرت.\nوأضاف أن التحقيق مستمر."
        ),
    },
    {
        "source": "was",
        "url": "http://www.spa.gov.sa/details.php?id=1386750",
        "date_extracted": "2015-08-10 23:05:00",
        "title": "سياسي / خادم الحرمين يتلقى اتصالاً هاتفياً",
        "author": "",
        "content": " بيروت 25 شوال 1436هـ الموافق 10 أغسطس 2015م واس\n تلقى خادم الحرمين الشريفين اتصالاً.\n// انتهى //",
    },
    {
        "source": "alwatan",
        "url": "http://www.alwatan.com.sa/Economy/News_Detail.aspx?ArticleID=229764&CategoryID=2",
        "date_extracted": "2015-07-22 08:00:00",
        "title": "الدولار &quot;يتراجع&quot;",
        "author": "لندن: رويترز",
        "content": " انخفض سعر الدولار أمس بعد صعوده إلى أعلى مستوى له في خمسة أسابيع.",
    },
    {
        "source": "3alyoum",
        "url": "http://www.3alyoum.com/news/pol/a/وصول-طائرة/",
        "date_extracted": "2015-07-23 12:00:00",
        "title": "",
        "author": "",
        "content": " عين اليوم – عدن\n وصلت طائرة الشحن الثانية إلى مطار عدن اليوم. وتحمل مواد إغاثية.",
    },
]


def write(tmp_path, records, name="2015-07-21.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_messy_records(tmp_path):
    report = run_import([write(tmp_path, RECORDS)])
    assert (report.created, report.skipped, report.errors) == (4, 0, [])

    sabq = Article.objects.get(source_url="http://sabq.org/SiDgde")
    assert (sabq.dateline, sabq.byline) == ("جازان", "عمر عريبي")
    assert sabq.body_text == "أوضح المتحدث الرسمي أن الجهات المختصة باشرت.\nوأضاف أن التحقيق مستمر."
    assert sabq.lead == "أوضح المتحدث الرسمي أن الجهات المختصة باشرت."
    assert sabq.section.name == "عام"
    assert sabq.published_at == datetime(2015, 7, 21, 2, 51, 32, tzinfo=ZoneInfo("Asia/Riyadh"))
    assert sabq.publication.name == "سبق" and sabq.status == Article.Status.PUBLISHED and not sabq.needs_review

    was = Article.objects.get(source_url__contains="spa.gov.sa")
    assert was.title == "خادم الحرمين يتلقى اتصالاً هاتفياً"
    assert was.section.name == "سياسة"
    assert (was.dateline, was.byline) == ("بيروت", "واس")
    assert was.body_text == "تلقى خادم الحرمين الشريفين اتصالاً."
    assert was.publication.name == "وكالة الأنباء السعودية (واس)"

    watan = Article.objects.get(source_url__contains="alwatan")
    assert watan.title == 'الدولار "يتراجع"'
    assert watan.section.name == "اقتصاد"
    assert (watan.dateline, watan.byline) == ("لندن", "رويترز")

    yaum = Article.objects.get(source_url__contains="3alyoum")
    assert yaum.title == "وصلت طائرة الشحن الثانية إلى مطار عدن اليوم"
    assert yaum.needs_review is True
    assert yaum.section.name == "سياسة"
    assert (yaum.dateline, yaum.byline) == ("عدن", "عين اليوم")
    assert [w.message for w in report.warnings] == [
        "empty title, derived from the body: 'وصلت طائرة الشحن الثانية إلى مطار عدن اليوم'"
    ]
    assert (report.warnings[0].file, report.warnings[0].record_no) == (str(tmp_path / "2015-07-21.json"), 4)

    sabq_pub = Publication.objects.get(source_key="sabq")
    assert (sabq_pub.name, sabq_pub.website) == ("سبق", "http://sabq.org")


def test_empty_title_and_body_is_an_untitled_draft(tmp_path):
    record = dict(RECORDS[0], url="http://sabq.org/RHGKif", title="", author="بواسطة : عمرو عاطف", content=" ")
    report = run_import([write(tmp_path, [record])])
    assert report.ok and report.created == 1
    article = Article.objects.get()
    assert (article.title, article.status, article.needs_review) == ("بلا عنوان", "draft", True)
    assert article.byline == "عمرو عاطف"


@pytest.mark.corpus
def test_real_zip_sample(corpus_dir):
    zip_path = corpus_dir / "2015-07-23.zip"
    report = run_import([zip_path], sample=40)
    assert report.ok
    assert report.created == 40 and Article.objects.count() == 40
    again = run_import([zip_path], sample=40)
    assert (again.created, again.unchanged) == (0, 40)
    for article in Article.objects.all():
        assert "&nbsp;" not in article.title and "&quot;" not in article.body_text
        assert article.publication.source_key
        assert timezone_date(article) == "2015-07-23"


def timezone_date(article):
    return article.published_at.astimezone(ZoneInfo("Asia/Riyadh")).date().isoformat()


@pytest.mark.corpus
def test_sample_is_spread_over_files_and_stable(corpus_dir):
    first = run_import([corpus_dir], sample=30, dry_run=True)
    assert first.created == 30 and Article.objects.count() == 0  # dry run rolled back
    run_import([corpus_dir], sample=30)
    urls = set(Article.objects.values_list("source_url", flat=True))
    Article.objects.all().delete()
    run_import([corpus_dir], sample=30)
    assert set(Article.objects.values_list("source_url", flat=True)) == urls
    days = {a.published_at.astimezone(ZoneInfo("Asia/Riyadh")).date() for a in Article.objects.all()}
    assert len(days) >= 8
