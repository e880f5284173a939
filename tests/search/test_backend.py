"""The backend: schema, cached searcher, rebuild-and-swap, and clear errors for a broken index."""

import shutil

import pytest
from django.core.management import call_command
from haystack import connections

from articles.search import indexing
from articles.search.backend import SearchUnavailable, reset_searchers
from articles.search.query import SearchParams, run_search
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def backend():
    return connections["default"].get_backend()


def test_schema_has_the_arabic_fields(search_index):
    backend().setup()
    schema = backend().schema
    assert {"text", "text_exact", "title", "title_exact", "section", "year"} <= set(schema.names())
    assert schema["text_exact"].format.__class__.__name__ == "Positions"  # phrases
    assert schema["title"].format.field_boost > schema["text"].format.field_boost
    assert "spell_text" not in schema.names()
    assert "text_spell" not in schema.names()  # "did you mean" reads analysis.SPELL_FILE instead


def test_searcher_is_reused_until_the_index_changes(search_index):
    make_article(title="خبر أول")
    call_command("build_index", procs=1, verbosity=0)
    first = backend().searcher()
    assert backend().searcher() is first
    make_article(title="خبر ثان").save()
    indexing.flush()  # what the commit would run (the test runs inside a transaction)
    second = backend().searcher()
    assert second is not first
    assert backend().searcher() is second
    assert second.doc_count() == 2


def test_build_swaps_in_a_new_directory_and_keeps_no_old_generations(search_index):
    article = make_article(title="خبر عن جدة")
    call_command("build_index", procs=1, verbosity=0)
    inode = search_index.stat().st_ino
    call_command("build_index", procs=1, verbosity=0)
    assert search_index.stat().st_ino != inode  # a new directory took PATH's place
    assert sorted(p.name for p in search_index.parent.iterdir()) == ["whoosh_index", "whoosh_index.lock"]
    assert [h.pk for h in run_search(SearchParams(q="جدة")).hits] == [article.pk]


def test_two_process_build(search_index):
    articles = [make_article(title=f"خبر رقم {i}", paragraphs=[f"نص الخبر {i} عن الرياض"]) for i in range(30)]
    call_command("build_index", procs=2, verbosity=0)
    outcome = run_search(SearchParams(q="الرياض", page_size=50))
    assert sorted(h.pk for h in outcome.hits) == sorted(a.pk for a in articles)


def test_segments_are_never_compound(search_index):
    """Compound segments are read through in-memory copies (~470 MB per worker on the full corpus)."""
    articles = [make_article(title=f"خبر رقم {i}", paragraphs=[f"نص الخبر {i} عن الرياض"]) for i in range(12)]
    call_command("build_index", procs=2, verbosity=0)
    for article in articles:  # one commit each: Whoosh merges the small segments on the way
        article.save()
        indexing.flush()
    backend().optimize()
    segments = backend().open_index()._segments()
    assert segments and not any(segment.is_compound() for segment in segments)
    assert not list(search_index.glob("*.seg"))
    assert run_search(SearchParams(q="الرياض", page_size=50)).count == 12


def test_rebuild_index_and_update_index_commands_work(search_index):
    article = make_article(title="خبر عن مكة")
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert [h.pk for h in run_search(SearchParams(q="مكة")).hits] == [article.pk]
    other = make_article(title="خبر آخر عن مكة")
    call_command("update_index", verbosity=0)
    assert sorted(h.pk for h in run_search(SearchParams(q="مكة")).hits) == sorted([article.pk, other.pk])


@pytest.mark.parametrize("how", ["missing", "empty", "corrupt"])
def test_broken_index_raises_search_unavailable(search_index, how):
    make_article(title="خبر عن أستانا", paragraphs=["نص طويل " * 200])
    call_command("build_index", procs=1, verbosity=0)
    assert run_search(SearchParams(q="أستانا")).count == 1
    if how == "missing":
        shutil.rmtree(search_index)
    elif how == "empty":
        shutil.rmtree(search_index)
        search_index.mkdir()
    else:
        for path in search_index.iterdir():
            if path.suffix in (".seg", ".toc"):
                path.write_bytes(path.read_bytes()[:40])
    connections.reload("default")
    with pytest.raises(SearchUnavailable) as error:
        run_search(SearchParams(q="أستانا"))
    assert "البحث غير متاح" in error.value.message
    # and the operator's fix works
    reset_searchers()
    call_command("build_index", procs=1, verbosity=0)
    assert run_search(SearchParams(q="أستانا")).count == 1


def test_never_built_index_is_unavailable(search_index):
    with pytest.raises(SearchUnavailable):
        run_search(SearchParams(q="أستانا"))


