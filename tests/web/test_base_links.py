"""The base template announces the feeds and the OpenSearch description to browsers."""

import pytest


@pytest.mark.django_db
def test_every_page_links_the_opensearch_description(client):
    html = client.get("/").content.decode()
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" title="أرشيف الأخبار" href="/opensearch.xml">'
        in html
    )
    description = client.get("/opensearch.xml")
    assert description.status_code == 200
    assert description["Content-Type"].startswith("application/opensearchdescription+xml")
