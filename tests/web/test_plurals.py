"""Counted strings: the Arabic catalogue (locale/ar/LC_MESSAGES) gives each of the six plural forms.

Arabic picks the form by n: 0, 1, 2, n%100 in 3..10 (plural noun), n%100 in 11..99 (singular noun with
tanween), anything else (100, 101, 102, ...: singular noun). The tables are written out by hand so that a
wrong Plural-Forms rule, a msgstr in the wrong slot or a missing tanween each fail here.
"""

from __future__ import annotations

import gettext
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext, npgettext

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

NS = (0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 103, 111)

# (context or None, msgid, msgid_plural, placeholder) -> the Arabic text for each n in NS.
COUNTED = {
    (None, "%(counter)s article", "%(counter)s articles", "counter"): [
        "لا توجد مقالات",
        "مقال واحد",
        "مقالان",
        "3 مقالات",
        "10 مقالات",
        "11 مقالًا",
        "99 مقالًا",
        "100 مقال",
        "101 مقال",
        "102 مقال",
        "103 مقالات",
        "111 مقالًا",
    ],
    ("search", "%(count)s result", "%(count)s results", "count"): [
        "لا توجد نتائج",
        "نتيجة واحدة",
        "نتيجتان",
        "3 نتائج",
        "10 نتائج",
        "11 نتيجةً",
        "99 نتيجةً",
        "100 نتيجة",
        "101 نتيجة",
        "102 نتيجة",
        "103 نتائج",
        "111 نتيجةً",
    ],
    (None, "%(count)s article was published.", "%(count)s articles were published.", "count"): [
        "لم يُنشر أي مقال.",
        "نُشر مقال واحد.",
        "نُشر مقالان.",
        "نُشر 3 مقالات.",
        "نُشر 10 مقالات.",
        "نُشر 11 مقالًا.",
        "نُشر 99 مقالًا.",
        "نُشر 100 مقال.",
        "نُشر 101 مقال.",
        "نُشر 102 مقال.",
        "نُشر 103 مقالات.",
        "نُشر 111 مقالًا.",
    ],
    (None, "%(count)s article was returned to drafts.", "%(count)s articles were returned to drafts.", "count"): [
        "لم يُعَد أي مقال إلى المسودات.",
        "أُعيد مقال واحد إلى المسودات.",
        "أُعيد مقالان إلى المسودات.",
        "أُعيد 3 مقالات إلى المسودات.",
        "أُعيد 10 مقالات إلى المسودات.",
        "أُعيد 11 مقالًا إلى المسودات.",
        "أُعيد 99 مقالًا إلى المسودات.",
        "أُعيد 100 مقال إلى المسودات.",
        "أُعيد 101 مقال إلى المسودات.",
        "أُعيد 102 مقال إلى المسودات.",
        "أُعيد 103 مقالات إلى المسودات.",
        "أُعيد 111 مقالًا إلى المسودات.",
    ],
    (None, "%(counter)s publication", "%(counter)s publications", "counter"): [
        "لا توجد مصادر",
        "مصدر واحد",
        "مصدران",
        "3 مصادر",
        "10 مصادر",
        "11 مصدرًا",
        "99 مصدرًا",
        "100 مصدر",
        "101 مصدر",
        "102 مصدر",
        "103 مصادر",
        "111 مصدرًا",
    ],
    # Page 2 of n (the pager is shown from two pages up; 0 and 1 are there for completeness).
    (None, "Page %(number)s of %(counter)s", "Page %(number)s of %(counter)s", "counter"): [
        "صفحة 2 من 0",
        "صفحة 2 من صفحة واحدة",
        "صفحة 2 من صفحتين",
        "صفحة 2 من 3 صفحات",
        "صفحة 2 من 10 صفحات",
        "صفحة 2 من 11 صفحةً",
        "صفحة 2 من 99 صفحةً",
        "صفحة 2 من 100 صفحة",
        "صفحة 2 من 101 صفحة",
        "صفحة 2 من 102 صفحة",
        "صفحة 2 من 103 صفحات",
        "صفحة 2 من 111 صفحةً",
    ],
    (None, "%(count)s article left the review queue.", "%(count)s articles left the review queue.", "count"): [
        "لم يخرج أي مقال من قائمة المراجعة.",
        "خرج مقال واحد من قائمة المراجعة.",
        "خرج مقالان من قائمة المراجعة.",
        "خرج 3 مقالات من قائمة المراجعة.",
        "خرج 10 مقالات من قائمة المراجعة.",
        "خرج 11 مقالًا من قائمة المراجعة.",
        "خرج 99 مقالًا من قائمة المراجعة.",
        "خرج 100 مقال من قائمة المراجعة.",
        "خرج 101 مقال من قائمة المراجعة.",
        "خرج 102 مقال من قائمة المراجعة.",
        "خرج 103 مقالات من قائمة المراجعة.",
        "خرج 111 مقالًا من قائمة المراجعة.",
    ],
    (None, "%(count)s undated article stays in the queue.", "%(count)s undated articles stay in the queue.", "count"): [
        "ولا يبقى فيها أي مقال بلا تاريخ نشر.",
        "ويبقى فيها مقال واحد لأنه بلا تاريخ نشر.",
        "ويبقى فيها مقالان لأنهما بلا تاريخ نشر.",
        "ويبقى فيها 3 مقالات لأنها بلا تاريخ نشر.",
        "ويبقى فيها 10 مقالات لأنها بلا تاريخ نشر.",
        "ويبقى فيها 11 مقالًا لأنها بلا تاريخ نشر.",
        "ويبقى فيها 99 مقالًا لأنها بلا تاريخ نشر.",
        "ويبقى فيها 100 مقال لأنها بلا تاريخ نشر.",
        "ويبقى فيها 101 مقال لأنها بلا تاريخ نشر.",
        "ويبقى فيها 102 مقال لأنها بلا تاريخ نشر.",
        "ويبقى فيها 103 مقالات لأنها بلا تاريخ نشر.",
        "ويبقى فيها 111 مقالًا لأنها بلا تاريخ نشر.",
    ],
}

