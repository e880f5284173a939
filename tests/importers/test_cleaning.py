"""Table tests for the pure cleaning functions (articles/importers/cleaning.py)."""

import pytest

from articles.importers import cleaning


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("الرياض&nbsp;&nbsp;اليوم", "الرياض اليوم"),
        ("قال &quot;المصدر&quot;", 'قال "المصدر"'),
        ("\xa0\xa0\xa0\xa0في الوقت", "في الوقت"),
        ("سبق &ndash; جدة", "سبق – جدة"),
        ("a&amp;nbsp;b", "a b"),
        ("  كلمة \t  أخرى\n", "كلمة أخرى"),
        ("\u200f\u202bتشهد", "تشهد"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_text(raw, expected):
    assert cleaning.clean_text(raw) == expected


def test_split_paragraphs_drops_blank_lines():
    assert cleaning.split_paragraphs(" أولى&nbsp;فقرة\n\n \xa0 \nثانية\r\nثالثة") == ["أولى فقرة", "ثانية", "ثالثة"]


@pytest.mark.parametrize(
    ("raw", "dateline", "byline"),
    [
        ("لندن: رنيم حنوش", "لندن", "رنيم حنوش"),
        ("الرياض - الوئام :", "الرياض", "الوئام"),
        ("دبي-الوئام:", "دبي", "الوئام"),
        ("عمر عريبي - سبق- جازان:", "جازان", "عمر عريبي"),
        ("محمد الساعد (تبوك)", "تبوك", "محمد الساعد"),
        ("د ب أ - سان فرانسيسكو", "سان فرانسيسكو", "د ب أ"),
        ("متابعة - الرياض الإلكتروني", "", "الرياض الإلكتروني"),
        ("جدة: عبد الله آل هيضة", "جدة", "عبد الله آل هيضة"),
        ("دمشق - علي حسن", "دمشق", "علي حسن"),
        ("حسين احمد -الخبر", "الخبر", "حسين احمد"),
        ("\xa0عكاظ (جدة)", "جدة", "عكاظ"),
        ("القاهرة: «الشرق الأوسط»", "القاهرة", "الشرق الأوسط"),
        ('"الاقتصادية" من الرياض', "الرياض", "الاقتصادية"),
        ("الرياض - الرياضية | Wednesday, 08 July 2015 - 22:17 pm", "الرياض", "الرياضية"),
        ("بقلم: محمد السلوم | Mon, 2015-08-10 20:48", "", "محمد السلوم"),
        ("المدينة - وكالات ـ طهران ـ خاص", "طهران", "المدينة - وكالات"),
        ("مكة المكرمة – الوئام - بدر الهويل:", "مكة المكرمة", "بدر الهويل"),
        ("رويترز - نيجيريا", "نيجيريا", "رويترز"),
        ("واس - إسلام آباد ", "إسلام آباد", "واس"),
        ("الوئام - متابعات:", "", "الوئام"),
        ("د. عبدالواحد الحميد", "", "د. عبدالواحد الحميد"),
        ("بواسطة : عمرو عاطف", "", "عمرو عاطف"),
        ("افتخار باحفين، جابر مدخلي (نجران)", "نجران", "افتخار باحفين، جابر مدخلي"),
        ("بروفايل سبق &ndash; محمد عطيف:", "", "محمد عطيف"),
        ("", "", ""),
    ],
)
def test_split_dateline_byline(raw, dateline, byline):
    assert cleaning.split_dateline_byline(raw) == (dateline, byline)


@pytest.mark.parametrize(
    ("paragraphs", "author", "expected", "lead_in"),
    [
        (
            ["عمر عريبي - سبق- جازان: أوضح المتحدث", "ثانية"],
            "عمر عريبي - سبق- جازان:",
            ["أوضح المتحدث", "ثانية"],
            "عمر عريبي - سبق- جازان",
        ),
        (["سبق-الجوف: أعلن مدير", "ثانية"], "سبق-الجوف:", ["أعلن مدير", "ثانية"], "سبق-الجوف"),
        (["عين اليوم – نيويورك", "ارتفعت الأسعار."], "", ["ارتفعت الأسعار."], "عين اليوم – نيويورك"),
        (
            ["بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس", "يواصل المهرجان."],
            "",
            ["يواصل المهرجان."],
            "بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس",
        ),
        (
            ["قال الوزير إن الخطة - كما أعلن - ناجحة.", "ثانية"],
            "",
            ["قال الوزير إن الخطة - كما أعلن - ناجحة.", "ثانية"],
            "",
        ),
        (["بدأ الاجتماع.", "ثانية"], "الرياض - الوئام :", ["بدأ الاجتماع.", "ثانية"], ""),
        ([], "x", [], ""),
    ],
)
def test_strip_lead_in(paragraphs, author, expected, lead_in):
    assert cleaning.strip_lead_in(paragraphs, author) == (expected, lead_in)


@pytest.mark.parametrize(
    ("lead_in", "expected"),
    [
        ("بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس", ("بريدة", "واس")),
        ("مكة المكرمة 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس", ("مكة المكرمة", "واس")),
        ("عين اليوم – نيويورك", ("نيويورك", "عين اليوم")),
        ("غالب السهلي – بريدة", ("بريدة", "غالب السهلي")),
    ],
)
def test_lead_in_dateline_byline(lead_in, expected):
    assert cleaning.lead_in_dateline_byline(lead_in) == expected


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("http://www.alwatan.com.sa/Politics/News_Detail.aspx?ArticleID=229720&CategoryID=1", "سياسة"),
        ("http://www.alwatan.com.sa/Economy/News_Detail.aspx?ArticleID=229764&CategoryID=2", "اقتصاد"),
        ("http://www.alwatan.com.sa/Articles/Detail.aspx?ArticleId=27154", "رأي"),
        ("http://www.alwatan.com.sa/Local/News_Detail.aspx?ArticleID=230653&CategoryID=5", "محليات"),
        ("http://www.3alyoum.com/news/pol/a/وصول-طائرة/", "سياسة"),
        ("http://www.3alyoum.com/news/local/a/خاشقجي/", "محليات"),
        ("http://www.3alyoum.com/news/golobal/a/شاهد/", "دولي"),
        ("http://www.3alyoum.com/finance/a/النفط/", "اقتصاد"),
        ("http://www.3alyoum.com/sports/a/الهلال/", "رياضة"),
        ("http://www.3alyoum.com/news/a/خبر/", None),
        ("http://www.al-jazirah.com/2015/20150809/sp35.htm", "رياضة"),
        ("http://www.al-jazirah.com/2015/20150725/ln44.htm", None),
        ("http://www.arriyadiyah.com/node/907026", "رياضة"),
        ("http://www.alriyadh.com/1070885", None),
        ("", None),
        (None, None),
    ],
)
def test_section_from_url(url, section):
    assert cleaning.section_from_url(url) == section


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("سياسي / خادم الحرمين يتلقى اتصالاً", ("سياسة", "خادم الحرمين يتلقى اتصالاً")),
        ("اقتصادي/ مؤشر بورصة بيروت يغلق", ("اقتصاد", "مؤشر بورصة بيروت يغلق")),
        ("عام /\xa0وزير الصحة يزور", ("عام", "وزير الصحة يزور")),
        ("رياضي / الأخضر يفوز", ("رياضة", "الأخضر يفوز")),
        ("ثقافي / معرض الكتاب", ("ثقافة وفنون", "معرض الكتاب")),
        ("الدولار يتراجع", (None, "الدولار يتراجع")),
        ("قطر / السعودية: مباراة", (None, "قطر / السعودية: مباراة")),
    ],
)
def test_section_from_title(title, expected):
    assert cleaning.section_from_title(title) == expected


