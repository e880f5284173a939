"""The editors' admin: declarative, Arabic (LANGUAGE_CODE "ar" makes Django's admin RTL).

Roles are in articles/signals.py (the editors group), login throttling in articles/throttle.py.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime, AdminTimeWidget, AutocompleteSelect
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import images, revisions
from articles.admin_forms import ArticleAdminForm
from articles.admin_search import archive_matches, narrowing_from
from articles.forms import VariantSetForm
from articles.models import Article, Brief, Publication, RelatedLink, Section, VariantSet
from articles.search import lifecycle
from articles.templatetags.archive import ar_datetime
from articles.throttle import ThrottledAdminAuthenticationForm

admin.site.site_header = "أرشيف الأخبار — الإدارة"
admin.site.site_title = "أرشيف الأخبار"
admin.site.index_title = "إدارة المحتوى"
admin.site.login_form = ThrottledAdminAuthenticationForm
# The app list beside every page took a quarter of a 1280 px screen from the changelist and the forms;
# the index page and the breadcrumbs lead to the same places.
admin.site.enable_nav_sidebar = False


# Explicit until Django 6 makes https the default scheme for URLs typed without one.
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


# Accessible names. The admin's tabular inlines put the field labels in the column headers only, and
# its split date/time widget labels its two inputs with bare text, so screen readers (and axe) find
# inputs without a name. Each such input gets an aria-label; no template overrides, no scripts (CSP).


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date + time inputs, each named after the field ("تاريخ النشر: التاريخ")."""

    def __init__(self, label: str, attrs=None):
        super().__init__(attrs)
        self.widgets = [
            AdminDateWidget(attrs={"aria-label": f"{label}: التاريخ"}),
            AdminTimeWidget(attrs={"aria-label": f"{label}: الوقت"}),
        ]


class LabelledAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box with a name.

    Select2 hides the <select> and names its own combobox by the text it shows (aria-labelledby), which
    is empty when nothing is chosen: Django forces ``data-placeholder=""``. A placeholder gives it a name.
    """

    def __init__(self, field, admin_site, label: str, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.label = label

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = self.label
        attrs["aria-label"] = self.label
        return attrs


class LabelledInlineMixin:
    """Tabular inlines: every input gets ``aria-label`` = its field's and its row's names ("الترتيب، فقرة")."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name != self.fk_name:
            widget = getattr(formfield.widget, "widget", formfield.widget)  # inside RelatedFieldWidgetWrapper
            widget.attrs.setdefault("aria-label", f"{db_field.verbose_name}، {self.model._meta.verbose_name}")
        return formfield


class RelatedLinkInline(LabelledInlineMixin, admin.TabularInline):
    model = RelatedLink
    fk_name = "source"  # RelatedLink has two foreign keys to Article
    fields = ["position", "title", "target"]
    autocomplete_fields = ["target"]
    ordering = ["position", "pk"]
    extra = 1

    class Media:
        js = ["admin-a11y.js"]  # names Select2's inner textbox after the <select> (see the file)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, label=f"{db_field.verbose_name} (ابحث بالعنوان)", using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RevisionAdmin(VersionAdmin):
    """django-reversion's admin, without a revision block (a transaction) around changelist reads.

    Only a POST of the changelist saves anything (actions, list_editable): that keeps its revision.
    """

    change_list_template = "admin/revision_change_list.html"

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":
            return super().changelist_view(request, extra_context)
        extra_context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, extra_context)


