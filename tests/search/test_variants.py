"""VariantSet rows -> folded variant map, cached per process and reloaded when the database's revision
of the sets moves (whoever changed them); the shipped sets."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import VariantSet, VariantSetsRevision
from articles.search import analysis
from articles.search.starter_variants import STARTER_VARIANTS
from articles.search.variants import (
    VariantChanges,
    diff_variant_maps,
    get_variant_map,
    invalidate,
    variant_fingerprint,
    variant_sets,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    invalidate()
    yield
    invalidate()


def test_map_from_rows_is_cached_and_reloaded_when_the_revision_moves(django_assert_num_queries):
    row = VariantSet.objects.create(canonical="أستانا", variants="أستانة\nآستانة")
    VariantSet.objects.create(canonical="ترامب", variants="ترمب", is_active=False)
    with django_assert_num_queries(2):  # the revision, then the rows
        first = get_variant_map()
    with django_assert_num_queries(1):  # the revision only
        assert get_variant_map() is first
    assert dict(first) == {"استانا": "استانا", "استانه": "استانا"}

    row.variants = "أستانة\nآستانة\nاستانة"
    row.save()
    assert get_variant_map() is not first

    VariantSet.objects.filter(canonical="ترامب").update(is_active=True)  # no post_save: the queryset bumps
    assert get_variant_map()["ترمب"] == "ترامب"

    row.delete()
    assert "استانه" not in get_variant_map()


def test_a_change_made_by_another_process_is_seen_at_the_next_lookup():
    """What another gunicorn worker's edit looks like from here: new rows and a raised revision in
    the database, no signal in this process. The next lookup uses them; without the revision the
    cached map would stay (that is what makes every worker agree at once, not after a timeout)."""
    VariantSet.objects.create(canonical="أستانا", variants="أستانة")
    before = get_variant_map()
    assert "ترمب" not in before
    table, revisions = VariantSet._meta.db_table, VariantSetsRevision._meta.db_table
    with connection.cursor() as cursor:  # behind this process's back, as SQL from another process
        cursor.execute(
            f"INSERT INTO {table} (canonical, variants, note, is_active, modified) VALUES (%s, %s, '', %s, %s)",
            ["ترامب", "ترمب", True, "2026-01-01 00:00:00"],
        )
    assert get_variant_map() is before  # same revision: the cached map, no reload
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {revisions} SET number = number + 1 WHERE id = 1")
    assert get_variant_map()["ترمب"] == "ترامب"
    assert get_variant_map()["استانه"] == "استانا"


def test_shipped_sets_apply_until_the_table_has_a_row():
    fresh = get_variant_map()  # load_variants never run
    assert fresh["اميركي"] == "امريكي" and fresh["سوريه"] == "سوريا" and fresh["غوغل"] == "غوغل"
    assert len({v for v in fresh.values()}) == len(STARTER_VARIANTS)
    VariantSet.objects.create(canonical="ترامب", variants="ترمب", is_active=False)
    assert dict(get_variant_map()) == {}  # the editors' table decides, even with only an inactive row


def test_starter_sets_are_spellings_that_fold_apart():
    seen = set()
    for spellings, _note in STARTER_VARIANTS:
        forms = [analysis.normalize(s) for s in spellings]
        # a set is only useful if normalization alone does not already fold it
        assert len(set(forms)) >= 2, spellings
        assert not seen & set(forms), spellings  # no spelling in two sets
        seen.update(forms)
    assert ["أستانا", "أستانة", "آستانة"] in [s for s, _ in STARTER_VARIANTS]


def test_load_variants_is_idempotent_and_keeps_editors_additions(capsys):
    call_command("load_variants")
    assert f"{len(STARTER_VARIANTS)} created, 0 updated" in capsys.readouterr().out
    row = VariantSet.objects.get(canonical="سوريا")
    row.variants += "\nسوريه"
    row.save()
    VariantSet.objects.filter(canonical="ترامب").update(variants="")
    call_command("load_variants")
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert VariantSet.objects.get(canonical="سوريا").spellings == ["سوريا", "سورية", "سوريه"]
    assert VariantSet.objects.get(canonical="ترامب").spellings == ["ترامب", "ترمب"]
    assert get_variant_map()["ترمب"] == "ترامب"


# --- Fingerprint and comparison of maps (pure: no database) ------------------------------------

ASTANA = [["أستانا", "أستانة", "آستانة"]]


def test_fingerprint_is_sha256_of_the_sorted_pairs():
    mapping = analysis.build_variant_map(ASTANA)
    assert dict(mapping) == {"استانا": "استانا", "استانه": "استانا"}
    # sha256 of '[["استانا","استانا"],["استانه","استانا"]]' in UTF-8
    assert variant_fingerprint(mapping) == "acb639951329cb423758ec021fb7ca6d30ee59bffc2cde8016a8ba465612b9bf"
    assert variant_fingerprint({}) == "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"  # of "[]"


def test_fingerprint_ignores_order_and_sees_every_pair():
    one = analysis.build_variant_map([["ترامب", "ترمب"], *ASTANA])
    other = analysis.build_variant_map([*ASTANA, ["ترامب", "ترمب"]])
    assert one is not other and dict(one) == dict(other)
    assert variant_fingerprint(one) == variant_fingerprint(other)
    assert variant_fingerprint(dict(reversed(list(one.items())))) == variant_fingerprint(one)
    # A different canonical, an extra spelling, a dropped set: each changes it.
    fingerprints = {
        variant_fingerprint(one),
        variant_fingerprint(analysis.build_variant_map([["ترمب", "ترامب"], *ASTANA])),
        variant_fingerprint(analysis.build_variant_map([["ترامب", "ترمب", "ترانب"], *ASTANA])),
        variant_fingerprint(analysis.build_variant_map(ASTANA)),
    }
    assert len(fingerprints) == 4


def test_diff_names_sets_by_folded_canonical():
    old = analysis.build_variant_map([["غوغل", "جوجل"], ["ترامب", "ترمب"], ["سوريا", "سورية"]])
    new = analysis.build_variant_map([["غوغل", "جوجل", "قوقل"], ["سوريا", "سورية"], ["بوتين", "بوتن"]])
    assert variant_sets(old)["غوغل"] == frozenset({"غوغل", "جوجل"})
    assert diff_variant_maps(old, new) == VariantChanges(added=("بوتين",), removed=("ترامب",), changed=("غوغل",))
    assert not diff_variant_maps(old, dict(old))
    assert diff_variant_maps({}, analysis.build_variant_map(ASTANA)) == VariantChanges(added=("استانا",))