# The catalogue's other entries: month names as Saudi newspapers spell them (tests/web/test_dates.py
# checks them on rendered pages).
MONTH_NAMES = 3

CASES = [
    pytest.param(key, n, expected, id=f"{key[1]}-{n}")
    for key, forms in COUNTED.items()
    for n, expected in zip(NS, forms, strict=True)
]


@pytest.mark.parametrize(("key", "n", "expected"), CASES)
def test_catalogue_form(key, n, expected):
    context, singular, plural, placeholder = key
    with translation.override("ar"):
        if context is None:
            template = ngettext(singular, plural, n)
        else:
            template = npgettext(context, singular, plural, n)
    assert template % {placeholder: n, "number": 2} == expected


def test_english_msgids_stay_english_outside_arabic():
    # The msgids are the English source: without the ar catalogue active nothing is translated.
    with translation.override("en"):
        assert ngettext("%(counter)s article", "%(counter)s articles", 11) % {"counter": 11} == "11 articles"


def django_rule(n: int) -> int:
    """Django's own ar rule (django/conf/locale/ar), as the brief states it."""
    if n == 0:
        return 0
    if n == 1:
        return 1
    if n == 2:
        return 2
    if 3 <= n % 100 <= 10:
        return 3
    if n % 100 >= 11:
        return 4
    return 5


def test_compiled_catalogue_has_six_forms_and_djangos_rule():
    with MO.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    assert catalogue.info()["language"] == "ar"
    assert catalogue.info()["plural-forms"].startswith("nplurals=6;")
    assert [catalogue.plural(n) for n in range(1000)] == [django_rule(n) for n in range(1000)]
    assert [catalogue.plural(n) for n in NS] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 5, 3, 4]


def test_every_counted_string_in_the_catalogue_is_tested_here():
    with MO.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    # Plural entries are stored as (msgid, form index); a msgctxt is prefixed with "context\x04".
    in_catalogue = {msgid for msgid, _ in (key for key in catalogue._catalog if isinstance(key, tuple))}
    tested = {singular if context is None else f"{context}\x04{singular}" for context, singular, _, _ in COUNTED}
    assert in_catalogue == tested


def msgfmt(*args: str) -> subprocess.CompletedProcess:
    # gettext's msgfmt: installed by .ci/run (apt gettext); Django's compilemessages calls the same tool.
    return subprocess.run(["msgfmt", *args], capture_output=True, text=True, check=False)


def test_po_is_complete_and_valid():
    # --check: header, format strings (every %(count)s in msgstr exists in the msgid), plural count.
    result = msgfmt("--check", "--statistics", "-o", "/dev/null", str(PO))
    assert result.returncode == 0, result.stderr
    # No "fuzzy" or "untranslated" in the statistics: every counted string has all six forms.
    assert result.stderr.strip() == f"{len(COUNTED) + MONTH_NAMES} translated messages."


def test_committed_mo_is_compiled_from_the_current_po(tmp_path):
    # django.mo is committed (pages must not fall back to English where nobody ran compilemessages, e.g. a
    # production install per docs/operations.md): it must say what the .po says.
    fresh = tmp_path / "django.mo"
    result = msgfmt("--check", "-o", str(fresh), str(PO))
    assert result.returncode == 0, result.stderr
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            "locale/ar/LC_MESSAGES/django.mo is stale: run `manage.py compilemessages -l ar --ignore=.venv`"
        )
