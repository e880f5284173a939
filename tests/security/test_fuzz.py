"""Property tests: whatever a client sends, the search page, the API and the browse pages never fail (5xx).
Any exception in a view fails the test (the test client re-raises it)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Query syntax of Whoosh/haystack and other things that break naive query parsers.
TOKENS = [
    '"',
    "'",
    "AND",
    "OR",
    "NOT",
    "and",
    "*",
    "?",
    "~",
    "~2",
    "^3",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "\\",
    "/",
    "-",
    "+",
    "!",
    "&&",
    "||",
    "title:x",
    "text:أستانا",
    "section:gulf",
    "django_ct:auth.user",
    "id:1",
    "[a TO z]",
    "{1 TO 9}",
    "أستانا*",
    "*ستان",
    "??",
    "%",
    "%00",
    "\x00",
    "\u202e",
    "\u200f",
    "\u2066",
    "\ufeff",
    "\u0640",
    "😀",
    "👨‍👩‍👧",
    "ﻻ",
    "َ",
    "أستانا",
    "والاستانه",
    "وزير",
    "<script>",
    "&amp;",
    "\n",
    "\t",
    " ",
]
QUERY = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    st.text(min_size=257, max_size=3000),
    st.integers(min_value=20, max_value=200).map(lambda n: " ".join(["أستانا"] * n)),
)
NUMBERISH = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "0", "-1", "1.5", "1e9", "NaN", "inf", "٣", "last", "2" * 400, "1\x00"]),
    st.text(max_size=10),
)
DATEISH = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "2015-02-30", "2015-13-01", "0000-01-01", "9999-12-31", "99999-01-01", "2015/07/21", "٢٠١٥"]),
    st.text(max_size=12),
)
PARAMS = st.fixed_dictionaries(
    {"q": QUERY},
    optional={
        "page": NUMBERISH,
        "section": st.one_of(st.sampled_from(["gulf", "no-such", ""]), st.text(max_size=20)),
        "publication": st.one_of(st.sampled_from(["no-such", ""]), st.text(max_size=20)),
        "date_from": DATEISH,
        "date_to": DATEISH,
        "sort": st.one_of(st.sampled_from(["relevance", "newest", "oldest", "", "-id", "score"]), st.text(max_size=8)),
    },
)
FUZZ = settings(
    max_examples=120,
    # No time limit here: how fast a hostile query is answered is measured in benchmarks/, not asserted.
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(params=PARAMS)
def test_search_page_never_fails(client, archive, params):
    response = client.get("/search/", params)
    assert response.status_code in (200, 400, 404), (params, response.status_code)


@FUZZ
@given(params=PARAMS)
def test_search_api_never_fails(client, archive, params):
    response = client.get("/api/search/", params)
    assert response.status_code in (200, 400, 404), (params, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    response.json()  # always a JSON body, errors included


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=NUMBERISH)
def test_browse_pagination_never_fails(client, archive, page):
    for path in ("/section/gulf/", "/archive/", "/2015/", "/2015/7/", "/2015/7/21/"):
        response = client.get(path, {"page": page})
        assert response.status_code in (200, 404), (path, page, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/section/no-such-section/",
        "/section/%D9%82%D8%B3%D9%85/",
        "/publication/no-such/",
        "/feeds/section/no-such/rss/",
        "/2015/13/",
        "/2015/0/",
        "/2015/2/30/",
        "/2015/7/32/",
        "/0/1/1/",
        "/99999/",
        "/99999/1/1/",
        "/10000/12/31/",
        "/2015/7/21/999999/",
        "/a/999999/",
        "/api/articles/999999/",
        "/2015/7/22/1/",  # wrong date for an existing article
    ],
)
def test_unknown_things_are_404_not_500(client, archive, path):
    if path == "/2015/7/22/1/":
        path = f"/2015/7/22/{archive['ordinary'][0].pk}/"
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"q": "أستانا", "date_from": "2016-01-01", "date_to": "2015-01-01"},  # reversed range
        {"q": "أستانا", "date_from": "2015-02-30"},
        {"q": "أستانا", "date_to": "99999-01-01"},
        {"q": "أستانا", "section": "no-such-section"},
        {"q": "أستانا", "page": "-1"},
        {"q": "أستانا", "page": "99999999999999999999999"},
        {"q": "أستانا", "page": "abc"},
    ],
)
def test_bad_parameters_get_a_client_error_or_a_message(client, archive, params):
    page = client.get("/search/", params)
    api = client.get("/api/search/", params)
    assert page.status_code in (200, 400, 404)
    assert api.status_code in (200, 400, 404)
    if page.status_code == 200:
        # Not silently ignored: the page says what was wrong, in Arabic, and shows no results for it.
        assert page.context["form"].errors, params


def test_hypothesis_is_derandomized_under_ci():
    """tests/conftest.py: under CI the same examples every run (no database); locally, exploration."""
    active = settings()
    assert active.derandomize is bool(os.environ.get("CI"))
    assert (active.database is None) is bool(os.environ.get("CI"))
