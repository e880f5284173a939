"""The fuzzing of test_fuzz.py, on the search path of other engines (portable.run_search, haystack's
query translation and escaping) over the same Arabic index: never a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import given

from articles.search import api, portable, views
from tests.security.test_fuzz import FUZZ, PARAMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def portable_path(monkeypatch):
    # The views call run_search by name; routing them to the portable path is what
    # NEWSARCHIVE_SEARCH_URL=elasticsearch://... does, with the Arabic index as the engine.
    monkeypatch.setattr(views, "run_search", portable.run_search)
    monkeypatch.setattr(api, "run_search", portable.run_search)


@FUZZ
@given(params=PARAMS)
def test_search_page_and_api_never_fail_on_the_portable_path(client, archive, portable_path, params):
    for path in ("/search/", "/api/search/"):
        response = client.get(path, params)
        assert response.status_code in (200, 400, 404), (path, params, response.status_code)


def test_the_portable_path_is_the_one_answering(client, archive, portable_path, monkeypatch):
    calls = []
    real = portable.run_search
    monkeypatch.setattr(views, "run_search", lambda params: calls.append(params) or real(params))
    assert client.get("/search/", {"q": "أستانا"}).status_code == 200
    assert [p.q for p in calls] == ["أستانا"]
