"""The index's lifecycle on disk: the variant fingerprint it was built with, and leftover build directories.

Real indexes (``search_index``), real VariantSet rows, real processes: a killed ``sleep`` gives a
pid that no longer runs.
"""

import json
import os
import signal
import subprocess
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from haystack import connections

from articles.models import VariantSet
from articles.search import indexing, lifecycle
from articles.search.variants import VariantChanges, load_variant_map, variant_fingerprint
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def backend():
    return connections["default"].get_backend()


def build_info(index) -> dict:
    return json.loads((index / lifecycle.BUILD_INFO).read_text(encoding="utf-8"))


@pytest.fixture
def three_sets(db):
    """Two sets the index is built with (ترامب, غوغل) and one edit scenario's rows."""
    VariantSet.objects.create(canonical="غوغل", variants="جوجل")
    VariantSet.objects.create(canonical="ترامب", variants="ترمب")


def edit_sets():
    """غوغل gains قوقل, ترامب is deactivated, بوتين is added."""
    google = VariantSet.objects.get(canonical="غوغل")
    google.variants = "جوجل\nقوقل"
    google.save()
    trump = VariantSet.objects.get(canonical="ترامب")
    trump.is_active = False
    trump.save()
    VariantSet.objects.create(canonical="بوتين", variants="بوتن")


# --- Variant fingerprint ---------------------------------------------------------------------------


def test_build_records_the_map_it_was_built_with(search_index, three_sets):
    make_article(title="جوجل تطلق خدمة")
    before = datetime.now().astimezone().replace(microsecond=0)  # built_at may be stored to the second
    call_command("build_index", procs=1, verbosity=0)
    after = datetime.now().astimezone()
    info = build_info(search_index)
    built_with = {"ترامب": "ترامب", "ترمب": "ترامب", "جوجل": "غوغل", "غوغل": "غوغل"}
    assert info["variants"] == built_with
    assert info["variants_sha256"] == variant_fingerprint(built_with)
    assert info["variant_sets"] == 2
    assert info["written_with"] == []
    assert before <= datetime.fromisoformat(info["built_at"]) <= after
    status = lifecycle.live_variant_status()
    assert (status.state, status.stale, status.changes, status.other_writes) == ("current", False, VariantChanges(), 0)


def test_editing_sets_makes_the_index_stale_and_names_the_changes(search_index, three_sets, capsys):
    call_command("build_index", procs=1, verbosity=0)
    edit_sets()
    status = lifecycle.live_variant_status()
    assert status.state == "stale"
    assert status.changes == VariantChanges(added=("بوتين",), removed=("ترامب",), changed=("غوغل",))
    assert (status.built_sets, status.current_sets) == (2, 2)

    with pytest.raises(CommandError) as raised:
        call_command("check_index")
    assert str(raised.value) == "The index was built with other spelling variants; run manage.py build_index."
    out = capsys.readouterr().out
    built = f"{status.built_at:%Y-%m-%d %H:%M:%S} UTC"
    assert (
        "spelling variants: STALE: the sets changed since the build: 1 set added (بوتين); 1 set removed (ترامب); "
        f"1 set changed (غوغل) (index: 2 sets, sha256 {status.built_sha256[:12]}, built {built}; "
        f"now: 2 sets, sha256 {status.current_sha256[:12]}). Spellings are folded when an article is indexed, "
        "so searches miss the changed spellings until you run manage.py build_index.\n"
    ) in out
    assert "The index matches the database." in out  # the articles themselves are in step

    call_command("build_index", procs=1, verbosity=0)
    assert lifecycle.live_variant_status().state == "current"
    call_command("check_index")  # exit status 0 again
    assert "spelling variants: current (2 sets, sha256 " in capsys.readouterr().out


