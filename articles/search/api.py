"""Read-only JSON API: ``/api/search/`` and ``/api/articles/<pk>/``.

Same form and same ``run_search`` as the search page, different envelope. Errors are JSON too, always
``{"error": "<Arabic message>", "field": <parameter name or null>}``: 400 for a bad parameter, 404 for an
article that is not published or a results page past the end, 503 when the index cannot be read.
Text fields are plain text (clients escape them); ``snippet`` is the one HTML field, escaped text with
``<mark>`` around the matches.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.http import JsonResponse
from django.utils import timezone
from django.views import View

from articles.models import Article
from articles.search.forms import SearchForm
from articles.search.query import SearchInputError, SearchUnavailable, run_search
from articles.search.views import UNAVAILABLE_MESSAGE

logger = logging.getLogger("articles.search")

MESSAGES = {
    "empty": "اكتب كلمة أو عبارة للبحث.",
    "page_past_end": "لا توجد صفحة بهذا الرقم في نتائج البحث.",
    "article_missing": "المقال غير موجود أو غير منشور.",
}


def json_response(data: dict, status: int = 200) -> JsonResponse:
    # Arabic stays readable in the body (UTF-8), not \\u escapes.
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def json_error(message: str, field: str | None = None, status: int = 400) -> JsonResponse:
    return json_response({"error": message, "field": field}, status=status)


def iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def named(slug: str | None, name: str | None) -> dict | None:
    return {"slug": slug, "name": name} if slug else None


class SearchApiView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        form = SearchForm(request.GET, allow_page_size=True)
        if not form.is_valid():
            field, message = form.first_error()
            return json_error(message, None if field == "__all__" else field)
        if not form.cleaned_data["q"]:
            return json_error(MESSAGES["empty"], "q")
        try:
            outcome = run_search(form.params())
        except SearchInputError as exc:
            return json_error(exc.message, "q")
        except SearchUnavailable:
            logger.exception("search index unavailable for q=%r", form.cleaned_data["q"])
            response = json_error(UNAVAILABLE_MESSAGE, None, status=503)
            response["Retry-After"] = "60"
            return response
        if outcome.page > 1 and not outcome.hits:
            return json_error(MESSAGES["page_past_end"], "page", status=404)
        return json_response(serialize_outcome(outcome))


def serialize_outcome(outcome) -> dict:
    facets = outcome.facets or {}
    return {
        "count": outcome.count,
        "page": outcome.page,
        "page_size": outcome.page_size,
        "results": [serialize_hit(hit) for hit in outcome.hits],
        "facets": {
            "section": [{"slug": s, "name": n, "count": c} for s, n, c in facets.get("section", [])],
            "publication": [{"slug": s, "name": n, "count": c} for s, n, c in facets.get("publication", [])],
            "year": [{"year": y, "count": c} for y, c in facets.get("year", [])],
            # Oldest first, months without results left out; empty where the engine does not count months.
            "month": [{"month": f"{y:04d}-{m:02d}", "count": c} for y, m, c in facets.get("month", [])],
        },
        "suggestion": outcome.suggestion or None,
        "fallback": bool(outcome.fallback),
        # Ranked retrieval (docs/search.md): how many results have every word, what was searched instead
        # of the query as typed, and what the cost bound left out.
        "all_words_count": outcome.all_count,
        "corrected_query": outcome.corrected_query,
        "completions": outcome.completions,
        "dropped_words": outcome.dropped_words,
        "partial": bool(outcome.partial),
        "truncated": bool(outcome.truncated),
    }


def serialize_hit(hit) -> dict:
    """One search result as the API (and the CSV/JSONL export) gives it."""
    return {
        "id": hit.pk,
        "url": hit.url,
        "source_url": hit.source_url or None,
        "title": hit.title,
        "section": named(hit.section_slug, hit.section_name),
        "publication": named(hit.publication_slug, hit.publication_name),
        "published_at": iso(hit.published_at),
        "snippet": str(hit.snippet),
        "score": round(float(hit.score), 4),
    }


class ArticleApiView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request, pk: int):
        article = Article.objects.published().for_detail().filter(pk=pk).first()
        if article is None:
            return json_error(MESSAGES["article_missing"], None, status=404)
        return json_response(serialize_article(article))


def serialize_article(article: Article) -> dict:
    section, publication = article.section, article.publication
    return {
        "id": article.pk,
        "title": article.title,
        "section": named(section.slug, section.name) if section else None,
        "publication": named(publication.slug, publication.name) if publication else None,
        "dateline": article.dateline,
        "byline": article.byline,
        "published_at": iso(article.published_at),
        "updated_at": iso(article.updated_at),
        "lead": article.lead,
        "paragraphs": [{"kind": p.kind, "text": p.text} for p in article.paragraphs.all()],
        # A related title points at an article only while that article is visible to readers.
        "related": [
            {"title": link.title, "id": link.target_id if link.target and link.target.is_published else None}
            for link in article.related_links.all()
        ],
        "url": article.get_absolute_url(),
        "source_url": article.source_url,
    }
