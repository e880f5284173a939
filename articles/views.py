"""Public pages of the archive: thin class-based views over ``Article.objects.published()``.

Readers only ever see ``published()`` articles. Staff may preview drafts and scheduled articles
through the short URL ``/a/<pk>/``, which otherwise redirects to the permanent dated URL.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect
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


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = listing()[:HOME_LATEST]
        # The latest few of every section in one query (a window per section), not one query a section.
        ranked = (
            listing()
            .filter(section__isnull=False)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=F("section_id"), order_by=[F("published_at").desc(), F("pk").desc()]
                )
            )
            .filter(rank__lte=HOME_PER_SECTION)
            .order_by("section__position", "section__name", "rank")
        )
        context["section_blocks"] = [
            (section, list(items)) for section, items in groupby(ranked, attrgetter("section"))
        ]
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
