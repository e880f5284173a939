"""The search page and the OpenSearch description (HTML side of ``articles.search``).

Thin views: ``SearchForm`` validates, ``run_search`` searches, the template shows. What a reader can get
wrong (a bad date, an unknown section, a query that is too long) comes back as the page with an Arabic
message and HTTP 200; a page number that does not exist is a 404 like every other paginated page; an index
that cannot be read is the page with an apology and HTTP 503 (logged, so an operator sees it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import npgettext
from django.views.generic import TemplateView

from articles.search import timeline
from articles.search.forms import SORTS, AdvancedSearchForm, SearchForm
from articles.search.query import SearchInputError, SearchUnavailable, run_search
from articles.templatetags.archive import ar_date

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


@dataclass(frozen=True)
class ActiveFilter:
    """One filter of the current search, with the link that drops it (and only it)."""

    name: str  # section, publication, date
    label: str  # "القسم: اقتصاد"
    remove_href: str  # "?q=..." without this filter and without the page number


def query_without(query: QueryDict, *names: str) -> str:
    """``query`` urlencoded without ``names`` and without the page number (a new filter starts at page 1)."""
    remaining = query.copy()
    for name in (*names, "page"):
        remaining.pop(name, None)
    return remaining.urlencode()


def active_filters(form: SearchForm, query: QueryDict) -> list[ActiveFilter]:
    filters = []
    if form.section_obj:
        label = f"القسم: {form.section_obj.name}"
        filters.append(ActiveFilter("section", label, "?" + query_without(query, "section")))
    if form.publication_obj:
        label = f"المصدر: {form.publication_obj.name}"
        filters.append(ActiveFilter("publication", label, "?" + query_without(query, "publication")))
    start, end = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    if start or end:
        bounds = [f"من {ar_date(start)}" if start else "", f"إلى {ar_date(end)}" if end else ""]
        label = "التاريخ: " + " ".join(b for b in bounds if b)
        filters.append(ActiveFilter("date", label, "?" + query_without(query, "date_from", "date_to")))
    return filters


class SearchView(TemplateView):
    template_name = "search/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        context = self.get_context_data(
            form=form,
            sorts=SORTS,
            site_name=settings.SITE_NAME,
            max_query_length=settings.SEARCH_MAX_QUERY_LENGTH,
            advanced_href=reverse("search:advanced") + "?" + query_without(request.GET),
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
                context.update(self.outcome_context(form, outcome, request.GET))
        response = self.render_to_response(context, status=status)
        if status == 503:
            response["Retry-After"] = "60"
        return response

    @staticmethod
    def outcome_context(form: SearchForm, outcome, query: QueryDict) -> dict:
        # A Paginator over a range costs nothing and gives includes/pagination.html its page_obj.
        paginator = Paginator(range(outcome.count), outcome.page_size, allow_empty_first_page=True)
        try:
            page_obj = paginator.page(outcome.page)
        except EmptyPage:
            raise Http404("لا توجد صفحة بهذا الرقم في نتائج البحث.") from None
        filters = active_filters(form, query)
        export_query = query_without(query)
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
            "active_filters": filters,
            # A year facet links to the date range of that year.
            "year_facets": [(y, c, f"{y:04d}-01-01", f"{y:04d}-12-31") for y, c in outcome.facets.get("year", [])],
            "chart": timeline.build_chart(outcome.facets.get("month", []), results_phrase) if outcome.count else None,
            # Empty results: a way out through each filter (active_filters), and all of them at once.
            "unfiltered_href": "?" + query_without(query, "section", "publication", "date_from", "date_to")
            if len(filters) > 1
            else "",
            "export_csv_href": reverse("search:export_csv") + "?" + export_query,
            "export_jsonl_href": reverse("search:export_jsonl") + "?" + export_query,
            "export_limit": settings.SEARCH_EXPORT_MAX_ROWS,
            # The filter panel's date range, filled in with the current one (only drawn with results).
            "date_form": AdvancedSearchForm(initial=AdvancedSearchForm.initial_from(form.cleaned_data))
            if outcome.count
            else None,
        }


class AdvancedSearchView(TemplateView):
    """``/search/advanced/``: the advanced form, which composes one query and sends the reader to the
    search page with it. The search page's date filter submits here too (``advanced=1``), so dates
    typed as day, month and year are checked in one place; a search page link fills the form in."""

    template_name = "search/advanced.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("advanced") != "1":
            form = AdvancedSearchForm(initial=AdvancedSearchForm.initial_from_search(request.GET))
            return self.render_to_response(self.get_context_data(form=form, site_name=settings.SITE_NAME))
        form = AdvancedSearchForm(request.GET)
        if form.is_valid():
            params = form.search_parameters()
            # The composed query must also pass the search page's own limits (length, number of words).
            search = SearchForm(params)
            if search.is_valid():
                return HttpResponseRedirect(reverse("search:search") + "?" + urlencode(params))
            for field, errors in search.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields and field != "q" else None, error)
        return self.render_to_response(self.get_context_data(form=form, site_name=settings.SITE_NAME))


class OpenSearchView(TemplateView):
    """``/opensearch.xml``: lets browsers add the archive as a search engine (linked from base.html)."""

    template_name = "search/opensearch.xml"
    content_type = "application/opensearchdescription+xml; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["origin"] = f"{self.request.scheme}://{self.request.get_host()}"
        context["site_name"] = settings.SITE_NAME
        return context
