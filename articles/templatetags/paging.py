"""Template library ``paging``: the numbered page links of includes/pagination.html."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.core.paginator import Page

register = template.Library()

# Pages shown around the current one and at each end: 1 2 3 … 82, 1 … 4 5 6 7 8 … 82.
ON_EACH_SIDE = 2
ON_ENDS = 1


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap between runs of numbers
    current: bool = False
    # Two steps from the current page: the first links a narrow screen leaves out.
    far: bool = False


@register.simple_tag
def page_links(page_obj: Page) -> list[PageLink]:
    """The numbers to link for ``page_obj``, with gaps (Django's elided page range)."""
    paginator = page_obj.paginator
    number = page_obj.number
    links = []
    for item in paginator.get_elided_page_range(number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS):
        if not isinstance(item, int):
            links.append(PageLink(None))
            continue
        at_end = item in (1, paginator.num_pages)
        links.append(PageLink(item, current=item == number, far=abs(item - number) >= ON_EACH_SIDE and not at_end))
    return links
