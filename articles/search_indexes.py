"""The haystack index of published articles (one Whoosh document per article).

The backend (articles/search/backend.py) derives the Arabic fields from ``text`` and ``title``
(text_exact, title_exact; "did you mean" reads a word list kept beside the index); the slugs, year
and dates are keyword/sortable columns for filters, facets and sorting; names and URLs are stored
to build result cards without the database.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.utils import timezone
from haystack import indexes

from articles.models import Article


def _naive_utc(value):
    # Whoosh's DATETIME field compares with naive datetimes.
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if timezone.is_aware(value) else value


def content_digest(article: Article) -> str:
    """sha256 (hex) of everything the article's search document is made of, read from the database.

    Stored in the document when it is written; ``check_index`` recomputes it from the database,
    so an edit that never reached the index is found even when it did not touch ``modified``
    (a paragraph or related link edited inline, a renamed section). Reads the prefetched
    paragraphs and related links of ``Article.objects.for_detail()``.
    """
    section, publication = article.section, article.publication
    payload = [
        article.title,
        article.lead,
        article.dateline,
        article.byline,
        article.source_url,
        article.status,
        article.published_at.isoformat() if article.published_at else None,
        [section.name, section.slug] if section else None,
        [publication.name, publication.slug] if publication else None,
        [[p.position, p.kind, p.text] for p in article.paragraphs.all()],
        [[link.position, link.title, link.target_id] for link in article.related_links.all()],
    ]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=True)
    title = indexes.CharField(model_attr="title")
    section = indexes.CharField(null=True)
    section_name = indexes.CharField(null=True)
    publication = indexes.CharField(null=True)
    publication_name = indexes.CharField(null=True)
    published_at = indexes.DateTimeField(null=True)
    modified = indexes.DateTimeField()
    year = indexes.CharField(null=True)
    source_url = indexes.CharField(model_attr="source_url", null=True)
    # Stored, not searched: what check_index compares with the database (content_digest).
    digest = indexes.CharField(indexed=False)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.published().for_detail()

    def read_queryset(self, using=None):
        return Article.objects.for_listing()

    def get_updated_field(self):
        return "modified"

    def prepare_section(self, obj):
        return obj.section.slug if obj.section_id else None

    def prepare_section_name(self, obj):
        return obj.section.name if obj.section_id else None

    def prepare_publication(self, obj):
        return obj.publication.slug if obj.publication_id else None

    def prepare_publication_name(self, obj):
        return obj.publication.name if obj.publication_id else None

    def prepare_published_at(self, obj):
        return _naive_utc(obj.published_at)

    def prepare_modified(self, obj):
        return _naive_utc(obj.modified)

    def prepare_digest(self, obj):
        return content_digest(obj)

    def prepare_year(self, obj):
        # The archive's year (local time), as the facet shows it.
        return str(timezone.localtime(obj.published_at).year) if obj.published_at else None
