"""A missing, empty or corrupted search index: browsing works, search says so in Arabic with 503, logged,
and ``rebuild_index --noinput`` brings search back."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.search.views import UNAVAILABLE_MESSAGE
from tests.factories import make_article
from tests.searchutil import fresh_backend

pytestmark = pytest.mark.django_db

ARABIC = set("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")


@pytest.fixture
def article():
    return make_article(title="لقاء في أستانا", paragraphs=["اجتمع الوفدان في أستانة عاصمة كازاخستان."])


@pytest.fixture
def logged(caplog):
    """caplog that also sees the project's loggers (``articles`` and ``django.request`` do not propagate)."""
    names = ["articles", "django.request", "haystack"]
    for name in names:
        logging.getLogger(name).addHandler(caplog.handler)
    caplog.set_level(logging.INFO)
    yield caplog
    for name in names:
        logging.getLogger(name).removeHandler(caplog.handler)


def rebuild() -> None:
    call_command("rebuild_index", interactive=False, verbosity=0)
    fresh_backend()


def break_index(index_dir: Path, how: str, worker: str) -> None:
    if how == "missing":
        shutil.rmtree(index_dir)
    elif how == "empty":
        shutil.rmtree(index_dir)
        index_dir.mkdir()
    elif how == "corrupt":
        # Segment files: one compound *.seg per segment, or (non-compound) one file per part; the
        # largest is the postings, which every search reads.
        segments = sorted(
            (p for p in index_dir.iterdir() if p.name.startswith("MAIN_") and p.is_file()),
            key=lambda p: p.stat().st_size,
            reverse=True,
        )
        assert segments, sorted(p.name for p in index_dir.iterdir())
        with segments[0].open("r+b") as handle:
            handle.truncate(segments[0].stat().st_size // 3)
    if worker == "fresh":  # a worker started after the damage; "running" keeps its cached searcher
        fresh_backend()


@pytest.mark.parametrize("worker", ["fresh", "running"])
@pytest.mark.parametrize("how", ["missing", "empty", "corrupt"])
def test_broken_index(client, index_dir, article, logged, how, worker):
    rebuild()
    found = client.get("/search/", {"q": "استانا"})
    assert found.status_code == 200
    assert article.get_absolute_url() in found.content.decode()

    break_index(index_dir, how, worker)
    logged.clear()

    # Browsing never touches the index.
    assert client.get("/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200

    response = client.get("/search/", {"q": "استانا"})
    assert response.status_code == 503
    text = response.content.decode()
    assert "<mark>" not in text
    assert response.context["unavailable_message"] == UNAVAILABLE_MESSAGE
    assert UNAVAILABLE_MESSAGE in text
    errors = [r for r in logged.records if r.levelno >= logging.ERROR and r.name.startswith("articles")]
    assert errors, [(r.name, r.getMessage()) for r in logged.records]

    api = client.get("/api/search/", {"q": "استانا"})
    assert api.status_code == 503
    assert ARABIC & set(api.json().get("error", "") or api.content.decode())

    rebuild()
    restored = client.get("/search/", {"q": "استانا"})
    assert restored.status_code == 200
    assert article.get_absolute_url() in restored.content.decode()
