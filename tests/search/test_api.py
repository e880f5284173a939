"""JSON API: exact response shapes, filters, and JSON errors (never a 500) for every bad input."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from haystack import connections

from articles.models import Article
from tests.factories import make_article, make_related
from tests.search import test_views
from tests.search.test_views import aware

# The index fixtures live with the view tests; bound here so pytest finds them for this module too.
search_index_dir = test_views.search_index_dir
search_archive = test_views.search_archive

pytestmark = pytest.mark.django_db

DATE_MSG = "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21."
ORDER_MSG = "تاريخ البداية بعد تاريخ النهاية."
OUTCOME_KEYS = [
    "count",
    "page",
    "page_size",
    "results",
    "facets",
    "suggestion",
    "fallback",
    "all_words_count",
    "corrected_query",
    "completions",
    "dropped_words",
    "partial",
    "truncated",
]
HIT_KEYS = ["id", "url", "source_url", "title", "section", "publication", "published_at", "snippet", "score"]


def api(client, **params):
    return client.get("/api/search/", params)


def test_search_response_shape_is_exact(client, search_archive, month_facet):
    astana = search_archive["astana"]
    response = api(client, q="وزراء الخارجية")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "\\u" not in response.content.decode()  # Arabic as UTF-8, not escapes
    data = response.json()
    assert list(data) == OUTCOME_KEYS
    (hit,) = data["results"]
    assert list(hit) == HIT_KEYS
    score = hit.pop("score")
    assert isinstance(score, float) and score > 0
    assert hit == {
        "id": astana.pk,
        "url": f"/2015/7/21/{astana.pk}/",
        "source_url": "https://example.com/astana",
        "title": "لقاء وزراء الخارجية في أستانة",
        "section": {"slug": "politics", "name": "سياسة"},
        "publication": {"slug": "alriyadh", "name": "الرياض"},
        "published_at": "2015-07-21T10:00:00+03:00",
        "snippet": "اجتمع <mark>وزراء</mark> <mark>الخارجية</mark> في العاصمة الكازاخستانية لبحث الأزمة السورية.",
    }
    assert {k: v for k, v in data.items() if k != "results"} == {
        "count": 1,
        "page": 1,
        "page_size": 20,
        "facets": {
            "section": [{"slug": "politics", "name": "سياسة", "count": 1}],
            "publication": [{"slug": "alriyadh", "name": "الرياض", "count": 1}],
            "year": [{"year": 2015, "count": 1}],
            "month": [{"month": "2015-07", "count": 1}],
        },
        "suggestion": None,
        "fallback": False,
        "all_words_count": 1,
        "corrected_query": None,
        "completions": {},
        "dropped_words": [],
        "partial": False,
        "truncated": False,
    }


def test_fallback_and_suggestion_flags(client, search_archive):
    data = api(client, q="النفط الهلال").json()
    assert (data["count"], data["fallback"], data["suggestion"]) == (2, True, None)
    data = api(client, q="الخارجبة").json()
    assert (data["count"], data["fallback"], data["corrected_query"]) == (1, False, "الخارجية")
    data = api(client, q="الخارجبة", spell="0").json()
    assert (data["count"], data["corrected_query"], data["suggestion"]) == (0, None, "الخارجية")


def test_long_queries_are_answered_not_refused(client, search_archive):
    data = api(client, q="أسعار النفط " + " ".join(["كلمة"] * 300)).json()
    assert data["results"][0]["title"] == "أسعار النفط ترتفع في الأسواق"
    assert data["dropped_words"][:1] == ["كلمة"]


def test_filters_sort_and_paging(client, search_archive):
    oil, match = search_archive["oil"].pk, search_archive["match"].pk

    def ids(**params):
        return [r["id"] for r in api(client, q="أسعار", **params).json()["results"]]

    assert ids(section="economy") == [oil]
    assert ids(publication="alriyadh") == [match]
    assert ids(date_from="2015-01-01", date_to="2015-12-31") == [match]
    assert ids(sort="oldest") == [oil, match]
    assert ids(sort="newest") == [match, oil]
    assert ids(sort="newest", page_size="1") == [match]
    assert ids(sort="newest", page_size="1", page="2") == [oil]
    data = api(client, q="أسعار", page_size="1", page="2").json()
    assert (data["count"], data["page"], data["page_size"]) == (2, 2, 1)


def test_page_past_the_end_is_404_json(client, search_archive):
    response = api(client, q="أسعار", page="3")
    assert response.status_code == 404
    assert response.json() == {"error": "لا توجد صفحة بهذا الرقم في نتائج البحث.", "field": "page"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "اكتب كلمة أو عبارة للبحث."),
        ({"q": "  "}, "q", "اكتب كلمة أو عبارة للبحث."),
        ({"q": "نفط", "page": "0"}, "page", "رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا."),
        ({"q": "نفط", "page": "-2"}, "page", "رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا."),
        ({"q": "نفط", "page": "abc"}, "page", "رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا."),
        ({"q": "نفط", "page": "1\x00"}, "page", "رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا."),
        ({"q": "نفط", "page": "2" * 400}, "page", "رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا."),
        ({"q": "نفط", "page_size": "0"}, "page_size", "عدد النتائج في الصفحة يجب أن يكون بين 1 و50."),
        ({"q": "نفط", "page_size": "51"}, "page_size", "عدد النتائج في الصفحة يجب أن يكون بين 1 و50."),
        ({"q": "نفط", "page_size": "ten"}, "page_size", "عدد النتائج في الصفحة يجب أن يكون بين 1 و50."),
        ({"q": "نفط", "section": "no-such"}, "section", "القسم المطلوب غير موجود."),
        ({"q": "نفط", "section": "<script>"}, "section", "القسم المطلوب غير موجود."),
        ({"q": "نفط", "publication": "no-such"}, "publication", "المصدر المطلوب غير موجود."),
        ({"q": "نفط", "date_from": "2015-13-01"}, "date_from", DATE_MSG),
        ({"q": "نفط", "date_to": "٢٠١٥-٠٧-٢١"}, "date_to", DATE_MSG),
        ({"q": "نفط", "date_from": "0001-01-01"}, "date_from", "التاريخ خارج النطاق المسموح (من 1900 إلى 2100)."),
        ({"q": "نفط", "date_from": "2015-08-01", "date_to": "2015-07-01"}, "date_to", ORDER_MSG),
        ({"q": "نفط", "sort": "score"}, "sort", "طريقة الترتيب غير معروفة: اختر الأكثر صلة أو الأحدث أو الأقدم."),
    ],
)  # fmt: skip
def test_bad_parameters_are_400_json_with_the_field(client, search_archive, params, field, message):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": message, "field": field}


@pytest.mark.parametrize(
    "q",
    ['"أسعار', 'أسعار"', '""', "AND", "OR", "NOT", "-", "- -", "*", "?", "أسعار*", "title:x", "section:gulf",
     "django_ct:auth.user", "[a TO z]", "{1 TO 9}", "(أسعار", "أسعار~", "أسعار^3", "\\", "أسعار\x00النفط", "\x00",
     "😀", "👨‍👩‍👧 أسعار", "\u202eأسعار", "\u2066\u2069", "\ufeff", "ـــ", "َ", "ﻻ", "%00", "<script>"],
)  # fmt: skip
def test_query_syntax_gives_json_never_500(client, search_archive, q):
    response = api(client, q=q)
    assert response.status_code in (200, 400)
    data = response.json()
    if response.status_code == 400:
        assert set(data) == {"error", "field"} and data["field"] == "q"
    else:
        assert list(data) == OUTCOME_KEYS


def test_unavailable_index_is_503_json(client, db, search_index_dir):
    search_index_dir.mkdir(parents=True)
    (search_index_dir / "_MAIN_1.toc").write_bytes(b"not a whoosh index")
    connections.reload("default")
    response = api(client, q="أسعار")
    assert response.status_code == 503
    assert response.json() == {
        "error": "البحث غير متاح الآن بسبب عطل مؤقت في فهرس البحث. حاول مرة أخرى بعد قليل.",
        "field": None,
    }


def test_article_endpoint_returns_every_field(client, search_archive):
    oil, astana, draft = search_archive["oil"], search_archive["astana"], search_archive["draft"]
    article = make_article(
        title="تحليل: النفط والسياسة",
        section=oil.section,
        publication=oil.publication,
        dateline="الرياض",
        byline="محمد العلي",
        lead="ملخص التحليل.",
        published_at=aware(2015, 7, 22, 8, 30),
        updated_at=aware(2015, 7, 22, 12, 0),
        source_url="https://example.com/analysis",
        paragraphs=["الفقرة الأولى.", "عنوان فرعي", "الفقرة الثانية."],
        crossheads={1},
    )
    make_related(article, "لقاء وزراء الخارجية في أستانة", target=astana, position=0)
    make_related(article, "مقال لم يصل إلى الأرشيف", position=1)
    make_related(article, draft.title, target=draft, position=2)
    response = client.get(f"/api/articles/{article.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "id": article.pk,
        "title": "تحليل: النفط والسياسة",
        "section": {"slug": "economy", "name": "اقتصاد"},
        "publication": {"slug": "okaz", "name": "عكاظ"},
        "dateline": "الرياض",
        "byline": "محمد العلي",
        "published_at": "2015-07-22T08:30:00+03:00",
        "updated_at": "2015-07-22T12:00:00+03:00",
        "lead": "ملخص التحليل.",
        "paragraphs": [
            {"kind": "p", "text": "الفقرة الأولى."},
            {"kind": "h", "text": "عنوان فرعي"},
            {"kind": "p", "text": "الفقرة الثانية."},
        ],
        "related": [
            {"title": "لقاء وزراء الخارجية في أستانة", "id": astana.pk},
            {"title": "مقال لم يصل إلى الأرشيف", "id": None},
            {"title": draft.title, "id": None},  # a draft is not exposed through a link either
        ],
        "url": f"/2015/7/22/{article.pk}/",
        "source_url": "https://example.com/analysis",
    }


def test_article_without_section_or_publication(client, db):
    article = make_article(section=None, publication=None, source_url=None)
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert (data["section"], data["publication"], data["source_url"]) == (None, None, None)


def test_unknown_draft_or_future_article_is_404_json(client, search_archive):
    future = make_article(published_at=aware(2099, 1, 1, 0, 0))
    for pk in (search_archive["draft"].pk, future.pk, 999_999):
        response = client.get(f"/api/articles/{pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"error": "المقال غير موجود أو غير منشور.", "field": None}
    assert Article.objects.filter(pk=search_archive["draft"].pk).exists()


def test_unpublished_articles_never_appear_in_search(client, search_archive):
    draft = search_archive["draft"]
    ids = [r["id"] for r in api(client, q="مسودة").json()["results"]]
    assert draft.pk not in ids
    draft.status = Article.Status.PUBLISHED
    draft.published_at = aware(2015, 7, 25, 8, 0)
    draft.save()
    call_command("rebuild_index", interactive=False, verbosity=0)
    connections.reload("default")
    assert [r["id"] for r in api(client, q="مسودة").json()["results"]] == [draft.pk]
