"""Repair rows stored before the rules of articles/textrules.py were enforced on every save.

Control characters (which took the feeds down) are stripped from every text field, links that are not
http(s) are removed, slugs URLs cannot be built from are remade, and a date beyond next year (which
overflows in local time on the admin list and the article page) is cleared and the article returned to
the editors as a draft that needs review (such a brief is hidden and dated now). No schema change.
"""

import functools
import operator
from datetime import UTC, datetime

from django.db import migrations
from django.db.models import Q

from articles.textrules import MIN_YEAR, is_http_url, max_year, slug_for, strip_control_chars

CONTROL_CHARS = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"]
TEXT_FIELDS = {
    "Article": ["title", "dateline", "byline", "lead"],
    "Paragraph": ["text"],
    "RelatedLink": ["title"],
    "Brief": ["region", "text"],
    "Section": ["name"],
    "Publication": ["name", "source_key"],
    "VariantSet": ["canonical", "variants", "note"],
}


def _holding(field, chars):
    return functools.reduce(operator.or_, (Q(**{f"{field}__contains": c}) for c in chars))


def repair(apps, schema_editor):
    # PostgreSQL cannot store NUL at all (nor take it as a query parameter).
    postgres = schema_editor.connection.vendor == "postgresql"
    chars = CONTROL_CHARS[1:] if postgres else CONTROL_CHARS
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("articles", model_name)
        for field in fields:
            for pk, value in model.objects.filter(_holding(field, chars)).values_list("pk", field):
                model.objects.filter(pk=pk).update(**{field: strip_control_chars(value)})
    Article = apps.get_model("articles", "Article")
    for pk, url in Article.objects.exclude(source_url=None).values_list("pk", "source_url"):
        if not is_http_url(url):
            Article.objects.filter(pk=pk).update(source_url=None)
    too_late = datetime(max_year() + 1, 1, 1, tzinfo=UTC)
    too_early = datetime(MIN_YEAR, 1, 1, tzinfo=UTC)
    out_of_range = Q(published_at__gte=too_late) | Q(published_at__lt=too_early)
    Article.objects.filter(out_of_range).update(published_at=None, status="draft", needs_review=True)
    Article.objects.filter(Q(updated_at__gte=too_late) | Q(updated_at__lt=too_early)).update(updated_at=None)
    Brief = apps.get_model("articles", "Brief")
    # Kept for the editors, hidden from readers, dated now: a brief's date cannot be empty.
    Brief.objects.filter(Q(published_at__gte=too_late) | Q(published_at__lt=too_early)).update(
        published_at=datetime.now(UTC), is_active=False
    )
    Publication = apps.get_model("articles", "Publication")
    for publication in Publication.objects.exclude(website=""):
        if not is_http_url(publication.website):
            Publication.objects.filter(pk=publication.pk).update(website="")
    for model_name, prefix in (("Section", "section"), ("Publication", "publication")):
        model = apps.get_model("articles", model_name)
        for pk, slug, name in model.objects.values_list("pk", "slug", "name"):
            fixed = slug_for(slug, name)
            if fixed == slug:
                continue
            if not fixed or model.objects.filter(slug=fixed).exclude(pk=pk).exists():
                fixed = f"{prefix}-{pk}"
            model.objects.filter(pk=pk).update(slug=fixed)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_admin")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
