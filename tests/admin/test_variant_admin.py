"""Spelling sets in the admin: after an edit the editor is told it reaches search only after a rebuild,
and the changelist says whether the live index (a real one, ``index_dir``) was built with the sets as they are."""

import pytest
from django.contrib import messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from articles.admin import REBUILD_WARNING, UNCHANGED_NOTE
from articles.models import VariantSet
from articles.search import lifecycle
from articles.search.starter_variants import STARTER_VARIANTS

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_variantset_changelist")
ADD = reverse("admin:articles_variantset_add")

STALE_END = "تُطبَّق التعديلات على البحث بعد إعادة بناء الفهرس (manage.py build_index)."


def built_at() -> str:
    """When the live index was built, as the admin shows it: "25 نوفمبر، 2026 2:27 ص" (local time)."""
    built = timezone.localtime(lifecycle.live_variant_status().built_at)
    with translation.override("ar"):
        return f"{formats.date_format(built, 'j F، Y')} {formats.date_format(built, 'g:i A')}"


def ours(response) -> list[tuple[int, str]]:
    """The messages this feature adds (Django's own "added successfully" ones left out)."""
    return [
        (m.level, m.message) for m in response.context["messages"] if m.message in (REBUILD_WARNING, UNCHANGED_NOTE)
    ]


def index_status(html: str) -> str:
    """The status line of the changelist: '<li class="LEVEL">TEXT</li>' of ul#index-status."""
    start = html.index('<ul class="messagelist" id="index-status">')
    return html[start : html.index("</ul>", start)].split(">", 1)[1].strip()


@pytest.fixture
def built(index_dir):
    """Two sets, and an index built with them."""
    VariantSet.objects.create(canonical="غوغل", variants="جوجل")
    VariantSet.objects.create(canonical="ترامب", variants="ترمب")
    call_command("build_index", procs=1, verbosity=0)
    return index_dir


def form(**fields) -> dict:
    return {"canonical": "بوتين", "variants": "بوتن", "note": "", "is_active": "on", "_save": "احفظ", **fields}


def test_adding_a_set_warns_and_the_changelist_shows_the_index_is_stale(editor_client, built):
    response = editor_client.post(ADD, form(), follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert ours(response) == [(messages.WARNING, REBUILD_WARNING)]
    assert REBUILD_WARNING.startswith("تُطبَّق تعديلات صيغ الكتابة على البحث بعد إعادة بناء الفهرس.")
    assert index_status(response.content.decode()) == (
        '<li class="warning">فهرس البحث لا يطابق صيغ الكتابة الحالية: تغيّرت المجموعات منذ بنائه في '
        f"{built_at()} (مجموعات أضيفت: 1). {STALE_END}</li>"
    )


def test_the_changelist_shows_an_index_built_with_the_current_sets(superuser_client, built):
    html = superuser_client.get(CHANGELIST).content.decode()
    assert (
        index_status(html) == f'<li class="success">فهرس البحث مطابق لصيغ الكتابة الحالية (بُني في {built_at()}).</li>'
    )


def test_an_edit_search_does_not_use_says_no_rebuild_is_needed(superuser_client, built):
    row = VariantSet.objects.get(canonical="غوغل")
    change = reverse("admin:articles_variantset_change", args=[row.pk])
    response = superuser_client.post(change, form(canonical="غوغل", variants="جوجل", note="شركة"), follow=True)
    assert ours(response) == [(messages.INFO, UNCHANGED_NOTE)]
    assert VariantSet.objects.get(pk=row.pk).note == "شركة"
    assert index_status(response.content.decode()).startswith('<li class="success">')

    response = superuser_client.post(change, form(canonical="غوغل", variants="جوجل\nقوقل"), follow=True)
    assert ours(response) == [(messages.WARNING, REBUILD_WARNING)]
    assert f"في {built_at()} (عُدّلت: 1). {STALE_END}" in index_status(response.content.decode())


def test_deleting_warns_once_per_request(superuser_client, built):
    google, trump = VariantSet.objects.order_by("canonical")
    response = superuser_client.post(
        reverse("admin:articles_variantset_delete", args=[google.pk]), {"post": "yes"}, follow=True
    )
    assert ours(response) == [(messages.WARNING, REBUILD_WARNING)]
    VariantSet.objects.create(canonical="بوتين", variants="بوتن")
    response = superuser_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [trump.pk, VariantSet.objects.get(canonical="بوتين").pk]},
    )
    assert response.status_code == 200  # the confirmation page
    response = superuser_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": list(VariantSet.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert not VariantSet.objects.exists()
    assert ours(response) == [(messages.WARNING, REBUILD_WARNING)]
    # No rows at all: the shipped sets apply again; the index has the editors' two, غوغل without قوقل.
    # Expected counts from the shipped list itself: every shipped set but those two is added, and of
    # the two, those whose shipped spellings differ from the editors' are changed.
    shipped = {spellings[0]: spellings for spellings, _note in STARTER_VARIANTS}
    editors = {"غوغل": ["غوغل", "جوجل"], "ترامب": ["ترامب", "ترمب"]}
    assert set(editors) <= set(shipped)
    added = len(set(shipped) - set(editors))
    changed = sum(1 for canonical, spellings in editors.items() if shipped[canonical] != spellings)
    assert changed == 1  # غوغل gains قوقل; ترامب is shipped as the editors wrote it
    assert f"في {built_at()} (مجموعات أضيفت: {added}، عُدّلت: {changed}). {STALE_END}" in index_status(
        response.content.decode()
    )


def test_toggling_sets_in_the_list_warns_once(superuser_client, built):
    google, trump = VariantSet.objects.order_by("canonical")
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(google.pk),
        "form-1-id": str(trump.pk),
        "_save": "احفظ",
    }  # both is_active unchecked
    response = superuser_client.post(CHANGELIST, data, follow=True)
    assert list(VariantSet.objects.filter(is_active=True)) == []
    assert ours(response) == [(messages.WARNING, REBUILD_WARNING)]
    assert f"(حُذفت أو عُطّلت: 2). {STALE_END}" in index_status(response.content.decode())


def test_changelist_without_an_index_or_without_build_info(superuser_client, index_dir):
    VariantSet.objects.create(canonical="غوغل", variants="جوجل")
    html = superuser_client.get(CHANGELIST).content.decode()
    assert index_status(html) == '<li class="warning">لا يوجد فهرس بحث بعد؛ يُبنى بالأمر manage.py build_index.</li>'

    call_command("build_index", procs=1, verbosity=0)
    (index_dir / lifecycle.BUILD_INFO).unlink()  # an index built by an older release
    html = superuser_client.get(CHANGELIST).content.decode()
    assert index_status(html) == (
        '<li class="warning">لا يُعرف بأي صيغ كتابة بُني فهرس البحث (بُني قبل أن يُسجَّل ذلك). '
        "بعد إعادة بنائه (manage.py build_index) تظهر هنا مطابقته للصيغ.</li>"
    )
    response = superuser_client.post(ADD, form(), follow=True)
    assert ours(response) == [(messages.WARNING, REBUILD_WARNING)]
