"""The JSON API described for developers: ``/api/openapi.json`` (OpenAPI 3.1) and the page ``/api/``.

Written by hand for what a schema cannot infer (envelopes, error shape, Arabic messages), except the
search parameters: they are read from the search form's fields, so a parameter added to the form is
listed here too (with its label when no description below names it). tests/web/test_api_docs.py
checks that every route under /api/ and every form field is described.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.generic import TemplateView, View

from articles.search.forms import MAX_DATE, MAX_PAGE, MAX_PAGE_SIZE, MIN_DATE, SORTS, SearchForm

API_VERSION = "1.0"

_DATE = {"type": "string", "format": "date"}
_DATE_RANGE = f"From {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}."
# What the search form's fields mean to a client: (description, schema, example).
SEARCH_PARAMETERS: dict[str, tuple[str, dict, str | None]] = {
    "q": (
        "The words to look for (required). Arabic spelling variants, hamza forms, harakat and clitics are "
        'folded. Operators: "exact phrase", -word (exclude), OR between alternatives.',
        {"type": "string", "maxLength": settings.SEARCH_MAX_QUERY_LENGTH},
        "استانا",
    ),
    "page": ("Results page, from 1.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, None),
    "page_size": (
        "Results per page.",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "default": settings.HAYSTACK_SEARCH_RESULTS_PER_PAGE,
        },
        None,
    ),
    "section": ("Only this section (its slug, as in /section/<slug>/).", {"type": "string"}, None),
    "publication": ("Only this publication (its slug, as in /publication/<slug>/).", {"type": "string"}, None),
    "date_from": (f"Published on or after this day (local time), YYYY-MM-DD. {_DATE_RANGE}", _DATE, "2015-07-21"),
    "date_to": (f"Published on or before this day (local time), YYYY-MM-DD. {_DATE_RANGE}", _DATE, "2015-08-11"),
    "sort": (
        "Order of the results.",
        {"type": "string", "enum": [value for value, _ in SORTS], "default": "relevance"},
        None,
    ),
}


def search_parameters() -> list[dict]:
    """One OpenAPI parameter per field of the search form, in the form's order."""
    parameters = []
    for name, field in SearchForm(allow_page_size=True).fields.items():
        description, schema, example = SEARCH_PARAMETERS.get(name, (str(field.label or name), {"type": "string"}, None))
        parameter = {"name": name, "in": "query", "required": name == "q", "description": description, "schema": schema}
        if example:
            parameter["example"] = example
        parameters.append(parameter)
    return parameters


_NAMED = {
    "type": ["object", "null"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
    "required": ["slug", "name"],
}
_WHEN = {"type": ["string", "null"], "format": "date-time", "description": "ISO 8601, local time; null: undated"}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi(server_url: str) -> dict:
    """The OpenAPI 3.1 description of every endpoint under /api/."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_NAME} API",
            "version": API_VERSION,
            "description": (
                "Read-only JSON API of the Arabic news archive: full-text search and whole articles. "
                "Text fields are plain text (escape them before inserting them into HTML); `snippet` is the "
                "only HTML field: escaped text with <mark> around the matches. Errors are JSON: "
                '{"error": "<Arabic message>", "field": "<parameter>" or null}. Cross-origin reads are '
                "allowed for the origins the operator lists in NEWSARCHIVE_API_CORS_ORIGINS."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/": {
                "get": {
                    "operationId": "apiDocs",
                    "summary": "This documentation as a web page (HTML).",
                    "responses": {"200": {"description": "HTML page", "content": {"text/html": {}}}},
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description (OpenAPI 3.1, JSON).",
                    "responses": {"200": {"description": "OpenAPI document", "content": {"application/json": {}}}},
                }
            },
            "/api/search/": {
                "get": {
                    "operationId": "search",
                    "summary": "Search the published articles.",
                    "parameters": search_parameters(),
                    "responses": {
                        "200": {
                            "description": "One page of results, with facets.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}},
                        },
                        "400": _error("A parameter is missing or invalid (`field` names it)."),
                        "404": _error("The page is past the last page of results."),
                        "503": _error("The search index cannot be read; retry after the Retry-After header."),
                    },
                }
            },
            "/api/articles/{id}/": {
                "get": {
                    "operationId": "article",
                    "summary": "One published article, with its body and related titles.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The article's id (`id` in search results).",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The article.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Article"}}},
                        },
                        "404": _error("No published article has this id."),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "field": {"type": ["string", "null"]}},
                    "required": ["error", "field"],
                },
                "Named": _NAMED,
                "Hit": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "url": {"type": "string", "description": "Path of the article page on this site"},
                        "source_url": {"type": ["string", "null"]},
                        "title": {"type": "string"},
                        "section": {"$ref": "#/components/schemas/Named"},
                        "publication": {"$ref": "#/components/schemas/Named"},
                        "published_at": _WHEN,
                        "snippet": {"type": "string", "description": "HTML: escaped text, <mark> around matches"},
                        "score": {"type": "number"},
                    },
                },
                "Count": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "name": {"type": "string"},
                        "count": {"type": "integer"},
                    },
                },
                "SearchResults": {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "page_size": {"type": "integer"},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {
                            "type": "object",
                            "properties": {
                                "section": {"type": "array", "items": {"$ref": "#/components/schemas/Count"}},
                                "publication": {"type": "array", "items": {"$ref": "#/components/schemas/Count"}},
                                "year": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {"year": {"type": "string"}, "count": {"type": "integer"}},
                                    },
                                },
                            },
                        },
                        "suggestion": {"type": ["string", "null"], "description": "A spelling suggestion"},
                        "fallback": {"type": "boolean", "description": "True: no result had every word"},
                    },
                },
                "Article": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "section": {"$ref": "#/components/schemas/Named"},
                        "publication": {"$ref": "#/components/schemas/Named"},
                        "dateline": {"type": "string"},
                        "byline": {"type": "string"},
                        "published_at": _WHEN,
                        "updated_at": {"type": ["string", "null"], "format": "date-time"},
                        "lead": {"type": "string"},
                        "paragraphs": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "kind": {"type": "string", "enum": ["p", "h"], "description": "h: crosshead"},
                                    "text": {"type": "string"},
                                },
                            },
                        },
                        "related": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "title": {"type": "string"},
                                    "id": {"type": ["integer", "null"], "description": "null: not in the archive"},
                                },
                            },
                        },
                        "url": {"type": "string"},
                        "source_url": {"type": ["string", "null"]},
                    },
                },
            }
        },
    }


def _server_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class OpenApiView(View):
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(openapi(_server_url(request)), json_dumps_params={"ensure_ascii": False, "indent": 1})


class ApiDocsView(TemplateView):
    """``/api/``: the endpoints and their parameters for a reader, from the same description."""

    template_name = "articles/api.html"

    def get_context_data(self, **kwargs):
        spec = openapi(_server_url(self.request))
        endpoints = [
            {"path": path, "method": method.upper(), **operation}
            for path, methods in spec["paths"].items()
            for method, operation in methods.items()
        ]
        return super().get_context_data(spec=spec, endpoints=endpoints, server=spec["servers"][0]["url"], **kwargs)
