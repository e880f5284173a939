"""Property test: JSONL files mixing good records with hostile lines (deep nesting, overlong lines, other
encodings, random bytes) and good records full of control characters and every Unicode line separator.

Whatever the mix, every good record is imported exactly as its text (control characters stripped), nothing
else is, each reliably bad line is reported by its line number, and the home page and the sitemaps render.
Seeded (``derandomize``), so a run in CI is the same every time.
"""

import json
import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importers import run_import
from articles.models import Article
from articles.textrules import strip_control_chars

pytestmark = pytest.mark.django_db

LINE_LIMIT = 4096
SEPARATORS = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r", "\n", "\t"]
CONTROLS = [chr(c) for c in range(32)] + ["\x7f", "\ufeff", "\u200f"]
text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),  # no lone surrogates: those are hostile, tested apart
        st.sampled_from(SEPARATORS + CONTROLS),
        st.sampled_from("أستانة الرياض"),
    ),
    max_size=30,
)


@st.composite
def good_record(draw) -> tuple[dict, str]:
    """A record and how it is written: escaped ASCII, or raw UTF-8 (line separators raw in strings)."""
    record = {
        "type": "article",
        # Every title holds a line separator or a control character, somewhere.
        "title": "خبر " + draw(text) + draw(st.sampled_from(SEPARATORS + CONTROLS)) + draw(text),
        "byline": draw(text),
        "lead": draw(text),
        "published_at": "2015-07-21T10:00:00+03:00",
        "status": "published",
        "section": {"name": "سياسة", "slug": "سياسة"},
        "paragraphs": [{"kind": "p", "text": "نص " + draw(text)} for _ in range(draw(st.integers(0, 3)))],
    }
    style = draw(st.sampled_from(["ascii", "raw", "raw-crlf"]))
    return record, style


def deep(n: int) -> bytes:
    return b'{"type": "article", "title": ' + b"[" * n + b"]" * n + b"}"


# (line bytes, whether it must be reported): random bytes may be a blank line, which is no error.
hostile_line = st.one_of(
    st.integers(1_100, 60_000).map(lambda n: (deep(n), True)),
    st.integers(1_100, 60_000).map(lambda n: (b"[" * n, True)),
    st.integers(LINE_LIMIT, 3 * LINE_LIMIT).map(
        lambda n: (json.dumps({"type": "article", "title": "خبر", "lead": "ا" * n}).encode(), True)
    ),
    st.sampled_from(["cp1256", "utf-16", "utf-32"]).map(
        lambda enc: ('{"type": "article", "title": "خبر بترميز آخر"}'.encode(enc).replace(b"\n", b""), True)
    ),
    st.binary(max_size=60).map(lambda b: (b.replace(b"\n", b""), False)),
)


def encode(record: dict, style: str) -> bytes:
    line = json.dumps(record, ensure_ascii=style == "ascii").encode()
    return line + (b"\r" if style == "raw-crlf" else b"")


@st.composite
def file_lines(draw) -> list:
    """At least one good record a file, hostile lines among them in any order."""
    goods = draw(st.lists(good_record(), min_size=1, max_size=4))
    bads = draw(st.lists(hostile_line, max_size=4))
    return draw(st.permutations([("good", g) for g in goods] + [("bad", b) for b in bads]))


files_strategy = st.lists(file_lines(), min_size=1, max_size=3)


@settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=files_strategy)
def test_hostile_jsonl_files_keep_the_good_records_and_the_site_renders(client, files):
    with (
        tempfile.TemporaryDirectory() as tmp,
        override_settings(IMPORT_MAX_LINE_BYTES=LINE_LIMIT),
        transaction.atomic(),
    ):
        expected: dict[str, tuple] = {}
        must_report: set[tuple[str, int]] = set()
        may_report: set[tuple[str, int]] = set()
        paths = []
        counter = 0
        for f, lines in enumerate(files):
            path = Path(tmp) / f"{f}.jsonl"
            out = []
            for number, (kind, item) in enumerate(lines, 1):
                if kind == "good":
                    record, style = item
                    counter += 1
                    record = dict(record, source_url=f"https://example.org/fuzz/{counter}")
                    expected[record["source_url"]] = (
                        strip_control_chars(record["title"]),
                        strip_control_chars(record["byline"]),
                        strip_control_chars(record["lead"]),
                        [strip_control_chars(p["text"]) for p in record["paragraphs"]],
                    )
                    out.append(encode(record, style))
                else:
                    line, reliable = item
                    (must_report if reliable else may_report).add((str(path), number))
                    out.append(line)
            path.write_bytes(b"\n".join(out) + b"\n")
            paths.append(path)

        report = run_import(paths)

        stored = {
            a.source_url: (a.title, a.byline, a.lead, [p.text for p in a.paragraphs.all()])
            for a in Article.objects.prefetch_related("paragraphs")
        }
        assert stored == expected
        reported = {(e.file, e.record_no) for e in report.errors}
        assert must_report <= reported <= must_report | may_report, report.errors
        assert report.created == len(expected)
        for url in ["/", "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-sections.xml"]:
            assert client.get(url).status_code == 200, url
        transaction.set_rollback(True)