@pytest.mark.parametrize(
    ("paragraphs", "title"),
    [
        (["أعلنت الوزارة اليوم عن خطة جديدة. وقال الوزير إنها تبدأ غدا."], "أعلنت الوزارة اليوم عن خطة جديدة"),
        (
            ["والتقى علي أصغر خاجي، كبير مستشاري وزير الخارجية الإيراني في الشؤون السياسية الخاصة وكبير المفاوضين."],
            "والتقى علي أصغر خاجي، كبير مستشاري وزير الخارجية الإيراني في الشؤون السياسية…",
        ),
        (["", "هل تنجح الخطة؟ نعم"], "هل تنجح الخطة"),
        ([], ""),
    ],
)
def test_derive_title(paragraphs, title):
    assert cleaning.derive_title(paragraphs) == title


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("إيران تؤكد على إيجابيات تطبيع العلاقات بين تركيا وسوريا", True),
        ("التحليل الفني", True),
        ("وقال الوزير في ختام كلمته.", False),
        ("المحاور الثلاثة:", False),
        ("// انتهى //", False),
        ("3601116751", False),
        ("* الطعام في الإمارة", False),
        ("كلمة " * 11, False),
    ],
)
def test_is_crosshead(line, expected):
    assert cleaning.is_crosshead(line) is expected


