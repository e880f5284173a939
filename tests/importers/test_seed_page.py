"""The two seed pages, field by field (shared/seeds/)."""

import json
from datetime import date, datetime

import pytest
from django.utils import timezone

from articles.importers import run_import
from articles.models import Article, Brief, Paragraph, RelatedLink
from tests.factories import make_article

TITLE = "زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن"
MORE_TITLE = "الهند تقرّ قانونًا يقوّض حقوق المسلمين"
RELATED = [
    "بقائي: الحظر الجديد على إيران دليل على زيف ادّعاءات أميركا عن التفاوض",
    'عراقتشي: جرّ أميركا للحرب في المنطقة هو خطة "إسرائيلية"',
    "بقائي ردًّا على تصريحات وزير الخارجية التركي ضد إيران: نحن راسخون في مواقفنا",
    "بقائي: حضور الوفد الإيراني في بيروت دليل على الدعم المستمر للمقاومة المشروعة",
    "الخارجية الإيرانية: نراقب بعناية زيارة نتنياهو إلى واشنطن",
    "بيدرسون في دمشق: إحياء مسار الدستورية متسلحا بالمبادرة العربية",
    "بعد جنيف وآستانة.. هل انطلق المسار الثالث؟",
    'بيان آستانة: صيغة الحد الأدنى و"إدارة الخلاف"',
    'الدول الضامنة لـ"عملية أستانا": ملتزمون بسيادة سوريا والقضاء على الإرهاب',
]
BRIEFS = [
    ("لبنان", "بدء جلسة مجلس الوزراء"),
    ("", "إصابات جراء استهداف طائرات الاحتلال خيمة في محيط المسلخ غربي مدينة خان يونس جنوب قطاع غزة"),
    ("لبنان", '"الريجي" صادرت مصنوعات تبغية مهربة ومزورة في مناطق عدة'),
    ("", "طائرات الاحتلال تشن غارة عنيفة شمالي مدينة رفح جنوب قطاع غزة"),
    ("", "بيان مهم للقوات المسلحة اليمنية بعد قليل"),
]
CROSSHEAD = "إيران تؤكد على إيجابيات تطبيع العلاقات بين تركيا وسوريا"

pytestmark = pytest.mark.django_db


def test_main_page_fields(seed_main):
    report = run_import([seed_main])
    assert (report.created, report.errors, report.skipped) == (2, [], 0)
    article = Article.objects.get(title=TITLE)
    assert article.section.name == "الخليج والعالم"
    assert article.publication.name == "العهد الإخباري"
    assert (article.dateline, article.byline) == ("دمشق", "علي حسن")
    assert article.status == Article.Status.PUBLISHED
    assert article.needs_review is True
    # No date on the page: stored undated, not stamped with the import time; visible, but not dated.
    assert article.published_at is None and article.is_published and article.is_undated
    assert list(Article.objects.undated()) == [article]
    assert article not in Article.objects.dated()
    assert article.source_url is None and len(article.content_hash) == 64
    paragraphs = list(article.paragraphs.all())
    assert len(paragraphs) == 6
    assert {p.kind for p in paragraphs} == {"p"}
    assert paragraphs[0].text.startswith("قبل يوميْن، استقبل الرئيس السوري بشار الأسد كبير مساعدي وزير الخارجية")
    assert paragraphs[-1].text.startswith('وختم المصدر الحكومي السوري حديثه لـ"العهد" قائلًا إنّ:')
    assert paragraphs[-1].text.endswith('في هذا الإطار السياسي".')
    assert article.lead.startswith("قبل يوميْن") and len(article.lead) <= 301
    assert [link.title for link in article.related_links.all()] == RELATED
    assert [w.message for w in report.warnings] == [
        f"{TITLE!r}: the page has no date; stored as undated, an editor must set the real date"
    ]


def test_more_in_section_article_and_briefs(seed_main):
    run_import([seed_main])
    more = Article.objects.get(title=MORE_TITLE)
    assert timezone.localdate(more.published_at) == date(2025, 4, 4)
    assert more.status == Article.Status.PUBLISHED and more.is_published
    assert more.section.name == "الخليج والعالم"
    assert more.publication.name == "العهد الإخباري"
    assert more.paragraphs.count() == 0
    # The page gives the briefs no time: none is invented, they keep the page's order.
    assert list(Brief.objects.live()) == []
    undated = list(Brief.objects.of_day(None))
    assert [(b.region, b.text, b.published_at) for b in undated] == [(r, t, None) for r, t in BRIEFS]
    assert {b.publication.name for b in undated} == {"العهد الإخباري"}


def test_body_only_page_is_a_draft_with_derived_title_and_crosshead(seed_body_only):
    report = run_import([seed_body_only])
    assert report.created == 1 and report.ok
    article = Article.objects.get()
    assert article.title == "والتقى علي أصغر خاجي، كبير مستشاري وزير الخارجية الإيراني في الشؤون السياسية…"
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.needs_review is True
    assert article.section is None and article.publication is None
    paragraphs = list(article.paragraphs.all())
    assert len(paragraphs) == 15
    assert [(p.position, p.text) for p in paragraphs if p.kind == Paragraph.Kind.CROSSHEAD] == [(7, CROSSHEAD)]
    assert paragraphs[0].text.startswith("والتقى علي أصغر خاجي، كبير مستشاري")
    assert (
        paragraphs[-1].text
        == "كما أكد الجانبان على ضرورة المضي قدماً في المسارات السياسية ودعم مبادرات السلام في سوريا."
    )
    assert len(report.warnings) == 1 and "an editor must complete it" in report.warnings[0].message


def test_reimport_keeps_editor_date_and_changes_nothing(seed_main):
    run_import([seed_main])
    article = Article.objects.get(title=TITLE)
    set_by_editor = timezone.make_aware(datetime(2025, 4, 2, 9, 0))
    Article.objects.filter(pk=article.pk).update(published_at=set_by_editor)
    report = run_import([seed_main])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Article.objects.get(pk=article.pk).published_at == set_by_editor
    assert Article.objects.count() == 2 and RelatedLink.objects.count() == 9 and Brief.objects.count() == 5


def test_related_title_links_when_its_article_arrives(seed_main, tmp_path):
    run_import([seed_main])
    source = Article.objects.get(title=TITLE)
    assert not source.related_links.filter(target__isnull=False).exists()
    # The same title but for spacing before "؟": title_key matches.
    record = {
        "source": "aawsat",
        "url": "http://aawsat.com/home/article/1/x",
        "date_extracted": "2015-07-21 10:00:00",
        "title": "بعد جنيف وآستانة.. هل انطلق المسار الثالث ؟",
        "author": "",
        "content": "نص المقال.",
    }
    (tmp_path / "2015-07-21.json").write_text(json.dumps([record]), encoding="utf-8")
    assert run_import([tmp_path]).created == 1
    arriving = Article.objects.get(source_url=record["url"])
    assert source.related_links.get(position=6).target == arriving
    assert source.related_links.filter(target__isnull=False).count() == 1


def test_new_related_links_point_at_existing_articles(seed_main):
    existing = make_article(title=RELATED[0])
    run_import([seed_main])
    source = Article.objects.get(title=TITLE)
    assert [link.target for link in source.related_links.all()] == [existing] + [None] * 8
