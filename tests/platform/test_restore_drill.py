"""Restore drill: import a sample, export, wipe the database, import the export: the archive is the same.

"The same" as a reader sees it: the same rows (counted by table), the same pages (HTML with
article ids replaced by their source URL, since a restore gives new ids, and CSRF tokens removed),
and the same search result counts after the index is rebuilt. This is the backup/restore procedure
of docs/operations.md, run end to end on real corpus records.
"""

from __future__ import annotations

import difflib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, Section

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

QUERIES = ["السعودية", "وزير الخارجية", "أمريكا", "النفط", "الرياض"]
ARTICLE_URL = re.compile(r"/(?:\d{4}/\d{1,2}/\d{1,2}|a)/(\d+)/")
# templates/articles/home.html anchors each section block by id: a restore renumbers sections too.
SECTION_ANCHOR = re.compile(r'(id="|aria-labelledby="|#)section-(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
# The citation key (BibTeX, RIS) names the article by id, as its permalink does.
CITATION_KEY = re.compile(r"newsarchive(\d+)-")
# The permalink inside share links, URL-encoded.
ENCODED_ARTICLE_URL = re.compile(r"%2F(?:\d{4}%2F\d{1,2}%2F\d{1,2}|a)%2F(\d+)%2F")


def stable_keys() -> dict[str, str]:
    return {str(pk): key for pk, key in Article.objects.values_list("pk", "source_url")} | {
        str(pk): f"hash:{key}" for pk, key in Article.objects.filter(source_url=None).values_list("pk", "content_hash")
    }


def with_key(match: re.Match, keys: dict[str, str]) -> str:
    """The article URL with its id replaced by the article's stable key."""
    start, end = match.start(1) - match.start(0), match.end(1) - match.start(0)
    text = match.group(0)
    return text[:start] + keys[match.group(1)] + text[end:]


def snapshot() -> dict:
    client = Client()
    keys = stable_keys()
    sections = dict(Section.objects.values_list("pk", "slug"))
    articles = list(Article.objects.published().latest_first()[:4])
    urls = [
        reverse("articles:home"),
        reverse("articles:archive"),
        *[a.get_absolute_url() for a in articles],
        *[s.get_absolute_url() for s in Section.objects.filter(articles__isnull=False).distinct()[:2]],
        *[p.get_absolute_url() for p in Publication.objects.filter(articles__isnull=False).distinct()[:2]],
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = CSRF.sub("", response.content.decode())
        html = ARTICLE_URL.sub(lambda m: with_key(m, keys), html)
        html = CITATION_KEY.sub(lambda m: with_key(m, keys), html)
        html = ENCODED_ARTICLE_URL.sub(lambda m: with_key(m, keys), html)
        html = SECTION_ANCHOR.sub(lambda m: f'{m.group(1)}section-{sections[int(m.group(2))]}"', html)
        pages[ARTICLE_URL.sub(lambda m: with_key(m, keys), url)] = html
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (Article, Paragraph, RelatedLink, Section, Publication, Brief)
        },
        "linked": RelatedLink.objects.filter(target__isnull=False).count(),
        "pages": pages,
        "search": search_counts(),
    }


def search_counts() -> dict[str, int]:
    from articles.search.query import SearchParams, run_search

    call_command("build_index", procs=1, verbosity=0)
    return {q: run_search(SearchParams(q=q)).count for q in QUERIES}


def test_export_wipe_import_gives_the_same_archive(tmp_path, corpus_dir, seed_main):
    call_command("import_articles", str(seed_main), verbosity=0)
    call_command("import_articles", str(corpus_dir), sample=80, verbosity=0)
    before = snapshot()
    assert before["counts"]["Article"] >= 60
    assert sum(before["search"].values()) > 0

    backup = tmp_path / "archive.jsonl"
    call_command("export_articles", str(backup), verbosity=0)

    Article.objects.all().delete()
    Section.objects.all().delete()
    Publication.objects.all().delete()
    Brief.objects.all().delete()
    assert Paragraph.objects.count() == RelatedLink.objects.count() == 0

    out = StringIO()
    call_command("import_articles", str(backup), stdout=out, verbosity=1)
    after = snapshot()

    assert after["counts"] == before["counts"]
    assert after["linked"] == before["linked"]
    assert after["search"] == before["search"]
    assert after["pages"].keys() == before["pages"].keys()
    for url, html in before["pages"].items():
        diff = difflib.unified_diff(html.splitlines(), after["pages"][url].splitlines(), lineterm="", n=0)
        assert after["pages"][url] == html, f"{url}:\n" + "\n".join(list(diff)[:20])

    again = tmp_path / "again.jsonl"
    call_command("export_articles", str(again), verbosity=0)
    assert again.read_bytes() == backup.read_bytes()
