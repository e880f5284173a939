"""One date format on the site and in the admin; the admin's time-zone note in correct Arabic."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation
from reversion.models import Version

from articles.templatetags.archive import ar_datetime
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_admin_datetime_format_is_the_sites():
    when = timezone.make_aware(datetime(2026, 12, 1, 23, 26))
    with translation.override("ar"):
        admin_text = formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
    assert admin_text == ar_datetime(when) == "1 ديسمبر، 2026 11:26 م"


def test_changelist_and_history_show_arabic_dates(superuser_client):
    article = make_article(title="خبر مؤرخ", published_at=timezone.make_aware(datetime(2015, 7, 21, 10, 0)))
    html = superuser_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "21 يوليو، 2015 10:00 ص" in html
    assert "يوليو 21, 2015" not in html
    call_command("createinitialrevisions", "articles.Article", verbosity=0)
    (version,) = Version.objects.get_for_object(article)
    history = superuser_client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert f'<th scope="row">{ar_datetime(version.revision.date_created)}</th>' in history


def test_time_zone_note_in_the_projects_catalogue(superuser_client):
    response = superuser_client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1))
    behind = catalog["Note: You are %s hour behind server time."]
    assert behind[1] == "ملاحظة: توقيت جهازك متأخر عن توقيت الموقع بساعة واحدة، والأوقات في هذا النموذج بتوقيت الموقع."
    assert behind[2].startswith("ملاحظة: توقيت جهازك متأخر عن توقيت الموقع بساعتين")
    assert behind[3] == "ملاحظة: توقيت جهازك متأخر عن توقيت الموقع بـ%s ساعات، والأوقات في هذا النموذج بتوقيت الموقع."
    assert all("وقت الخادم" not in form for form in behind)  # Django's own, with the wrong agreement