def test_searchqueryset_uses_the_arabic_fields(search_index):
    from haystack.query import SearchQuerySet

    article = make_article(title="وصل الوفد", paragraphs=["اجتماع في آستانةِ"])
    call_command("build_index", procs=1, verbosity=0)
    results = SearchQuerySet().filter(content="آستانة")
    assert [int(r.pk) for r in results] == [article.pk]
    assert results[0].title == "وصل الوفد"


def test_a_searcher_survives_a_commit_that_merges_its_segments_away(search_index):
    """Under the load test's editor, a search that had its searcher when a save's commit merged the
    segments away read a deleted column file: HTTP 500. The searcher's files are open from the start."""
    articles = [make_article(title=f"خبر رقم {i}", paragraphs=[f"نص الخبر {i} عن الرياض"]) for i in range(3)]
    call_command("build_index", procs=1, verbosity=0)
    for article in articles:  # one small segment per save
        indexing.sync_articles([article.pk])
    searcher = backend().searcher()
    assert len(searcher.reader().leaf_readers()) > 1
    columns_before = {p.name for p in search_index.iterdir() if p.name.endswith(".col")}

    backend().optimize()  # one commit merges every segment and deletes their files
    assert columns_before.isdisjoint(p.name for p in search_index.iterdir())

    live = list(searcher.reader().all_doc_ids())
    assert sorted(searcher.stored_fields(n)["title"] for n in live) == sorted(a.title for a in articles)
    assert all(searcher.doc_field_length(n, "text") > 0 for n in live)
    # and the next search opens the merged index
    assert sorted(h.pk for h in run_search(SearchParams(q="الرياض")).hits) == sorted(a.pk for a in articles)


def test_a_file_vanishing_while_the_index_is_checked_is_not_a_missing_index(search_index):
    """A writer's MAIN.tmp or a merged-away segment can vanish between listing the directory and
    stat-ing it (a 503 under the load test's editor). A dangling link is such a file, every time."""
    article = make_article(title="خبر عن الدمام")
    call_command("build_index", procs=1, verbosity=0)
    reset_searchers()
    (search_index / "MAIN.tmp").symlink_to(search_index / "gone-before-stat")
    assert [h.pk for h in run_search(SearchParams(q="الدمام")).hits] == [article.pk]


def test_seeding_random_cannot_make_a_save_overwrite_a_live_segment(search_index):
    """Whoosh names segments with the global random module; the load test's editor seeded it, drew
    the names of the previous run's segments and overwrote them (a corrupt index, a lost edit)."""
    import random

    first, second = make_article(title="خبر أول عن تبوك"), make_article(title="خبر ثان عن تبوك")
    call_command("build_index", procs=1, verbosity=0)
    names = []
    for article in (first, second):
        random.seed(7)  # the same state before each save, as in two runs of a seeded process
        before = {p.name.split(".")[0] for p in search_index.iterdir() if p.name.startswith("MAIN_")}
        article.title += " (معدل)"
        article.save()
        indexing.flush()
        after = {p.name.split(".")[0] for p in search_index.iterdir() if p.name.startswith("MAIN_")}
        names.append(after - before)
    assert names[0] and names[1] and names[0].isdisjoint(names[1])
    reset_searchers()
    hits = run_search(SearchParams(q="تبوك")).hits
    assert sorted((h.pk, h.title) for h in hits) == sorted((a.pk, a.title) for a in (first, second))


def test_the_writers_codec_writes_the_same_postings_as_whooshs(search_index, tmp_path):
    """UniqueSegmentCodec changes segment names and how a commit looks lengths up, nothing on disk."""
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage

    from articles.search.segments import UniqueSegmentCodec
    from articles.search_indexes import ArticleIndex

    articles = [
        make_article(title=f"خبر {i} عن الرياض", paragraphs=["نص " * (i + 1) + "عن أستانة والمفاوضات", "وقال الوزير"])
        for i in range(40)
    ]
    be = backend()
    be.setup()
    docs = [be.prepare_document(ArticleIndex(), a) for a in articles]
    written = {}
    for name, codec in (("whoosh", W3Codec()), ("ours", UniqueSegmentCodec())):
        ix = FileStorage(str(tmp_path / name)).create().create_index(be.schema)
        with ix.writer(codec=codec, compound=False) as writer:
            for doc in docs:
                writer.add_document(**doc)
        (segment,) = ix.reader().leaf_readers()
        written[name] = {
            path.name.split(".", 1)[1]: path.read_bytes()
            for path in (tmp_path / name).iterdir()
            if path.name.startswith(segment[0].segment().segment_id())
        }
    assert written["ours"].keys() == written["whoosh"].keys()
    assert {"pst", "trm", "_stored.col", "_text_len.col"} <= written["ours"].keys()
    assert written["ours"] == written["whoosh"]
