"""Template library ``lead_images``: an article's photo for pages, cards and link previews (articles/images.py)."""

from __future__ import annotations

from django import template

from articles.images import LeadImage, lead_image

register = template.Library()


@register.filter(name="lead_image")
def lead_image_filter(article) -> LeadImage | None:
    """``{% with photo=article|lead_image %}``: src, srcset, width, height, largest, alt, caption, credit."""
    return lead_image(article)