def test_check_index_repair_does_not_hide_stale_variants(search_index, three_sets):
    article = make_article(title="خبر")
    call_command("build_index", procs=1, verbosity=0)
    VariantSet.objects.filter(canonical="ترامب").update(variants="ترمب\nترانب")
    article.save()  # stale in the index too (no commit in the test transaction: not flushed)
    with pytest.raises(CommandError) as raised:
        call_command("check_index", repair=True, verbosity=0)
    assert str(raised.value) == "The index was built with other spelling variants; run manage.py build_index."
    assert indexing.diff_index() == (set(), set(), set())  # the articles were repaired all the same


def test_incremental_updates_keep_the_build_fingerprint(search_index, three_sets):
    """A save indexes one article with the map of the moment; the rest still has the build's map."""
    article = make_article(title="جوجل تطلق خدمة")
    call_command("build_index", procs=1, verbosity=0)
    built = build_info(search_index)

    article.save()
    indexing.flush()  # same map: nothing to record, the file is untouched
    assert build_info(search_index) == built

    edit_sets()
    edited = variant_fingerprint(load_variant_map())
    article.save()
    indexing.flush()
    info = build_info(search_index)
    assert info["variants_sha256"] == built["variants_sha256"]  # not rewritten to the new map
    assert info["variants"] == built["variants"]
    assert info["written_with"] == [edited]
    status = lifecycle.live_variant_status()
    assert (status.state, status.other_writes) == ("stale", 0)  # the current map is the one written with
    assert status.changes == VariantChanges(added=("بوتين",), removed=("ترامب",), changed=("غوغل",))

    # Editing the sets back does not make the index current: one article was indexed with the edit.
    VariantSet.objects.get(canonical="بوتين").delete()
    VariantSet.objects.filter(canonical="ترامب").update(is_active=True)
    VariantSet.objects.filter(canonical="غوغل").update(variants="جوجل")
    status = lifecycle.live_variant_status()
    assert (status.state, status.changes, status.other_writes) == ("stale", VariantChanges(), 1)

    backend().optimize()  # Whoosh's merges keep the file (they delete only their own files)
    assert build_info(search_index)["written_with"] == [edited]
    call_command("build_index", procs=1, verbosity=0)
    assert build_info(search_index)["written_with"] == []
    assert lifecycle.live_variant_status().state == "current"


def test_index_without_build_info_is_unknown_not_current(search_index, three_sets, capsys):
    article = make_article(title="خبر")
    call_command("build_index", procs=1, verbosity=0)
    (search_index / lifecycle.BUILD_INFO).unlink()  # as an index built by an older release
    article.save()
    indexing.flush()
    assert not (search_index / lifecycle.BUILD_INFO).exists()  # incremental writes do not invent one
    assert lifecycle.live_variant_status().state == "unknown"
    call_command("check_index")  # reported, exit status 0
    out = capsys.readouterr().out
    assert (
        "spelling variants: unknown: the index has no build-info.json (built by an older release), so which "
        "sets it holds cannot be told; run manage.py build_index once to record them (now: 2 sets, sha256 "
        f"{variant_fingerprint(load_variant_map())[:12]}).\n"
    ) in out


def test_missing_index_and_cleared_index(search_index, three_sets):
    assert lifecycle.live_variant_status().state == "missing"
    backend().clear()  # haystack's rebuild_index starts so: an empty index, true for the current sets
    assert build_info(search_index)["variants_sha256"] == variant_fingerprint(load_variant_map())
    assert lifecycle.live_variant_status().state == "current"


# --- Leftover build directories --------------------------------------------------------------------


@pytest.fixture
def dead_pid():
    """The pid of a process that ran and was killed (and reaped)."""
    proc = subprocess.Popen(["sleep", "60"])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not lifecycle.pid_alive(proc.pid)
    return proc.pid


@pytest.fixture
def live_pid():
    proc = subprocess.Popen(["sleep", "60"])
    yield proc.pid
    proc.kill()
    proc.wait()


