"""Fixtures for the public pages: a seed-like article with its section, related links and ticker."""

from datetime import datetime

import pytest
from django.utils import timezone

from tests.factories import make_article, make_brief, make_publication, make_related, make_section


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def seed_article(db):
    """The seed page (shared/seeds/000_*.txt) as the importer would store it, plus a crosshead."""
    section = make_section(name="الخليج والعالم", slug="الخليج-والعالم")
    publication = make_publication(name="العهد الإخباري", slug="alahed")
    linked_target = make_article(
        title='بيان آستانة: صيغة الحد الأدنى و"إدارة الخلاف"',
        section=section,
        publication=publication,
        published_at=aware(2019, 11, 20, 9, 0),
    )
    older = make_article(
        title="الهند تقرّ قانونًا يقوّض حقوق المسلمين",
        section=section,
        publication=publication,
        published_at=aware(2019, 11, 1, 9, 0),
    )
    article = make_article(
        title="زيارة خاجي الأخيرة إلى سوريا.. تنسيقٌ دوري بين الحليفيْن",
        section=section,
        publication=publication,
        dateline="دمشق",
        byline="علي حسن",
        published_at=aware(2015, 7, 21, 10, 0),
        source_url="https://example.org/news/1",
        paragraphs=[
            "قبل يوميْن، استقبل الرئيس السوري بشار الأسد كبير مساعدي وزير الخارجية الإيراني علي أصغر خاجي.",
            "مصدر حكومي سوري",
            'وختم المصدر الحكومي السوري حديثه لـ"العهد" قائلًا إنّ الزيارة تهدف للتحضير للمؤتمر القادم.',
        ],
        crossheads={1},
    )
    make_related(article, "بقائي: الحظر الجديد على إيران دليل على زيف ادّعاءات أميركا عن التفاوض", position=0)
    make_related(article, linked_target.title, target=linked_target, position=1)
    # Briefs of the article's own day: the article page's ticker shows that day's briefs.
    make_brief(region="لبنان", text="بدء جلسة مجلس الوزراء", published_at=aware(2015, 7, 21, 12, 0))
    make_brief(region="", text="بيان مهم للقوات المسلحة اليمنية بعد قليل", published_at=aware(2015, 7, 21, 11, 30))
    return {"article": article, "section": section, "publication": publication, "target": linked_target, "older": older}
