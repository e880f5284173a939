"""The live index's life around its rebuilds: what it was built with, and what killed builds left.

**Variant fingerprint.** Spelling sets are applied when a document is indexed, so an index answers
for the sets it was built with. Every index directory that ``build_index`` (or a clear) creates gets
``build-info.json``: the folded variant map, its sha256 (``variants.variant_fingerprint``), the
number of sets and the build time. Incremental writes (saves, ``update_index``) index a few articles
with the map of the moment; they never replace the build's fingerprint (the rest of the index still
has the old one) but add theirs to ``written_with`` when it differs, so an index whose documents
came from several maps stays stale even after the sets are edited back. Only a rebuild is current.
A directory without the file (built by an older release) is "unknown", never "current".

**Leftover build directories.** ``build_index`` writes ``<PATH>.gen-<stamp>-<pid>-<ns>`` and a swap
without renameat2 moves the old index to ``<PATH>.gen-old-<pid>-<ns>``; a process killed outright
leaves them (a full build is hundreds of MB). The next build removes, under the write lock, those
whose pid no longer runs on this host. Names without a pid (older releases' ``.gen-old-<ns>``) are
reported and left to the operator.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from articles.search.variants import VariantChanges, diff_variant_maps, variant_fingerprint

log = logging.getLogger(__name__)

BUILD_INFO = "build-info.json"


# --- Variant fingerprint ---------------------------------------------------------------------------


def write_build_info(directory: str, variant_map: Mapping[str, str], now: datetime | None = None) -> dict:
    """Record that the index in ``directory`` holds documents analysed with ``variant_map`` only."""
    info = {
        "variants_sha256": variant_fingerprint(variant_map),
        "variant_sets": len(set(variant_map.values())),
        "built_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "variants": dict(sorted(variant_map.items())),
        "written_with": [],
    }
    _write_json(directory, info)
    return info


def read_build_info(directory: str) -> dict | None:
    """The recorded build info, or None when there is none (or it cannot be read)."""
    try:
        with open(os.path.join(directory, BUILD_INFO), encoding="utf-8") as handle:
            info = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("unreadable %s in %s", BUILD_INFO, directory, exc_info=True)
        return None
    if not isinstance(info, dict) or not isinstance(info.get("variants_sha256"), str):
        return None
    return info


def record_write(directory: str, variant_maps: Iterable[Mapping[str, str]]) -> bool:
    """After an incremental write (caller holds the write lock): remember maps other than the build's.

    The build's fingerprint stays: most documents still carry it. True when the file changed.
    """
    info = read_build_info(directory)
    if info is None:  # unknown stays unknown: only a build says what the whole index holds
        return False
    seen = {info["variants_sha256"], *info.get("written_with", [])}
    new = [fp for fp in dict.fromkeys(variant_fingerprint(m) for m in variant_maps) if fp not in seen]
    if not new:
        return False
    info["written_with"] = [*info.get("written_with", []), *new]
    _write_json(directory, info)
    return True


def _write_json(directory: str, info: dict) -> None:
    path = os.path.join(directory, BUILD_INFO)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(info, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    os.replace(tmp, path)


@dataclass(frozen=True)
class VariantStatus:
    """The live index against the current spelling sets.

    ``state``: "current" (built with them, nothing written since with others), "stale", "unknown"
    (no build-info.json: built before fingerprints were recorded) or "missing" (no index).
    """

    state: str
    current_sha256: str
    current_sets: int
    built_sha256: str | None = None
    built_sets: int | None = None
    built_at: datetime | None = None
    changes: VariantChanges = VariantChanges()
    # Incremental writes since the build that used sets other than the current ones.
    other_writes: int = 0

    @property
    def stale(self) -> bool:
        return self.state == "stale"


def variant_status(index_path: str, variant_map: Mapping[str, str]) -> VariantStatus:
    current = variant_fingerprint(variant_map)
    base = {"current_sha256": current, "current_sets": len(set(variant_map.values()))}
    if not os.path.isdir(index_path):
        return VariantStatus("missing", **base)
    info = read_build_info(index_path)
    if info is None:
        return VariantStatus("unknown", **base)
    built = info["variants_sha256"]
    others = [fp for fp in info.get("written_with", []) if fp != current]
    built_map = info.get("variants") or {}
    try:
        built_at = datetime.fromisoformat(info.get("built_at", ""))
    except ValueError:
        built_at = None
    return VariantStatus(
        "current" if built == current and not others else "stale",
        **base,
        built_sha256=built,
        built_sets=info.get("variant_sets"),
        built_at=built_at,
        changes=diff_variant_maps(built_map, variant_map) if built != current else VariantChanges(),
        other_writes=len(others),
    )


def live_index_path() -> str | None:
    """PATH of the default connection's Whoosh index; None for other engines."""
    from articles.search.backend import arabic_whoosh_backend

    backend = arabic_whoosh_backend()
    return None if backend is None else backend.path.rstrip("/")


