"""/opensearch.xml: a valid OpenSearch 1.1 description pointing at this host's search page and API."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from tests.search import test_views

search_index_dir = test_views.search_index_dir
search_archive = test_views.search_archive
NS = {"os": "http://a9.com/-/spec/opensearch/1.1/", "moz": "http://www.mozilla.org/2006/browser/search/"}


def test_opensearch_description(client, db):
    response = client.get("/opensearch.xml", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/opensearchdescription+xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(response.content)
    assert root.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"
    short_name = root.findtext("os:ShortName", namespaces=NS)
    assert short_name == settings.SITE_NAME[:16] and len(short_name) <= 16
    assert root.findtext("os:InputEncoding", namespaces=NS) == "UTF-8"
    assert root.findtext("os:Language", namespaces=NS) == "ar"
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", NS)}
    assert urls == {
        "text/html": "http://localhost/search/?q={searchTerms}&page={startPage?}",
        "application/json": "http://localhost/api/search/?q={searchTerms}&page={startPage?}",
        "application/opensearchdescription+xml": "http://localhost/opensearch.xml",
    }
    assert root.findtext("moz:SearchForm", namespaces=NS) == "http://localhost/search/"


@pytest.mark.parametrize("name", ["أرشيف <الأخبار> & المقالات"])
def test_site_name_is_escaped(client, db, settings, name):
    settings.SITE_NAME = name
    root = ET.fromstring(client.get("/opensearch.xml", HTTP_HOST="localhost").content)  # parses: escaped
    assert root.findtext("os:Description", namespaces=NS) == f"ابحث في {name}: عناوين المقالات ونصوصها."


def test_the_html_template_answers(client, search_archive):
    # What a browser sends after filling {searchTerms} and {startPage?}.
    response = client.get("/search/?q=%D8%A3%D8%B3%D8%B9%D8%A7%D8%B1&page=1")
    assert response.status_code == 200
    assert response.context["outcome"].count == 2


def test_the_json_template_answers(client, search_archive):
    response = client.get("/api/search/?q=%D8%A3%D8%B3%D8%B9%D8%A7%D8%B1&page=")
    assert response.status_code == 200
    assert response.json()["count"] == 2
