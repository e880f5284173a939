"""Public pages of the archive: thin class-based views over ``Article.objects.published()``.

Readers only ever see ``published()`` articles; what is listed by date (home, date archive, feeds) is
``dated()``, and undated articles have their own list (docs/dates.md). Staff may preview drafts and
scheduled articles through the short URL ``/a/<pk>/``, which otherwise redirects to the permanent dated
URL, or, for an undated article, is its permanent URL.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
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

from articles import citation
from articles.models import Article, Publication, Section
from articles.periods import distinct_periods

HOME_LATEST = 10
HOME_PER_SECTION = 4
ON_THIS_DAY = 6


def listing():
    """Dated published articles as cards need them: newest first, section and publication joined."""
    return Article.objects.dated().for_listing().latest_first()


def dated_then_undated():
    """Every published article, newest first and the undated ones last (section, publication, author lists)."""
    return Article.objects.published().for_listing().order_by(F("published_at").desc(nulls_last=True), "-pk")


def on_this_day(today) -> list[Article]:
    """ "في مثل هذا اليوم": dated articles of ``today``'s day and month in earlier years, newest first."""
    first = Article.objects.dated().order_by("published_at").values_list("published_at", flat=True).first()
    if first is None:
        return []
    years = range(timezone.localtime(first).year, today.year)
    return list(Article.objects.on_this_day(today, years).for_listing().latest_first()[:ON_THIS_DAY])


# --- Pages -------------------------------------------------------------------------------------


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Title-only articles (no body text) are listed elsewhere but not promoted here.
        context["latest"] = listing().with_body()[:HOME_LATEST]
        # The latest few of every section in one query: an IN (... LIMIT n) subquery per section, each
        # read straight off the (section, status, published_at) index. (A ROW_NUMBER() window over all
        # sections sorted the whole corpus: 0.6 s.) The sections list is shared with the section nav.
        sections = list(Section.objects.all())
        context["all_sections"] = sections
        per_section = Q()
        for section in sections:
            latest = Article.objects.dated().in_section(section).with_body().latest_first().values("pk")
            per_section |= Q(pk__in=latest[:HOME_PER_SECTION])
        by_section: dict[int, list[Article]] = {section.pk: [] for section in sections}
        if sections:
            # No published() filter outside: the subqueries have it, and it would make SQLite scan it.
            for article in Article.objects.for_listing().filter(per_section).latest_first():
                by_section[article.section_id].append(article)
        context["section_blocks"] = [(s, by_section[s.pk]) for s in sections if by_section[s.pk]]
        context["on_this_day"] = on_this_day(timezone.localdate())
        return context


class ArticlesOfMixin(SingleObjectMixin):
    """A paginated list of the published articles of one section or publication (``self.object``), undated last."""

    paginate_by = settings.ARTICLES_PER_PAGE
    field: str

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=self.model.objects.all())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return dated_then_undated().filter(**{self.field: self.object})


class SectionDetailView(ArticlesOfMixin, ListView):
    model = Section
    field = "section"
    template_name = "articles/section_detail.html"


class PublicationDetailView(ArticlesOfMixin, ListView):
    model = Publication
    field = "publication"
    template_name = "articles/publication_detail.html"


class PublicationListView(ListView):
    """``/publication/``: every publication with its number of published articles, by name."""

    template_name = "articles/publication_list.html"
    context_object_name = "publications"

    def get_queryset(self):
        counts = (
            Article.objects.published()
            .filter(publication=OuterRef("pk"))
            .order_by()
            .values("publication")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Publication.objects.annotate(
            article_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
        ).filter(article_count__gt=0)


class AuthorDetailView(ListView):
    """``/author/<byline>/``: the published articles signed with exactly this byline."""

    template_name = "articles/author_detail.html"
    paginate_by = settings.ARTICLES_PER_PAGE
    allow_empty = False

    def get_queryset(self):
        self.author = self.kwargs["name"].strip()
        return dated_then_undated().by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class UndatedListView(ListView):
    """``/undated/``: «بدون تاريخ», published articles whose date is not known, newest import first."""

    template_name = "articles/undated_list.html"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.undated().for_listing().order_by("-pk")


class CitationMixin:
    """Adds the permalink and its citations (``articles.citation``) to an article page."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = context["object"]
        if article.is_published:
            permalink = self.request.build_absolute_uri(article.get_absolute_url())
            context["permalink"] = permalink
            context["citation"] = citation.cite(article, permalink)
        return context


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


class ArticleDetailView(CitationMixin, ArticleDateMixin, DateDetailView):
    def get_queryset(self):
        return Article.objects.dated().for_detail()


class ArticleShortView(CitationMixin, DetailView):
    """``/a/<pk>/``: a permanent redirect to the dated URL, the page itself for an undated article; staff also
    see drafts and scheduled articles here."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        queryset = Article.objects.for_detail()
        if self.request.user.is_staff:
            return queryset
        return queryset.published()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published:
            if self.object.is_undated:
                return self.render_to_response(self.get_context_data(object=self.object))
            return redirect(self.object.get_absolute_url(), permanent=True)
        context = self.get_context_data(object=self.object, is_preview=True)
        response = self.render_to_response(context)
        response["X-Robots-Tag"] = "noindex"
        return response


class CitationDownloadView(DetailView):
    """``/a/<pk>/cite.bib`` and ``cite.ris``: the article's citation as a file for a reference manager."""

    FORMATS = {
        "bib": ("application/x-bibtex; charset=utf-8", citation.bibtex),
        "ris": ("application/x-research-info-systems; charset=utf-8", citation.ris),
    }

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def render_to_response(self, context, **response_kwargs):
        article = self.object
        content_type, render = self.FORMATS[self.kwargs["format"]]
        permalink = self.request.build_absolute_uri(article.get_absolute_url())
        response = HttpResponse(render(article, permalink), content_type=content_type)
        filename = f"{citation.bibtex_key(article)}.{self.kwargs['format']}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def page_not_found(request, exception, template_name: str = "404.html"):
    return defaults.page_not_found(request, exception, template_name)


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    # Django's handler renders the template with an empty context: no database, no context processors.
    return defaults.server_error(request, template_name)
