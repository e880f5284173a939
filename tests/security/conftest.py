"""Fixtures for the security tests: a small archive with a hostile article, indexed in a private directory."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import make_article, make_section
from tests.searchutil import fresh_backend

HOSTILE_TITLE = "عنوان <script>alert('t')</script> خطر"
HOSTILE_PARAGRAPHS = [
    "<script>alert('xss')</script>نص يبدأ بوسم سكربت في أستانا.",
    '<a href="javascript:alert(1)">رابط جافاسكربت</a> و <img src=x onerror="alert(2)"> صورة.',
    '<b>عريض</b> &amp; "اقتباس" & <iframe src="//evil.example"></iframe>',
]


@pytest.fixture
def archive(db, index_dir):
    """A few ordinary articles and one hostile one, all in the index."""
    section = make_section(name="الخليج والعالم", slug="gulf")
    ordinary = [
        make_article(title=f"لقاء في أستانا رقم {n}", section=section, paragraphs=[f"اجتمع الوفدان في أستانة {n}."])
        for n in range(3)
    ]
    hostile = make_article(title=HOSTILE_TITLE, section=section, paragraphs=HOSTILE_PARAGRAPHS)
    call_command("rebuild_index", interactive=False, verbosity=0)
    fresh_backend()
    return {"section": section, "ordinary": ordinary, "hostile": hostile}
