"""Template library ``archive``: Arabic dates, the Hijri date, and the sidebar blocks.

Gregorian dates go through Django's ``ar`` locale (``DATE_FORMAT`` = "j F، Y", Arabic month names),
never through hand-written month tables. Sidebar blocks are inclusion tags, one query each.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime
from itertools import groupby

from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from hijridate import Gregorian

from articles.images import lead_image
from articles.models import Article, Brief, Section
from articles.periods import distinct_periods

register = template.Library()

TICKER_SIZE = 8
MORE_IN_SECTION = 5

# What json_script escapes: a "</script>" inside a title can't end the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def ar_date(value: date | datetime | None) -> str:
    """ "21 يوليو، 2015": the ``ar`` locale's DATE_FORMAT."""
    if not value:
        return ""
    with translation.override("ar"):
        return date_format(_local(value), "DATE_FORMAT")


@register.filter
def ar_datetime(value: datetime | None) -> str:
    """ "21 يوليو، 2015 10:00 ص": DATE_FORMAT then TIME_FORMAT of the ``ar`` locale."""
    if not value:
        return ""
    with translation.override("ar"):
        local = _local(value)
        return f"{date_format(local, 'DATE_FORMAT')} {date_format(local, 'TIME_FORMAT')}"


@register.filter
def hijri(value: date | datetime | None) -> str:
    """ "5 شوال 1436 هـ": the Umm al-Qura date of the local calendar day; "" outside its range (1924-2077)."""
    if not value:
        return ""
    local = _local(value)
    try:
        h = Gregorian(local.year, local.month, local.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    return f"{h.day} {h.month_name('ar')} {h.year} {h.notation('ar')}"


def article_summary(article: Article) -> str:
    """The lead, else the first body paragraph (from prefetched paragraphs when there are any)."""
    if article.lead:
        return article.lead
    for paragraph in article.paragraphs.all():
        if not paragraph.is_crosshead:
            return paragraph.text
    return ""


register.filter("summary", article_summary)


# Tashkeel (harakat, tanwin, shadda, sukun, dagger alif) and tatweel: spelling variants of the same text.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_TRUNCATION = re.compile(r"\s*(?:…|\.\.\.+)\s*$")


def _comparable(text: str) -> str:
    """Text as compared for repetition: NFKC, no tashkeel/tatweel, one space, no trailing ellipsis."""
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text))
    return " ".join(_TRUNCATION.sub("", text).split())


@register.filter
def distinct_lead(article: Article) -> str:
    """The lead, or "" when it only repeats the start of the body's first paragraph.

    Imported articles often have as lead the first paragraph itself, or its start cut with "…": shown
    above the body it reads twice. Compared on normalized text (``_comparable``); reads the article's
    (prefetched) paragraphs.
    """
    lead = article.lead
    if not lead:
        return ""
    first = next((p.text for p in article.paragraphs.all() if not p.is_crosshead), "")
    short, body = _comparable(lead), _comparable(first)
    if short and body.startswith(short):
        return ""
    return lead


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag(takes_context=True)
def article_json_ld(context, article: Article) -> SafeString:
    """A ``<script type="application/ld+json">`` NewsArticle block, escaped like ``json_script``."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article_summary(article)[:300],
        "inLanguage": "ar",
        "url": url,
        "mainEntityOfPage": url,
    }
    if article.published_at:
        data["datePublished"] = timezone.localtime(article.published_at).isoformat()
        data["dateModified"] = timezone.localtime(article.updated_at or article.published_at).isoformat()
    if article.section:
        data["articleSection"] = article.section.name
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    if article.publication:
        data["publisher"] = {"@type": "Organization", "name": article.publication.name}
    photo = lead_image(article)
    if photo:
        data["image"] = [request.build_absolute_uri(photo.largest)]
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    # Safe: < > & in the data are \u escapes, so nothing inside can close the element.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.inclusion_tag("includes/ticker.html")
def ticker(of: Article | date | datetime | None = None) -> dict:
    """The "التغطية الإخبارية" block: briefs of the day of ``of`` (an article, or a day), else the latest live.

    Beside an article the ticker holds the briefs of the article's own day; beside an undated article,
    the briefs that have no time either (a captured page gives neither).
    """
    if of is None or of == "":
        briefs = Brief.objects.live()
    elif isinstance(of, Article):
        briefs = Brief.objects.of_day(timezone.localdate(of.published_at) if of.published_at else None)
    else:
        briefs = Brief.objects.of_day(_local(of).date() if isinstance(of, datetime) else of)
    return {"briefs": list(briefs[:TICKER_SIZE])}


@register.inclusion_tag("includes/more_in_section.html")
def more_in_section(article: Article) -> dict:
    """The "المزيد في <القسم>" block: the latest other published articles of the article's section."""
    if not article.section_id:
        return {"section": None, "articles": []}
    articles = (
        Article.objects.dated()
        .in_section(article.section_id)
        .exclude(pk=article.pk)
        .for_listing()
        .latest_first()[:MORE_IN_SECTION]
    )
    return {"section": article.section, "articles": list(articles)}


@register.inclusion_tag("includes/section_nav.html", takes_context=True)
def section_nav(context) -> dict:
    # The home page has already read every section (context "all_sections"): no second query.
    sections = context.get("all_sections")
    if sections is None:
        sections = list(Section.objects.all())
    return {"sections": sections, "current": context.get("section")}


@register.inclusion_tag("includes/month_links.html")
def month_links() -> dict:
    """Archive months with published articles, newest first, grouped by year."""
    months = distinct_periods(Article.objects.dated(), "published_at", "month", order="DESC")
    return {"years": [(year, list(items)) for year, items in groupby(months, key=lambda d: d.year)]}
