"""check_index: ids and modified stamps compared with the database; --repair fixes them."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article
from articles.search import indexing
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_reports_missing_stale_extra_and_repairs(search_index, capsys):
    kept = make_article(title="خبر باق")
    stale = make_article(title="خبر قديم")
    gone = make_article(title="خبر سيحذف")
    call_command("build_index", procs=1, verbosity=0)
    assert indexing.diff_index() == (set(), set(), set())

    missing = make_article(title="خبر جديد")  # not indexed: signals only fire on commit
    Article.objects.filter(pk=stale.pk).update(title="خبر معدل")
    Article.objects.get(pk=stale.pk).save()  # bumps modified
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.DRAFT)
    assert indexing.diff_index() == ({missing.pk}, {stale.pk}, {gone.pk})

    with pytest.raises(CommandError):
        call_command("check_index")
    out = capsys.readouterr().out
    assert f"missing: 1 ({missing.pk})" in out
    assert f"stale: 1 ({stale.pk})" in out
    assert f"extra: 1 ({gone.pk})" in out

    call_command("check_index", repair=True)
    assert "Repaired: 2 updated, 1 removed." in capsys.readouterr().out
    assert indexing.diff_index() == (set(), set(), set())
    call_command("check_index")
    assert "The index matches the database." in capsys.readouterr().out
    assert kept.pk


def test_no_index_is_a_precise_error_not_a_traceback(search_index):
    assert not search_index.exists()
    with pytest.raises(CommandError, match=r"No readable search index: .*Run manage.py build_index\."):
        call_command("check_index")
