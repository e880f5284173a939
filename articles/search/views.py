"""The search page and the OpenSearch description (HTML side of ``articles.search``).

Thin views: ``SearchForm`` validates, ``run_search`` searches, the template shows. What a reader can get
wrong (a bad date, an unknown section, a query that is too long) comes back as the page with an Arabic
message and HTTP 200; a page number that does not exist is a 404 like every other paginated page; an index
that cannot be read is the page with an apology and HTTP 503 (logged, so an operator sees it).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.utils import formats
from django.utils.translation import npgettext
from django.views.generic import TemplateView

from articles.search.forms import SORTS, SearchForm
from articles.search.query import SearchInputError, SearchUnavailable, run_search

logger = logging.getLogger("articles.search")

UNAVAILABLE_MESSAGE = "البحث غير متاح الآن بسبب عطل مؤقت في فهرس البحث. حاول مرة أخرى بعد قليل."
FALLBACK_NOTICE = "لم نجد نتائج تضم كل الكلمات، فهذه نتائج تضم بعضها"
PARTIAL_NOTICE = "انتهت مهلة البحث قبل أن يكتمل: هذه أفضل النتائج التي وُجدت في الوقت المتاح."
TRUNCATED_NOTICE = "عبارة البحث طويلة، فبحثنا بأولها."
DROPPED_SHOWN = 10  # left-out words named on the page; the rest are counted


def results_phrase(count: int) -> str:
    """The result count as Arabic says it: "نتيجتان", "3 نتائج", "11 نتيجةً" (six forms, locale/ar/.../django.po).

    The "search" context keeps this apart from the admin's own "%(counter)s result", which our catalogue
    would otherwise override.
    """
    # localize() formats the number as the template does the other counts on the page (facets, pages).
    return npgettext("search", "%(count)s result", "%(count)s results", count) % {"count": formats.localize(count)}


def all_words_phrase(outcome) -> str:
    """ "، 12 منها تحوي كل الكلمات" when only some results have every word of a query of several words."""
    if not outcome.count or outcome.fallback or outcome.all_count in (0, outcome.count):
        return ""
    return f"، {formats.localize(outcome.all_count)} منها تحوي كل الكلمات"


def dropped_phrase(words: list[str]) -> str:
    """The words the cost bound left out, as the reader is told them."""
    if not words:
        return ""
    shown = "، ".join(words[:DROPPED_SHOWN])
    more = len(words) - DROPPED_SHOWN
    suffix = f" و{formats.localize(more)} غيرها" if more > 0 else ""
    return f"بحثنا بأكثر الكلمات دلالة وتركنا: {shown}{suffix}."


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        context = self.get_context_data(
            form=form, sorts=SORTS, site_name=settings.SITE_NAME, max_query_length=settings.SEARCH_MAX_QUERY_LENGTH
        )
        status = 200
        if not form.is_valid():
            if "page" in form.errors:
                raise Http404(form.errors["page"][0])
        elif form.cleaned_data["q"]:
            try:
                outcome = run_search(form.params())
            except SearchInputError as exc:
                form.add_error("q", exc.message)
            except SearchUnavailable:
                logger.exception("search index unavailable for q=%r", form.cleaned_data["q"])
                context["unavailable_message"] = UNAVAILABLE_MESSAGE
                status = 503
            else:
                context.update(self.outcome_context(form, outcome))
        response = self.render_to_response(context, status=status)
        if status == 503:
            response["Retry-After"] = "60"
        return response

    @staticmethod
    def outcome_context(form: SearchForm, outcome) -> dict:
        # A Paginator over a range costs nothing and gives includes/pagination.html its page_obj.
        paginator = Paginator(range(outcome.count), outcome.page_size, allow_empty_first_page=True)
        try:
            page_obj = paginator.page(outcome.page)
        except EmptyPage:
            raise Http404("لا توجد صفحة بهذا الرقم في نتائج البحث.") from None
        return {
            "outcome": outcome,
            "page_obj": page_obj,
            "results_phrase": results_phrase(outcome.count),
            "fallback_notice": FALLBACK_NOTICE if outcome.fallback else "",
            "all_words_phrase": all_words_phrase(outcome),
            "dropped_phrase": dropped_phrase(outcome.dropped_words),
            "partial_notice": PARTIAL_NOTICE if outcome.partial else "",
            "truncated_notice": TRUNCATED_NOTICE if outcome.truncated else "",
            "active_section": form.section_obj,
            "active_publication": form.publication_obj,
            # A year facet links to the date range of that year.
            "year_facets": [(y, c, f"{y:04d}-01-01", f"{y:04d}-12-31") for y, c in outcome.facets.get("year", [])],
        }


class OpenSearchView(TemplateView):
    """``/opensearch.xml``: lets browsers add the archive as a search engine (linked from base.html)."""

    template_name = "search/opensearch.xml"
    content_type = "application/opensearchdescription+xml; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["origin"] = f"{self.request.scheme}://{self.request.get_host()}"
        context["site_name"] = settings.SITE_NAME
        return context
