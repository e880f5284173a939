"""The editors' admin: declarative, Arabic (LANGUAGE_CODE "ar" makes Django's admin RTL).

Roles are in articles/signals.py (the editors group), login throttling in articles/throttle.py.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, Q
from django.forms import Textarea
from django.utils import timezone

from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, Section, VariantSet
from articles.throttle import ThrottledAdminAuthenticationForm

admin.site.site_header = "أرشيف الأخبار — الإدارة"
admin.site.site_title = "أرشيف الأخبار"
admin.site.index_title = "إدارة المحتوى"
admin.site.login_form = ThrottledAdminAuthenticationForm


# Explicit until Django 6 makes https the default scheme for URLs typed without one.
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fields = ["position", "kind", "text"]
    ordering = ["position", "pk"]
    extra = 1
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "source"  # RelatedLink has two foreign keys to Article
    fields = ["position", "title", "target"]
    autocomplete_fields = ["target"]
    ordering = ["position", "pk"]
    extra = 1


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "publication", "published_at", "status", "needs_review"]
    list_filter = ["status", "section", "publication", "needs_review", "published_at"]
    list_select_related = ["section", "publication"]
    search_fields = ["title", "byline", "dateline"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]
    # A COUNT(*) over 31k rows on every filtered page is the slowest query of the changelist.
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = ["created", "modified", "content_hash"]
    fieldsets = [
        ("الخبر", {"fields": ["title", "dateline", "byline", "lead"]}),
        (
            "النشر والتصنيف",
            {"fields": ["status", "published_at", "updated_at", "section", "publication", "needs_review"]},
        ),
        ("المصدر", {"fields": ["source_url", "content_hash"], "classes": ["collapse"]}),
        ("السجل", {"fields": ["created", "modified"], "classes": ["collapse"]}),
    ]
    inlines = [ParagraphInline, RelatedLinkInline]
    actions = ["publish", "unpublish"]
    formfield_overrides = URL_FIELD
    view_on_site = True  # Article.get_absolute_url: the dated URL, or the short one for undated drafts

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "title" in form.changed_data:
            # Related-article titles that other articles already list now point at this one.
            RelatedLink.objects.link_pending(obj)

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
        self.message_user(request, f"عدد المقالات التي نُشرت: {changed}", messages.SUCCESS)

    @admin.action(description="إعادة المقالات المحددة إلى المسودات", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = 0
        with transaction.atomic():
            for article in queryset.filter(status=Article.Status.PUBLISHED):
                article.status = Article.Status.DRAFT
                article.save(update_fields=["status", "modified"])
                changed += 1
        self.message_user(request, f"عدد المقالات التي أُعيدت إلى المسودات: {changed}", messages.SUCCESS)


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
class BriefAdmin(admin.ModelAdmin):
    list_display = ["region", "text", "published_at", "publication", "is_active"]
    list_display_links = ["region", "text"]  # region may be empty
    list_editable = ["is_active"]
    list_filter = ["is_active", "publication", "published_at"]
    list_select_related = ["publication"]
    search_fields = ["region", "text"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]


@admin.register(VariantSet)
class VariantSetAdmin(admin.ModelAdmin):
    list_display = ["canonical", "variants_inline", "is_active", "note"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["canonical", "variants", "note"]
    readonly_fields = ["modified"]

    @admin.display(description="الصيغ")
    def variants_inline(self, obj: VariantSet) -> str:
        return "، ".join(obj.spellings[1:])