def make_dir(path, size: int):
    path.mkdir()
    (path / "_MAIN_1.toc").write_bytes(b"x" * size)
    return path


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("whoosh_index.gen-20250101-120000-4242-987654321", 4242),
        ("whoosh_index.gen-old-4243-987654321", 4243),
        ("whoosh_index.gen-old-987654321", None),  # older releases: no pid
        ("whoosh_index.gen-x-1-2", None),
        ("whoosh_index", None),
    ],
)
def test_pid_of(name, pid):
    assert lifecycle.pid_of(name) == pid


def test_a_killed_unreaped_process_is_not_alive():
    proc = subprocess.Popen(["sleep", "60"])
    try:
        assert lifecycle.pid_alive(proc.pid)
        proc.send_signal(signal.SIGKILL)
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # dead, still a zombie
        assert lifecycle.pid_alive(proc.pid) is False
    finally:
        proc.wait()
    assert lifecycle.pid_alive(os.getpid())


def test_build_removes_only_directories_of_dead_processes(search_index, dead_pid, live_pid, capsys):
    make_article(title="خبر عن جدة")
    call_command("build_index", procs=1, verbosity=0)
    parent = search_index.parent
    killed_build = make_dir(parent / f"whoosh_index.gen-20250101-120000-{dead_pid}-111", 5000)
    killed_swap = make_dir(parent / f"whoosh_index.gen-old-{dead_pid}-222", 300)
    running = make_dir(parent / f"whoosh_index.gen-20250101-120000-{live_pid}-333", 2048)
    mine = make_dir(parent / f"whoosh_index.gen-20250101-120000-{os.getpid()}-444", 10)
    legacy = make_dir(parent / "whoosh_index.gen-old-555", 10)
    other_index = make_dir(parent / f"other_index.gen-20250101-120000-{dead_pid}-666", 10)

    call_command("check_index")  # leftovers are reported, exit status 0
    lines = capsys.readouterr().out.splitlines()
    listed = lines.index("leftover build directories: 5")
    assert sorted(lines[listed + 1 : listed + 6]) == sorted(
        [
            f"  {killed_build}: 4.9 KB, process {dead_pid} no longer runs; the next build_index removes it.",
            f"  {killed_swap}: 300 B, process {dead_pid} no longer runs; the next build_index removes it.",
            f"  {running}: 2.0 KB, process {live_pid} is running (a build in progress?); left alone.",
            f"  {mine}: 10 B, process {os.getpid()} is running (a build in progress?); left alone.",
            f"  {legacy}: 10 B, no pid in the name (older release); remove it by hand when no build runs.",
        ]
    )
    assert lines[listed + 6] == "The index matches the database."

    call_command("build_index", procs=1)
    lines = capsys.readouterr().out.splitlines()
    assert sorted(lines[:2]) == sorted(
        [
            f"Removed leftover build directory {killed_build} (4.9 KB, process {dead_pid} no longer runs).",
            f"Removed leftover build directory {killed_swap} (300 B, process {dead_pid} no longer runs).",
        ]
    )
    assert lines[2].startswith("Indexed 1 articles in ")
    assert sorted(p.name for p in parent.iterdir()) == sorted(
        ["whoosh_index", "whoosh_index.lock", running.name, mine.name, legacy.name, other_index.name]
    )
    assert (running / "_MAIN_1.toc").stat().st_size == 2048


def test_remove_leftovers_never_removes_kept_directories_and_logs_what_it_removed(search_index, dead_pid, caplog):
    parent = search_index.parent
    parent.mkdir(parents=True, exist_ok=True)
    kept = make_dir(parent / f"whoosh_index.gen-20250101-120000-{dead_pid}-1", 10)
    gone = make_dir(parent / f"whoosh_index.gen-20250101-120000-{dead_pid}-2", 1536)
    removed = backend().remove_leftovers(keep=[str(kept)])
    assert [(r.path, r.pid, r.size) for r in removed] == [(str(gone), dead_pid, 1536)]
    assert kept.is_dir() and not gone.exists()
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "articles.search.lifecycle",
            "WARNING",
            f"removed leftover build directory {gone} (1.5 KB, process {dead_pid} no longer runs)",
        )
    ]