class ReviewQueueFilter(admin.SimpleListFilter):
    """The editors' queue: articles an importer flagged as incomplete, and articles without a date."""

    title = "قائمة المراجعة"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("queue", "كل ما يحتاج إلى مراجعة"),
            ("flagged", "استُورد ناقصًا"),
            ("undated", "بلا تاريخ نشر"),
            ("done", "لا يحتاج إلى مراجعة"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "queue":
            return queryset.review_queue()
        if value == "flagged":
            return queryset.filter(needs_review=True)
        if value == "undated":
            return queryset.filter(published_at__isnull=True)
        if value == "done":
            return queryset.exclude(pk__in=queryset.review_queue().values("pk"))
        return queryset


@admin.register(Article)
class ArticleAdmin(RevisionAdmin):
    list_display = ["title", "section", "publication", "published_at", "status", "review"]
    list_filter = [ReviewQueueFilter, "status", "section", "publication", "published_at"]
    list_select_related = ["section", "publication"]
    search_fields = ["title", "byline", "dateline"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]
    # A COUNT(*) over 31k rows on every filtered page is the slowest query of the changelist.
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = ["created", "modified", "content_hash"]
    fieldsets = [
        ("الخبر", {"fields": ["title", "dateline", "byline", "lead", "body"]}),
        (
            "النشر والتصنيف",
            {"fields": ["status", "published_at", "updated_at", "section", "publication", "needs_review"]},
        ),
        ("الصورة الرئيسية", {"fields": ["image", "image_alt", "image_caption", "image_credit"]}),
        ("المصدر", {"fields": ["source_url", "content_hash"], "classes": ["collapse"]}),
        ("السجل", {"fields": ["created", "modified"], "classes": ["collapse"]}),
    ]
    form = ArticleAdminForm  # the body as one text (articles/body_text.py), not a row per paragraph
    inlines = [RelatedLinkInline]
    actions = ["publish", "unpublish", "mark_reviewed"]
    formfield_overrides = URL_FIELD
    view_on_site = True  # Article.get_absolute_url: the dated URL, or the short one for undated drafts
    # History: every revision (articles/revisions.py), newest first, two of them to compare, one to restore.
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_compare",
        )
        return [compare, *super().get_urls()]

    def _versions(self, object_id: str):
        return Version.objects.get_for_object_reference(Article, object_id).select_related("revision__user")

    def history_view(self, request, object_id, extra_context=None):
        versions = list(self._versions(unquote(object_id)).order_by("-pk"))
        extra_context = {**(extra_context or {}), "versions": versions}
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        """Two revisions side by side as one text per field, words removed in <del>, added in <ins>."""
        object_id = unquote(object_id)
        article = self.get_object(request, object_id)
        if article is None or not self.has_view_or_change_permission(request, article):
            raise Http404
        versions = self._versions(object_id)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            self.message_user(request, "اختر نسختين من سجل المقال للمقارنة بينهما.", messages.ERROR)
            return redirect(reverse("admin:articles_article_history", args=[quote(object_id)]))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        changes = revisions.compare(old, new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "object_id": object_id,
            "title": f"مقارنة نسختين: {article}",
            "old": old,
            "new": new,
            "changes": changes,
            "changed": [c for c in changes if c.changed],
            "unchanged": [c.label for c in changes if not c.changed],
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and db_field.editable:
            kwargs.setdefault("widget", LabelledSplitDateTime(str(db_field.verbose_name)))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="للمراجعة", ordering="-needs_review")
    def review(self, obj: Article) -> str:
        # Words, not the admin's red/green icons: most rows need nothing, and a column of red crosses shouts.
        reasons = []
        if obj.needs_review:
            reasons.append("ناقص")
        if obj.published_at is None:
            reasons.append("بلا تاريخ")
        return "، ".join(reasons) or "—"

    def get_search_results(self, request, queryset, search_term):
        """The literal match of ``search_fields`` or the archive's Arabic search (articles/admin_search.py)."""
        literal, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return literal, may_have_duplicates
        matches = archive_matches(search_term, narrowing_from(request.GET))
        # The autocomplete of related articles searches here too; its JSON has no room for messages.
        if matches.message and getattr(request.resolver_match, "url_name", "") == "articles_article_changelist":
            self.message_user(request, matches.message, messages.WARNING)
        if not matches.pks:
            return literal, may_have_duplicates
        # Filters already applied to ``queryset`` keep applying: both sides are narrowed by it.
        return queryset.filter(Q(pk__in=matches.pks) | Q(pk__in=literal.values("pk"))), False

    def save_model(self, request, obj, form, change):
        if "image" in form.changed_data:
            # Old files stay: a revision that is restored still names them.
            obj.image_renditions = []
            if obj.image:
                obj.image.save(obj.image.name, obj.image.file, save=False)  # stored now, to be resized
                obj.image_renditions = images.make_renditions(obj.image.name, obj.image.storage)
        super().save_model(request, obj, form, change)
        if not change or "title" in form.changed_data:
            # Related-article titles that other articles already list now point at this one.
            RelatedLink.objects.link_pending(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_body(form.instance)

    @admin.action(description="نشر المقالات المحددة", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        changed = 0
        # Saved one by one (not update()) so save signals, and the search index, see every change.
        with transaction.atomic():
            for article in queryset.filter(Q(status=Article.Status.DRAFT) | Q(published_at__isnull=True)):
                article.status = Article.Status.PUBLISHED
                if article.published_at is None:
                    article.published_at = now
                article.save(update_fields=["status", "published_at", "modified"])
                changed += 1
        message = ngettext("%(count)s article was published.", "%(count)s articles were published.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description="إعادة المقالات المحددة إلى المسودات", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = 0
        with transaction.atomic():
            for article in queryset.filter(status=Article.Status.PUBLISHED):
                article.status = Article.Status.DRAFT
                article.save(update_fields=["status", "modified"])
                changed += 1
        message = ngettext(
            "%(count)s article was returned to drafts.", "%(count)s articles were returned to drafts.", changed
        )
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description="تمت مراجعة المقالات المحددة (إخراجها من قائمة المراجعة)", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        changed = 0
        with transaction.atomic():
            for article in queryset.filter(needs_review=True):
                article.needs_review = False
                article.save(update_fields=["needs_review", "modified"])
                changed += 1
        undated = queryset.filter(published_at__isnull=True).count()
        message = ngettext(
            "%(count)s article left the review queue.", "%(count)s articles left the review queue.", changed
        ) % {"count": changed}
        if undated:
            message += " " + ngettext(
                "%(count)s undated article stays in the queue.",
                "%(count)s undated articles stay in the queue.",
                undated,
            ) % {"count": undated}
        self.message_user(request, message, messages.SUCCESS)


class ArticleCountMixin:
    """An "articles" column counted in the changelist query itself (one query, not one per row)."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="عدد المقالات", ordering="article_count")
    def article_count(self, obj) -> int:
        return obj.article_count


@admin.register(Section)
class SectionAdmin(ArticleCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "article_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Publication)
class PublicationAdmin(ArticleCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "source_key", "website", "article_count"]
    formfield_overrides = URL_FIELD
    search_fields = ["name", "source_key"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Brief)
class BriefAdmin(RevisionAdmin):
    list_display = ["region", "text", "published_at", "publication", "is_active"]
    list_display_links = ["region", "text"]  # region may be empty
    list_editable = ["is_active"]
    list_filter = ["is_active", "publication", "published_at"]
    list_select_related = ["publication"]
    search_fields = ["region", "text"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]


# Spelling sets are applied when an article is indexed (articles/search/lifecycle.py): an edit reaches
# search only after build_index, which editors cannot run. The admin says so after each change, and
# the changelist shows whether the live index was built with the sets as they are now.
REBUILD_WARNING = (
    "تُطبَّق تعديلات صيغ الكتابة على البحث بعد إعادة بناء الفهرس. اطلب من مسؤول الموقع تشغيل الأمر "
    "manage.py build_index (نحو دقيقة)، وحتى ذلك الحين قد لا يجد البحث المقالات المكتوبة بالصيغ المعدّلة."
)
UNCHANGED_NOTE = "لم يغيّر هذا التعديل ما يستعمله البحث من صيغ الكتابة، فلا حاجة إلى إعادة بناء الفهرس."


def index_status_message(status: lifecycle.VariantStatus | None) -> tuple[str, str] | None:
    """(message level tag, Arabic text) describing the live index against the current sets."""
    if status is None:  # another search engine: nothing recorded to compare
        return None
    if status.state == "missing":
        return "warning", "لا يوجد فهرس بحث بعد؛ يُبنى بالأمر manage.py build_index."
    if status.state == "unknown":
        return "warning", (
            "لا يُعرف بأي صيغ كتابة بُني فهرس البحث (بُني قبل أن يُسجَّل ذلك). "
            "بعد إعادة بنائه (manage.py build_index) تظهر هنا مطابقته للصيغ."
        )
    built = ar_datetime(status.built_at)  # "21 يوليو، 2015 10:00 ص", as on the site
    if status.state == "current":
        return "success", f"فهرس البحث مطابق لصيغ الكتابة الحالية (بُني في {built})."
    changes = status.changes
    counts = [
        f"{label}: {len(names)}"
        for label, names in (
            ("مجموعات أضيفت", changes.added),
            ("حُذفت أو عُطّلت", changes.removed),
            ("عُدّلت", changes.changed),
        )
        if names
    ]
    if counts:
        detail = f"تغيّرت المجموعات منذ بنائه في {built} ({'، '.join(counts)})"
    else:
        detail = f"أُعيدت فهرسة بعض المقالات بعد بنائه في {built} بصيغ غير الحالية"
    return "warning", (
        f"فهرس البحث لا يطابق صيغ الكتابة الحالية: {detail}. "
        "تُطبَّق التعديلات على البحث بعد إعادة بناء الفهرس (manage.py build_index)."
    )


@admin.register(VariantSet)
class VariantSetAdmin(admin.ModelAdmin):
    form = VariantSetForm  # confirms sets that merge frequent words (articles/search/variant_check.py)
    list_display = ["canonical", "variants_inline", "is_active", "note"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["canonical", "variants", "note"]
    readonly_fields = ["modified"]

    @admin.display(description="الصيغ")
    def variants_inline(self, obj: VariantSet) -> str:
        return "، ".join(obj.spellings[1:])

    def changelist_view(self, request, extra_context=None):
        # Shown under the messages by templates/admin/articles/variantset/change_list.html.
        extra_context = {**(extra_context or {}), "index_status": index_status_message(lifecycle.live_variant_status())}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._tell_about_rebuild(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._tell_about_rebuild(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._tell_about_rebuild(request)

    def _tell_about_rebuild(self, request) -> None:
        """Once per request (the changelist saves several rows): rebuild needed, or not."""
        if getattr(request, "_variant_rebuild_told", False):
            return
        request._variant_rebuild_told = True
        status = lifecycle.live_variant_status()
        if status is not None and status.state == "current":  # e.g. only the note changed
            self.message_user(request, UNCHANGED_NOTE, messages.INFO)
        else:
            self.message_user(request, REBUILD_WARNING, messages.WARNING)