def live_variant_status() -> VariantStatus | None:
    """The live index against the sets in the database now (not a cached map); None for other engines."""
    from articles.search.variants import load_variant_map

    path = live_index_path()
    return None if path is None else variant_status(path, load_variant_map())


def describe_changes(changes: VariantChanges, limit: int = 8) -> str:
    """ "2 sets added (ترامب, سوريا), 1 removed (بوتين)" (folded canonical spellings)."""
    parts = []
    for label, names in (("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)):
        if names:
            shown = ", ".join(names[:limit]) + (", …" if len(names) > limit else "")
            parts.append(f"{len(names)} {'set' if len(names) == 1 else 'sets'} {label} ({shown})")
    return "; ".join(parts)


# --- Leftover build directories --------------------------------------------------------------------

_GEN_NAME = re.compile(r"\.gen-(?:old-(?P<old_pid>\d+)-\d+|\d{8}-\d{6}-(?P<pid>\d+)-\d+)$")


@dataclass(frozen=True)
class BuildDir:
    """A ``<PATH>.gen-*`` directory beside the live index."""

    path: str
    pid: int | None  # None: a name without a pid (older releases)
    alive: bool
    size: int

    @property
    def removable(self) -> bool:
        return self.pid is not None and not self.alive


def pid_of(name: str) -> int | None:
    """The owning pid in a build directory's name, or None."""
    match = _GEN_NAME.search(name)
    if match is None:
        return None
    return int(match.group("pid") or match.group("old_pid"))


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process on this host (a killed, unreaped zombie is not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False  # exited in between
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def dir_size(path: str) -> int:
    """Bytes in the files under ``path`` (not following symlinks)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def build_dirs(index_path: str) -> list[BuildDir]:
    """Every ``<index_path>.gen-*`` directory, sorted by name."""
    base = Path(index_path.rstrip("/"))
    prefix = f"{base.name}.gen-"
    try:
        entries = sorted(base.parent.iterdir())
    except FileNotFoundError:
        return []
    out = []
    for entry in entries:
        if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
            continue
        pid = pid_of(entry.name)
        out.append(BuildDir(str(entry), pid, pid is not None and pid_alive(pid), dir_size(str(entry))))
    return out


def remove_leftovers(index_path: str, keep: Iterable[str] = ()) -> list[BuildDir]:
    """Delete the build directories of processes that no longer run; the caller holds the write lock.

    Never one in ``keep``, one of a live pid (a build in progress, this one included) or one
    without a pid in its name. Returns what was removed.
    """
    import shutil

    keep = {os.path.abspath(k) for k in keep}
    removed = []
    for found in build_dirs(index_path):
        if not found.removable or os.path.abspath(found.path) in keep:
            continue
        shutil.rmtree(found.path, ignore_errors=True)
        if os.path.lexists(found.path):
            log.warning("could not remove leftover build directory %s", found.path)
            continue
        log.warning(
            "removed leftover build directory %s (%s, process %s no longer runs)",
            found.path,
            human_size(found.size),
            found.pid,
        )
        removed.append(found)
    return removed


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
