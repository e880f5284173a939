"""Plain factory functions (no factory_boy): each fills what a test does not care about."""

from __future__ import annotations

import itertools
from datetime import datetime

from django.utils import timezone

from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, Section

_seq = itertools.count(1)


def make_section(**kwargs) -> Section:
    n = next(_seq)
    kwargs.setdefault("name", f"قسم {n}")
    return Section.objects.create(**kwargs)


def make_publication(**kwargs) -> Publication:
    n = next(_seq)
    kwargs.setdefault("name", f"صحيفة {n}")
    return Publication.objects.create(**kwargs)


def make_article(paragraphs: list[str] | None = None, crossheads: set[int] | None = None, **kwargs) -> Article:
    """An article, published by default; ``paragraphs`` become body rows, indexes in ``crossheads`` crossheads."""
    n = next(_seq)
    kwargs.setdefault("title", f"مقال رقم {n}")
    if "section" not in kwargs:
        kwargs["section"] = make_section()
    if "publication" not in kwargs:
        kwargs["publication"] = make_publication()
    kwargs.setdefault("status", Article.Status.PUBLISHED)
    kwargs.setdefault("published_at", timezone.make_aware(datetime(2015, 7, 21, 10, 0)))
    article = Article.objects.create(**kwargs)
    crossheads = crossheads or set()
    Paragraph.objects.bulk_create(
        Paragraph(
            article=article,
            position=i,
            kind=Paragraph.Kind.CROSSHEAD if i in crossheads else Paragraph.Kind.PARAGRAPH,
            text=text,
        )
        for i, text in enumerate(paragraphs or [f"نص المقال رقم {n}."])
    )
    return article


def make_related(source: Article, title: str, target: Article | None = None, position: int = 0) -> RelatedLink:
    return RelatedLink.objects.create(source=source, title=title, target=target, position=position)


def make_brief(**kwargs) -> Brief:
    n = next(_seq)
    kwargs.setdefault("region", "لبنان")
    kwargs.setdefault("text", f"خبر عاجل رقم {n}")
    return Brief.objects.create(**kwargs)
