"""``/search/export.csv`` and ``/search/export.jsonl``: a result set as a file, for researchers.

Same parameters, form and ``run_search`` as the search page; the rows are the API's result objects
(``api.serialize_hit``), in the page's order (``sort``), from the first result on. Bounded by
``settings.SEARCH_EXPORT_MAX_ROWS`` (default 1,000, ``NEWSARCHIVE_SEARCH_EXPORT_MAX_ROWS``) and
streamed page by page, so a large export never sits in memory. The response says what it holds:
``X-Result-Count`` (all matches), ``X-Export-Limit`` and ``X-Export-Rows`` (rows in this file).
Errors come before the first byte (the first page is searched before the response starts): 400 with
the Arabic message for a bad parameter, 503 when the index cannot be read.

CSV: UTF-8 with a byte-order mark (spreadsheets then read Arabic correctly), nested objects flattened
(``section_slug``, ``section_name``...), the snippet as plain text, and any text cell that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) prefixed with an
apostrophe.
"""

from __future__ import annotations

import csv
import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import replace

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View

from articles.search.api import MESSAGES as API_MESSAGES
from articles.search.api import serialize_hit
from articles.search.forms import SearchForm
from articles.search.query import SearchInputError, SearchOutcome, SearchParams, SearchUnavailable, run_search
from articles.search.views import UNAVAILABLE_MESSAGE

logger = logging.getLogger("articles.search")

CSV_COLUMNS = [
    "id",
    "url",
    "source_url",
    "title",
    "section_slug",
    "section_name",
    "publication_slug",
    "publication_name",
    "published_at",
    "snippet",
    "score",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_rows(first: SearchOutcome, params: SearchParams, limit: int) -> Iterator[dict]:
    """API result objects of the whole result set, page after page, at most ``limit`` of them.

    A result already given is not given again (the index may change between two pages).
    """
    seen: set[int] = set()
    outcome, page = first, params.page
    while True:
        for hit in outcome.hits:
            if hit.pk in seen:
                continue
            seen.add(hit.pk)
            yield serialize_hit(hit)
            if len(seen) >= limit:
                return
        if len(outcome.hits) < outcome.page_size:
            return
        page += 1
        outcome = run_search(replace(params, page=page))


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_record(row: dict) -> list:
    section, publication = row["section"] or {}, row["publication"] or {}
    flat = {
        **row,
        "section_slug": section.get("slug"),
        "section_name": section.get("name"),
        "publication_slug": publication.get("slug"),
        "publication_name": publication.get("name"),
        # The API's snippet is HTML (escaped text with <mark>): a spreadsheet wants the text.
        "snippet": html.unescape(strip_tags(row["snippet"])),
    }
    return [safe_cell("" if flat[name] is None else flat[name]) for name in CSV_COLUMNS]


class _Line:
    """The file-like object csv.writer writes one line to; the line is returned, not stored."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for row in rows:
        yield writer.writerow(csv_record(row))


def jsonl_lines(rows: Iterator[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def export_filename(q: str, extension: str) -> str:
    """ "بحث-وزراء-الخارجية-20261201.csv": letters, digits and hyphens only, whatever the query held."""
    # Punctuation becomes a word break first ("a/b" -> "a-b", not "ab"), then slugify keeps \w and "-".
    stem = slugify(re.sub(r"\W+", " ", q), allow_unicode=True)[:60].strip("-_") or "results"
    return f"بحث-{stem}-{timezone.localdate():%Y%m%d}.{extension}"


def text_error(message: str, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


class SearchExportView(View):
    http_method_names = ["get", "head"]
    extension = ""
    content_type = ""

    def lines(self, rows: Iterator[dict]) -> Iterator[str]:
        raise NotImplementedError

    def get(self, request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return text_error(form.first_error()[1], 400)
        if not form.cleaned_data["q"]:
            return text_error(API_MESSAGES["empty"], 400)
        limit = max(1, int(settings.SEARCH_EXPORT_MAX_ROWS))
        # The file starts at the first result, whatever page the reader was on.
        params = replace(form.params(), page=1, page_size=settings.SEARCH_MAX_PAGE_SIZE)  # the most one call gives
        try:
            first = run_search(params)
        except SearchInputError as exc:
            return text_error(exc.message, 400)
        except SearchUnavailable:
            logger.exception("search index unavailable for export of q=%r", params.q)
            response = text_error(UNAVAILABLE_MESSAGE, 503)
            response["Retry-After"] = "60"
            return response
        response = StreamingHttpResponse(self.lines(export_rows(first, params, limit)), content_type=self.content_type)
        response["Content-Disposition"] = content_disposition_header(True, export_filename(params.q, self.extension))
        response["X-Result-Count"] = str(first.count)
        response["X-Export-Limit"] = str(limit)
        response["X-Export-Rows"] = str(min(first.count, limit))
        response["Cache-Control"] = "no-store"
        return response


class CsvExportView(SearchExportView):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def lines(self, rows):
        return csv_lines(rows)


class JsonLinesExportView(SearchExportView):
    extension = "jsonl"
    content_type = "application/x-ndjson; charset=utf-8"

    def lines(self, rows):
        return jsonl_lines(rows)
