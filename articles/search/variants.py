"""The folded variant -> canonical map from the editors' VariantSet rows (the shipped sets while there are none).

Search canonicalises every spelling of a set to the first one, at index and at query time, so
any spelling finds all of them and phrases stay intact. Changing sets changes how documents are
indexed: run ``manage.py build_index`` after editing them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F

from articles.search.analysis import VariantMap, build_variant_map

_lock = threading.Lock()
_cached: VariantMap | None = None
_cached_revision: int | None = None
_pinned: VariantMap | None = None


def current_revision() -> int:
    """The sets' revision in the database (``VariantSetsRevision``): one primary-key read."""
    from articles.models import VariantSetsRevision

    return VariantSetsRevision.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def bump_revision(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the revision, in the caller's transaction: every process reloads once it commits."""
    from articles.models import VariantSetsRevision

    rows = VariantSetsRevision.objects.using(using)
    if not rows.filter(pk=1).update(number=F("number") + 1):
        rows.bulk_create([VariantSetsRevision(pk=1, number=0)], ignore_conflicts=True)
        rows.filter(pk=1).update(number=F("number") + 1)
    invalidate()


def get_variant_map() -> VariantMap:
    """The active sets, folded; cached per process and reloaded when the database's revision moved.

    Every lookup compares the revision (one indexed read), so all gunicorn workers use the same
    sets as soon as an edit commits, instead of each keeping its own copy for a while.
    """
    global _cached, _cached_revision
    if _pinned is not None:
        return _pinned
    revision = current_revision()
    cached = _cached
    if cached is not None and _cached_revision == revision:
        return cached
    with _lock:
        if _cached is None or _cached_revision != revision:
            fresh = load_variant_map()
            # Keep the same object while nothing changed: it keys the analysis caches.
            if _cached is None or dict(fresh) != dict(_cached):
                _cached = fresh
            _cached_revision = revision
        return _cached


@contextmanager
def pinned(mapping: VariantMap | None = None) -> Iterator[VariantMap]:
    """Use one map for the whole block, without reloading (a build forks workers that must not query)."""
    global _pinned
    mapping = mapping if mapping is not None else get_variant_map()
    previous, _pinned = _pinned, mapping
    try:
        yield mapping
    finally:
        _pinned = previous


def load_variant_map() -> VariantMap:
    """The active VariantSet rows; the shipped sets while the table has no row at all.

    A fresh archive (``load_variants`` never run) thus searches with the starter sets instead of
    none; once editors have any row, the table alone decides (an inactive row turns its set off).
    """
    from articles.models import VariantSet
    from articles.search.starter_variants import STARTER_VARIANTS

    rows = list(VariantSet.objects.order_by("pk"))
    if not rows:
        return build_variant_map([list(spellings) for spellings, _note in STARTER_VARIANTS])
    return build_variant_map([vs.spellings for vs in rows if vs.is_active])


def invalidate(**kwargs) -> None:
    """The next lookup in this process reloads from the database."""
    global _cached
    with _lock:
        _cached = None


def upsert_starter_variants() -> tuple[int, int]:
    """Create or complete the shipped sets; returns (created, updated). Editors' extra spellings stay."""
    from articles.models import VariantSet
    from articles.search.starter_variants import STARTER_VARIANTS

    created = updated = 0
    for spellings, note in STARTER_VARIANTS:
        canonical, *others = spellings
        row = VariantSet.objects.filter(canonical=canonical).first()
        if row is None:
            VariantSet.objects.create(canonical=canonical, variants="\n".join(others), note=note)
            created += 1
            continue
        missing = [s for s in others if s not in row.spellings]
        if missing:
            row.variants = "\n".join([*row.spellings[1:], *missing])
            row.save(update_fields=["variants", "modified"])
            updated += 1
    invalidate()
    return created, updated


# --- What the index was built with -------------------------------------------------------------
# The index stores documents already canonicalised, so it answers for the map it was built with.
# build_index records the fingerprint beside the index (articles/search/lifecycle.py); these pure
# functions compare maps without Django.


def variant_fingerprint(variant_map: Mapping[str, str]) -> str:
    """sha256 (hex) of the folded map: the same for the same pairs, whatever their order."""
    payload = json.dumps(sorted(variant_map.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def variant_sets(variant_map: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """{canonical: its folded spellings (itself included)}."""
    sets: dict[str, set[str]] = {}
    for form, canonical in variant_map.items():
        sets.setdefault(canonical, {canonical}).add(form)
    return {canonical: frozenset(forms) for canonical, forms in sets.items()}


@dataclass(frozen=True)
class VariantChanges:
    """Sets by folded canonical: in ``new`` only, in ``old`` only, in both with other spellings."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff_variant_maps(old: Mapping[str, str], new: Mapping[str, str]) -> VariantChanges:
    before, after = variant_sets(old), variant_sets(new)
    return VariantChanges(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(c for c in before.keys() & after.keys() if before[c] != after[c])),
    )
