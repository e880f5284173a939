"""Template library ``paging``: the numbered page links of includes/pagination.html."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.core.paginator import Page

register = template.Library()

# Pages shown around the current one and at each end: 1 2 3 … 82, 1 … 38 39 40 41 42 … 82.
ON_EACH_SIDE = 2
ON_ENDS = 1


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…") between runs of numbers
    current: bool = False
    # Two or more steps from the current page: left out on a narrow screen (1 … 39 40 41 … 82).
    far: bool = False
    # A gap shown only on a narrow screen, where leaving out far pages opened one.
    narrow_gap: bool = False


@register.simple_tag
def page_links(page_obj: Page) -> list[PageLink]:
    """The numbers to link for ``page_obj``, with gaps (Django's elided page range)."""
    paginator, number = page_obj.paginator, page_obj.number
    links: list[PageLink] = []
    for item in paginator.get_elided_page_range(number, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS):
        if not isinstance(item, int):
            links.append(PageLink(None))
            continue
        far = abs(item - number) >= 2 and item not in (1, paginator.num_pages)
        links.append(PageLink(item, current=item == number, far=far))
    out: list[PageLink] = []
    for i, link in enumerate(links):
        # The first far page of a run that has shown numbers on both sides: a "…" for narrow screens.
        starts_run = link.far and (i == 0 or not links[i - 1].far)
        if starts_run:
            j = i
            while j < len(links) and links[j].far:
                j += 1
            before = links[i - 1] if i else None
            after = links[j] if j < len(links) else None
            if before and after and before.number is not None and after.number is not None:
                out.append(PageLink(None, narrow_gap=True))
        out.append(link)
    return out
