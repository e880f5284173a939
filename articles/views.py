"""Public pages of the archive: thin class-based views over ``Article.objects.published()``.

Readers only ever see ``published()`` articles. Staff may preview drafts and scheduled articles
through the short URL ``/a/<pk>/``, which otherwise redirects to the permanent dated URL.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.dates import (
    ArchiveIndexView,
    DateDetailView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)
from django.views.generic.detail import SingleObjectMixin

from articles.models import Article, Publication, Section

HOME_LATEST = 10
HOME_PER_SECTION = 4


def listing():
    """Published articles as cards need them: newest first, section and publication joined."""
    return Article.objects.published().for_listing().latest_first()


# --- Distinct archive periods ------------------------------------------------------------------

# SQLite datetime() modifiers from an instant (UTC text) to the start of the next *local* period,
# for a fixed UTC offset: shift to local time, truncate, step, shift back.
_NEXT_PERIOD = {
    "year": ("start of year", "+1 year"),
    "month": ("start of month", "+1 month"),
    "day": ("start of day", "+1 day"),
}

# The first instant of every local period that has rows, oldest first. A recursive walk jumping from the
# first instant of one period to the first at or after the start of the next: every step is one seek
# on the (status, published_at) index, never a scan, so the cost grows with the number of periods only.
# {column} {table} {where}: the queryset's own SELECT, split. The seek bound comes *first* in the step's
# WHERE: with several lower bounds on one column (a year or month view's range), SQLite seeks by the
# first one and filters by the others, and the range's start would make every step a scan.
_PERIODS_SQL = """
WITH RECURSIVE periods(first_at) AS (
    SELECT (SELECT {column} FROM {table} WHERE {where} ORDER BY 1 LIMIT 1)
    UNION ALL
    SELECT (
        SELECT {column} FROM {table}
        WHERE {column} >= datetime(periods.first_at, %s, %s, %s, %s) AND {where}
        ORDER BY 1 LIMIT 1
    )
    FROM periods WHERE periods.first_at IS NOT NULL
)
SELECT first_at FROM periods WHERE first_at IS NOT NULL
"""


def _utc(value) -> datetime:
    if isinstance(value, str):  # raw SQLite text
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _truncate(value: datetime, kind: str, tz) -> date:
    local = timezone.localtime(value, tz)
    if kind == "year":
        return date(local.year, 1, 1)
    if kind == "month":
        return date(local.year, local.month, 1)
    return local.date()


def _one_offset(instants: list[datetime], offset: int, tz) -> bool:
    """Whether ``tz`` is ``offset`` seconds from UTC at every instant and all year round in their years.

    January and July of every year catch daylight saving (either hemisphere); the instants themselves
    catch a permanent change of the zone's offset since.
    """
    if not instants:
        return True
    probes = [*instants]
    for year in range(instants[0].year, instants[-1].year + 1):
        probes += [datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC)]
    return all(timezone.localtime(value, tz).utcoffset().total_seconds() == offset for value in probes)


def distinct_periods(queryset: QuerySet, field: str, kind: str, order: str = "ASC", *, datetimes: bool = False):
    """The local-time years, months or days that have rows: ``queryset.dates()`` / ``.datetimes()``, but cheap.

    On SQLite, Django's ``dates()`` calls a Python function on every row to convert it to local time
    (0.3-0.6 s over the 31k-article corpus, on every page with the archive sidebar). Here SQLite walks
    from period to period (``_PERIODS_SQL``: one index seek per period with rows) using the zone's UTC
    offset. That is exact for a zone with one offset over the archive's dates (Asia/Riyadh, the
    default); that is checked (``_one_offset``): a zone with daylight saving falls back to ``dates()``,
    as do other databases, which truncate natively.
    Returns ``date`` objects, or aware local midnights with ``datetimes=True`` (as ``.datetimes()``).
    """
    tz = timezone.get_current_timezone()
    connection = connections[queryset.db]
    result = None
    if connection.vendor == "sqlite":
        offset = int(timezone.localtime(timezone.now(), tz).utcoffset().total_seconds())
        try:
            sql, params = (
                queryset.order_by().filter(**{f"{field}__isnull": False}).values_list(field).query.sql_with_params()
            )
        except EmptyResultSet:  # e.g. queryset.none()
            return []
        qn = connection.ops.quote_name
        table = qn(queryset.model._meta.db_table)
        column = f"{table}.{qn(queryset.model._meta.get_field(field).column)}"
        select = re.match(rf'SELECT {re.escape(column)}(?: AS "\w+")? FROM {re.escape(table)} WHERE ', sql)
        firsts = None
        if select and " ORDER BY " not in sql and " LIMIT " not in sql:  # one table, no joins
            where = sql[select.end() :]
            modifiers = (f"{offset:+d} seconds", *_NEXT_PERIOD[kind], f"{-offset:+d} seconds")
            with connection.cursor() as cursor:
                cursor.execute(
                    _PERIODS_SQL.format(column=column, table=table, where=where), (*params, *modifiers, *params)
                )
                firsts = [_utc(value) for (value,) in cursor.fetchall()]
        if firsts is not None and _one_offset(firsts, offset, tz):
            result = sorted({_truncate(value, kind, tz) for value in firsts}, reverse=order == "DESC")
    if result is None:
        if datetimes:
            return list(queryset.datetimes(field, kind, order, tzinfo=tz))
        return list(queryset.dates(field, kind, order))
    if datetimes:
        return [timezone.make_aware(datetime(d.year, d.month, d.day), tz) for d in result]
    return result


# --- Pages -------------------------------------------------------------------------------------


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = listing()[:HOME_LATEST]
        # The latest few of every section in one query: an IN (... LIMIT n) subquery per section, each
        # read straight off the (section, status, published_at) index. (A ROW_NUMBER() window over all
        # sections sorted the whole corpus: 0.6 s.) The sections list is shared with the section nav.
        sections = list(Section.objects.all())
        context["all_sections"] = sections
        per_section = Q()
        for section in sections:
            latest = Article.objects.published().in_section(section).latest_first().values("pk")
            per_section |= Q(pk__in=latest[:HOME_PER_SECTION])
        by_section: dict[int, list[Article]] = {section.pk: [] for section in sections}
        if sections:
            # No published() filter outside: the subqueries have it, and it would make SQLite scan it.
            for article in Article.objects.for_listing().filter(per_section).latest_first():
                by_section[article.section_id].append(article)
        context["section_blocks"] = [(s, by_section[s.pk]) for s in sections if by_section[s.pk]]
        return context


class ArticlesOfMixin(SingleObjectMixin):
    """A paginated list of the published articles of one section or publication (``self.object``)."""

    paginate_by = settings.ARTICLES_PER_PAGE
    field: str

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.model.objects.all())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return listing().filter(**{self.field: self.object})


class SectionDetailView(ArticlesOfMixin, ListView):
    model = Section
    field = "section"
    template_name = "articles/section_detail.html"


class PublicationDetailView(ArticlesOfMixin, ListView):
    model = Publication
    field = "publication"
    template_name = "articles/publication_detail.html"


class ArticleDateMixin:
    """Shared by the date archive and the dated article page, as djangoproject's ``BlogViewMixin``.

    Months are numbers in URLs (``<int:month>``, ``%m``), so links never depend on the language.
    Future-dated articles are already outside ``published()``; staff preview them via ``/a/<pk>/``.
    """

    model = Article
    date_field = "published_at"
    month_format = "%m"
    paginate_by = settings.ARTICLES_PER_PAGE
    allow_future = False

    def get_queryset(self):
        return listing()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # As Django's, via distinct_periods (cheap on SQLite) instead of queryset.datetimes().
        date_list = distinct_periods(
            queryset, self.get_date_field(), date_type or self.get_date_list_period(), ordering, datetimes=True
        )
        if not date_list and not self.get_allow_empty():
            raise Http404("لا توجد مقالات في هذه الفترة")
        return date_list

    def get(self, request, *args, **kwargs):
        # Django's date views turn impossible dates into 404 but not dates at the edge of the calendar:
        # /9999/12/31/ overflows computing "the next day", /1/1/1/ converting local midnight to UTC.
        try:
            return super().get(request, *args, **kwargs)
        except OverflowError as exc:
            raise Http404("التاريخ خارج النطاق") from exc


class ArticleArchiveIndexView(ArticleDateMixin, ArchiveIndexView):
    pass


class ArticleYearArchiveView(ArticleDateMixin, YearArchiveView):
    make_object_list = True


class ArticleMonthArchiveView(ArticleDateMixin, MonthArchiveView):
    pass


class ArticleDayArchiveView(ArticleDateMixin, DayArchiveView):
    pass


class ArticleDetailView(ArticleDateMixin, DateDetailView):
    def get_queryset(self):
        return Article.objects.published().for_detail()


class ArticleShortView(DetailView):
    """``/a/<pk>/``: a permanent redirect to the dated URL; staff also see drafts and scheduled articles here."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        queryset = Article.objects.for_detail()
        if self.request.user.is_staff:
            return queryset
        return queryset.published()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published:
            return redirect(self.object.get_absolute_url(), permanent=True)
        context = self.get_context_data(object=self.object, is_preview=True)
        response = self.render_to_response(context)
        response["X-Robots-Tag"] = "noindex"
        return response


def page_not_found(request, exception, template_name: str = "404.html"):
    return defaults.page_not_found(request, exception, template_name)


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    # Django's handler renders the template with an empty context: no database, no context processors.
    return defaults.server_error(request, template_name)
