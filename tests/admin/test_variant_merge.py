"""A spelling set that merges two frequent, distinct words: the admin shows each word's document
count (from the real index) and saves only with the explicit confirmation checkbox."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.forms import MERGE_WARNING
from articles.models import VariantSet
from articles.search.query import SearchParams, run_search
from tests.factories import make_article, make_publication, make_section

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_variantset_add")
CHANGELIST = reverse("admin:articles_variantset_changelist")


@pytest.fixture
def archive(index_dir, settings):
    """«السعودية» in 4 articles, «الرياض» in 3, «أستانة» in 3 and «أستانا» in 1; frequent from 3."""
    settings.NEWSARCHIVE_VARIANT_FREQUENT_DOCUMENTS = 3
    section, publication = make_section(), make_publication()
    bodies = ["تقرير عن السعودية"] * 4 + ["خبر من الرياض"] * 3 + ["لقاء في أستانة"] * 3 + ["وصل إلى أستانا"]
    for i, body in enumerate(bodies):
        make_article(title=f"مقال {i}", paragraphs=[body], section=section, publication=publication)
    VariantSet.objects.create(canonical="غوغل", variants="جوجل")  # the table decides, not the shipped sets
    call_command("build_index", procs=1, verbosity=0)


def form(**fields) -> dict:
    return {"canonical": "السعودية", "variants": "الرياض", "note": "", "is_active": "on", "_save": "احفظ", **fields}


def test_merging_two_frequent_words_shows_the_counts_and_needs_confirmation(superuser_client, archive):
    response = superuser_client.post(ADD, form())
    assert response.status_code == 200  # the form again, nothing saved
    assert not VariantSet.objects.filter(canonical="السعودية").exists()
    expected = MERGE_WARNING.format(counts="«السعودية» (عدد المقالات: 4)، «الرياض» (عدد المقالات: 3)")
    assert response.context["adminform"].form.non_field_errors() == [expected]
    html = response.content.decode()
    assert "«السعودية» (عدد المقالات: 4)، «الرياض» (عدد المقالات: 3)" in html
    assert 'name="confirm_merge"' in html
    assert run_search(SearchParams(q="السعودية")).count == 4  # search unchanged

    response = superuser_client.post(ADD, form(confirm_merge="on"))
    assert response.status_code == 302 and response.url == CHANGELIST
    assert VariantSet.objects.get(canonical="السعودية").spellings == ["السعودية", "الرياض"]


def test_spellings_of_one_word_save_without_confirmation(superuser_client, archive):
    # أستانا has one document: only one frequent word in the set.
    response = superuser_client.post(ADD, form(canonical="أستانة", variants="أستانا\nآستانة"))
    assert response.status_code == 302
    assert VariantSet.objects.filter(canonical="أستانة").exists()


def test_an_inactive_set_or_a_rare_word_needs_no_confirmation(superuser_client, archive, settings):
    response = superuser_client.post(ADD, {**form(), "is_active": ""})
    assert response.status_code == 302
    settings.NEWSARCHIVE_VARIANT_FREQUENT_DOCUMENTS = 4  # الرياض (3) is no longer frequent
    row = VariantSet.objects.get(canonical="السعودية")
    response = superuser_client.post(reverse("admin:articles_variantset_change", args=[row.pk]), form())
    assert response.status_code == 302
    assert VariantSet.objects.get(pk=row.pk).is_active
