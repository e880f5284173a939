"""Template library ``admin_review``: the editors' review queue on the admin index (templates/admin/index.html)."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from articles.models import Article

register = template.Library()


def articles_phrase(n: int) -> str:
    """ "مقالان", "3 مقالات", "11 مقالًا": the catalogue's six forms (locale/ar/LC_MESSAGES/django.po)."""
    return ngettext("%(counter)s article", "%(counter)s articles", n) % {"counter": n}


@register.inclusion_tag("admin/includes/review_queue.html", takes_context=True)
def review_queue(context) -> dict:
    """Counts of the queue (one query), for users who may see articles."""
    request = context["request"]
    if not request.user.has_perm("articles.view_article"):
        return {"queue": None}
    counts = Article.objects.aggregate(
        total=Count("pk", filter=Q(needs_review=True) | Q(published_at__isnull=True)),
        flagged=Count("pk", filter=Q(needs_review=True)),
        undated=Count("pk", filter=Q(published_at__isnull=True)),
    )
    changelist = reverse("admin:articles_article_changelist")
    return {
        "queue": {
            "total": counts["total"],
            "total_phrase": articles_phrase(counts["total"]),
            "flagged_phrase": articles_phrase(counts["flagged"]),
            "undated_phrase": articles_phrase(counts["undated"]),
            "url": f"{changelist}?review=queue",
            "flagged_url": f"{changelist}?review=flagged",
            "undated_url": f"{changelist}?review=undated",
        }
    }