def test_paragraph_kinds_marks_crossheads_between_paragraphs_only():
    long = "فقرة طويلة فيها كلمات كثيرة تتجاوز عشر كلمات بكثير في هذا المثال هنا."
    body = ["عنوان قصير في البداية", long, "عنوان فرعي بين فقرتين", long, "سطر أخير قصير"]
    assert [kind for kind, _ in cleaning.paragraph_kinds(body)] == ["p", "p", "h", "p", "p"]
    verse = [long, "بيت شعر أول", "بيت شعر ثان", long]
    assert [kind for kind, _ in cleaning.paragraph_kinds(verse)] == ["p", "p", "p", "p"]
    assert cleaning.paragraph_kinds([long, "// انتهى //"]) == [("p", long)]


def test_content_hash_ignores_whitespace_and_entities():
    a = cleaning.content_hash("عنوان&nbsp;المقال", ["فقرة  أولى"])
    assert a == cleaning.content_hash(" عنوان المقال ", ["فقرة أولى"])
    assert a != cleaning.content_hash("عنوان المقال", ["فقرة ثانية"])
    assert len(a) == 64


def test_truncate_words():
    assert cleaning.truncate_words("قصير", 300) == "قصير"
    assert cleaning.truncate_words("كلمة " * 100, 20) == "كلمة كلمة كلمة كلمة…"


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # Its own line (alweeam, SaudiNewsNet 2015-08-09): dropped.
        (
            ["مجسمات حديقة المعالم تستقطب الزوار.", "رابط الخبر بصحيفة الوئام: بالصور.. مجسمات حديقة المعالم"],
            ["مجسمات حديقة المعالم تستقطب الزوار."],
        ),
        # Glued to the end of the last paragraph: cut, the sentence kept.
        (
            [
                "النفط يتراجع.",
                "ويحل أجل استحقاق عقد أغسطس يوم الثلاثاء القادم. رابط الخبر بصحيفة الوئام: النفط يتراجع نحو 1 %",
            ],
            ["النفط يتراجع.", "ويحل أجل استحقاق عقد أغسطس يوم الثلاثاء القادم."],
        ),
        # Other wordings of the same footer.
        (["نص.", "رابط المقال في موقع سبق: عنوان"], ["نص."]),
        # Inside the story (not the last paragraph), the words are the story's own.
        (["رابط الخبر بصحيفة الوئام: قال المحرر", "نص."], ["رابط الخبر بصحيفة الوئام: قال المحرر", "نص."]),
        # A body that is only the footer becomes empty; an empty body stays empty.
        (["رابط الخبر بصحيفة الوئام: عنوان"], []),
        ([], []),
        # The Saudi Press Agency's filing time (Makkah time) as the last line, or glued to it.
        (["افتتح الأمير المعرض.", "18:37 ت م"], ["افتتح الأمير المعرض."]),
        (["افتتح الأمير المعرض. 9:05 ت م"], ["افتتح الأمير المعرض."]),
        # No footer: unchanged (a time inside the text stays).
        (["رابط بين الخبرين واضح."], ["رابط بين الخبرين واضح."]),
        (["تبدأ المباراة 18:37 ت م غدًا."], ["تبدأ المباراة 18:37 ت م غدًا."]),
    ],
)
def test_strip_source_leftovers(paragraphs, expected):
    assert cleaning.strip_source_leftovers(paragraphs) == expected
