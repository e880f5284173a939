"""The archive's content model.

An article page of the seed (``shared/seeds/000_*.txt``) maps onto these models block by block:
section name -> ``Section``; title, "city - author" line -> ``Article.dateline`` / ``byline``;
body lines -> ``Paragraph`` rows (crossheads keep ``kind=crosshead``); "مقالات مرتبطة" ->
``RelatedLink`` rows; "التغطية الإخبارية" -> ``Brief`` rows; "إقرأ المزيد في" is not stored: it is
the latest other published articles of the same section.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime, timedelta

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from articles import images
from articles.fields import BoundedDateTimeField, HttpURLField, PlainCharField, PlainTextField
from articles.textrules import slug_for

_TITLE_KEY_DROP = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u0640\W_]+")

# Sent inside the transaction by QuerySet.update() and bulk_create() of articles, paragraphs and
# related links, which send no post_save: ``article_ids`` are the articles whose content changed.
# The search index queue listens (articles/search/signals.py), as it does for post_save.
articles_changed = Signal()


class _ChangeSignallingQuerySet(models.QuerySet):
    """update() and bulk_create() that tell ``articles_changed`` which articles they touched."""

    article_field = "pk"

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db):
            # Read first: the update may change what the filter matches.
            ids = list(self.values_list(self.article_field, flat=True).distinct().order_by())
            count = super().update(**kwargs)
            _send_changed(self.model, ids, self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        attname = "pk" if self.article_field == "pk" else f"{self.article_field}_id"
        _send_changed(self.model, [getattr(obj, attname) for obj in created], self.db)
        return created


def _send_changed(model, ids, using: str) -> None:
    ids = sorted({pk for pk in ids if pk is not None})
    if ids:
        articles_changed.send(sender=model, article_ids=ids, using=using)


def title_key(title: str) -> str:
    """A matching key for titles: what differs only by harakat, tatweel, punctuation or spaces is equal.

    Used to link a related-article title to the article once it arrives in the archive.
    """
    text = unicodedata.normalize("NFKC", title or "")
    return _TITLE_KEY_DROP.sub("", text).casefold()[:255]


def save_with_slug(instance: Publication | Section, prefix: str, save, *args, **kwargs) -> None:
    """Save with a slug URLs can be built from: the given one if valid, else one made from it or the name.

    A name with no letters or digits ("؟!") gives no slug at all: then "<prefix>-<pk>".
    """
    instance.slug = slug_for(instance.slug, instance.name)
    if instance.slug:
        save(*args, **kwargs)
        return
    instance.slug = f"{prefix}-new-{uuid.uuid4().hex}"  # unique until the primary key is known
    save(*args, **kwargs)
    instance.slug = f"{prefix}-{instance.pk}"
    type(instance).objects.filter(pk=instance.pk).update(slug=instance.slug)


class Publication(models.Model):
    name = PlainCharField("الاسم", max_length=200, unique=True)
    slug = models.SlugField("المعرّف في الروابط", max_length=200, unique=True, allow_unicode=True)
    source_key = PlainCharField(
        "معرّف المصدر",
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text="المعرّف في بيانات الاستيراد، مثل alriyadh. يُترك فارغًا للمصادر المُدخلة يدويًا.",
    )
    website = HttpURLField("الموقع", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "مصدر"
        verbose_name_plural = "المصادر"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        save_with_slug(self, "publication", super().save, *args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:publication_detail", kwargs={"slug": self.slug})


class Section(models.Model):
    name = PlainCharField("الاسم", max_length=200, unique=True)
    slug = models.SlugField("المعرّف في الروابط", max_length=200, unique=True, allow_unicode=True)
    position = models.PositiveSmallIntegerField("الترتيب", default=100)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "قسم"
        verbose_name_plural = "الأقسام"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        save_with_slug(self, "section", super().save, *args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:section_detail", kwargs={"slug": self.slug})


class ArticleQuerySet(_ChangeSignallingQuerySet):
    """The only definition of "visible" used by views, feeds, sitemaps and the search index.

    An article whose date is not known (``published_at`` NULL, e.g. a captured page without a date) is
    visible once published, but is *undated*: it stays out of everything ordered or grouped by date (latest
    lists, home page, feeds, sitemap, date archive) until an editor sets its date. See docs/dates.md.
    """

    def published(self) -> ArticleQuerySet:
        """Every article a reader may open: dated (and due) or undated."""
        return self.filter(
            Q(published_at__isnull=True) | Q(published_at__lte=timezone.now()),
            status=Article.Status.PUBLISHED,
        )

    def dated(self) -> ArticleQuerySet:
        """Published articles with a known date that has come: what latest lists, feeds and the archive show."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__isnull=False,
            published_at__lte=timezone.now(),
        )

    def undated(self) -> ArticleQuerySet:
        """Published articles whose date is not known, listed as «بدون تاريخ»."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__isnull=True)

    def with_body(self) -> ArticleQuerySet:
        """Articles that have body text (a title-only article is not promoted on the home page)."""
        return self.filter(Exists(Paragraph.objects.filter(article=OuterRef("pk"))))

    def on_this_day(self, today: date, years: range) -> ArticleQuerySet:
        """Dated articles of ``today``'s day and month (local time) in each of ``years``, by local-day ranges.

        Ranges rather than ``__month``/``__day`` lookups: on SQLite those convert every row to local time
        in Python; a range per year is an index seek each.
        """
        ranges = Q()
        for year in years:
            try:
                start = timezone.make_aware(datetime(year, today.month, today.day))
            except ValueError:  # 29 February in a common year
                continue
            ranges |= Q(published_at__gte=start, published_at__lt=start + timedelta(days=1))
        if not ranges:
            return self.none()
        return self.dated().filter(ranges)

    def by_author(self, byline: str) -> ArticleQuerySet:
        return self.filter(byline=byline)

    def in_section(self, section: Section) -> ArticleQuerySet:
        return self.filter(section=section)

    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-pk")

    def review_queue(self) -> ArticleQuerySet:
        """What editors should look at: flagged by an importer as incomplete, or without a date."""
        return self.filter(models.Q(needs_review=True) | models.Q(published_at__isnull=True))

    def for_listing(self) -> ArticleQuerySet:
        """What an article card shows, in one query."""
        return self.select_related("section", "publication")

    def for_detail(self) -> ArticleQuerySet:
        """What a full article page (or the index, or the export) reads, in three queries."""
        return self.select_related("section", "publication").prefetch_related(
            "paragraphs",
            Prefetch(
                "related_links",
                queryset=RelatedLink.objects.select_related("target__section"),
            ),
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "مسودة"
        PUBLISHED = "published", "منشور"

    title = PlainCharField("العنوان", max_length=500)
    section = models.ForeignKey(
        Section, verbose_name="القسم", on_delete=models.PROTECT, related_name="articles", null=True, blank=True
    )
    publication = models.ForeignKey(
        Publication,
        verbose_name="المصدر",
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
    )
    dateline = PlainCharField("مكان الخبر", max_length=200, blank=True, help_text="المدينة في رأس الخبر، مثل: دمشق")
    byline = PlainCharField("الكاتب", max_length=300, blank=True)
    published_at = BoundedDateTimeField("تاريخ النشر", null=True, blank=True, db_index=True)
    updated_at = BoundedDateTimeField("تاريخ التحديث", null=True, blank=True)
    lead = PlainTextField("الملخص", blank=True)
    source_url = HttpURLField("رابط المصدر", max_length=1000, unique=True, null=True, blank=True)
    content_hash = models.CharField(
        "بصمة المحتوى",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="تمنع تكرار المقالات المستوردة التي ليس لها رابط مصدر.",
    )
    title_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    status = models.CharField(
        "الحالة",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="لا يظهر للقراء إلا المنشور الذي حلّ تاريخ نشره.",
    )
    needs_review = models.BooleanField(
        "يحتاج إلى مراجعة", default=False, help_text="استُورد ناقصًا (بلا عنوان أو قسم أو تاريخ)."
    )
    # The lead photo (optional): the uploaded original and its resized WebP copies (articles/images.py).
    image = models.ImageField(
        "الصورة الرئيسية",
        upload_to=images.upload_to,
        max_length=300,
        blank=True,
        help_text="اختيارية. JPEG أو PNG أو WebP؛ تُصغَّر تلقائيًا إلى عدة مقاسات للعرض.",
    )
    image_alt = models.CharField(
        "النص البديل للصورة",
        max_length=300,
        blank=True,
        help_text="مطلوب مع الصورة: صف ما فيها في جملة لمن لا يراها، مثل: «وزير الخارجية يصافح نظيره في أستانا».",
    )
    image_caption = models.CharField("تعليق الصورة", max_length=500, blank=True)
    image_credit = models.CharField("مصدر الصورة", max_length=200, blank=True, help_text="مثل: واس، أو اسم المصوّر")
    image_renditions = models.JSONField(default=list, blank=True, editable=False)
    section_inferred = models.BooleanField(
        "القسم مستنتج",
        default=False,
        help_text="اختار القسمَ مصنِّفٌ آلي من نص المقال لا المصدر؛ أزل التعليم بعد التحقق منه.",
    )
    created = models.DateTimeField("أُنشئ", auto_now_add=True)
    modified = models.DateTimeField("عُدّل", auto_now=True, db_index=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "مقال"
        verbose_name_plural = "المقالات"
        indexes = [
            # Home, section, publication and date pages: published articles, newest first.
            models.Index(fields=["status", "published_at"], name="article_status_pub"),
            models.Index(fields=["section", "status", "published_at"], name="article_section_pub"),
            models.Index(fields=["publication", "status", "published_at"], name="article_publication_pub"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.title_key = title_key(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # Drafts have no date yet: their permanent short URL redirects once they are published.
        if self.published_at is None:
            return reverse("articles:article_short", kwargs={"pk": self.pk})
        local = timezone.localtime(self.published_at)
        return reverse(
            "articles:article_detail",
            kwargs={"year": local.year, "month": local.month, "day": local.day, "pk": self.pk},
        )

    @property
    def is_published(self) -> bool:
        """Visible to readers: published, and either undated or dated no later than now."""
        return self.status == self.Status.PUBLISHED and (
            self.published_at is None or self.published_at <= timezone.now()
        )

    @property
    def is_undated(self) -> bool:
        return self.published_at is None

    @property
    def has_body(self) -> bool:
        """Whether the article has body text (uses prefetched paragraphs)."""
        return any(p.text.strip() for p in self.paragraphs.all())

    @property
    def body_text(self) -> str:
        """The body as plain text, one paragraph or crosshead a line (uses prefetched paragraphs)."""
        return "\n".join(p.text for p in self.paragraphs.all())


class ParagraphQuerySet(_ChangeSignallingQuerySet):
    article_field = "article"


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        PARAGRAPH = "p", "فقرة"
        CROSSHEAD = "h", "عنوان فرعي"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField("الترتيب", default=0)
    kind = models.CharField("النوع", max_length=1, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = PlainTextField("النص")

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["article", "position", "pk"]
        verbose_name = "فقرة"
        verbose_name_plural = "فقرات النص"

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_crosshead(self) -> bool:
        return self.kind == self.Kind.CROSSHEAD


class RelatedLinkQuerySet(_ChangeSignallingQuerySet):
    article_field = "source"

    def link_pending(self, article: Article) -> int:
        """Point still-unlinked related titles at ``article`` now that it is in the archive."""
        if not article.title_key:
            return 0
        return (
            self.filter(target__isnull=True, title_key=article.title_key).exclude(source=article).update(target=article)
        )


class RelatedLink(models.Model):
    """One entry of an article's ordered "مقالات مرتبطة" list.

    The title is always kept; ``target`` is filled once an article with that title is in the archive.
    """

    source = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    position = models.PositiveIntegerField("الترتيب", default=0)
    title = PlainCharField("العنوان", max_length=500)
    title_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    target = models.ForeignKey(
        Article,
        verbose_name="المقال",
        on_delete=models.SET_NULL,
        related_name="related_from",
        null=True,
        blank=True,
    )

    objects = RelatedLinkQuerySet.as_manager()

    class Meta:
        ordering = ["source", "position", "pk"]
        verbose_name = "مقال مرتبط"
        verbose_name_plural = "مقالات مرتبطة"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.target_id and not self.title:
            self.title = self.target.title
        self.title_key = title_key(self.title)
        super().save(*args, **kwargs)


class BriefQuerySet(models.QuerySet):
    def live(self) -> BriefQuerySet:
        """Active briefs with a known time that has come, newest first."""
        return self.filter(is_active=True, published_at__lte=timezone.now()).order_by("-published_at", "-pk")

    def of_day(self, day: date | None) -> BriefQuerySet:
        """Active briefs of one local day, newest first; ``None``: the briefs without a known time, in page order."""
        if day is None:
            return self.filter(is_active=True, published_at__isnull=True).order_by("pk")
        start = timezone.make_aware(datetime(day.year, day.month, day.day))
        return self.live().filter(published_at__gte=start, published_at__lt=start + timedelta(days=1))


class Brief(models.Model):
    """A line of the "التغطية الإخبارية" ticker, such as "لبنان| بدء جلسة مجلس الوزراء"."""

    region = PlainCharField("المنطقة", max_length=100, blank=True, help_text="مثل: لبنان")
    text = PlainCharField("الخبر", max_length=500)
    # NULL: the source gave no time (a captured page's ticker); shown without a time, never the import time.
    published_at = BoundedDateTimeField(
        "الوقت",
        default=timezone.now,
        null=True,
        blank=True,
        db_index=True,
        help_text="يُترك فارغًا إذا لم يذكر المصدر وقت الخبر.",
    )
    publication = models.ForeignKey(
        Publication, verbose_name="المصدر", on_delete=models.SET_NULL, null=True, blank=True, related_name="briefs"
    )
    is_active = models.BooleanField("ظاهر", default=True)

    objects = BriefQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "خبر عاجل"
        verbose_name_plural = "التغطية الإخبارية"
        constraints = [
            models.UniqueConstraint(fields=["region", "text"], name="brief_unique_region_text"),
        ]

    def __str__(self) -> str:
        return f"{self.region}| {self.text}" if self.region else self.text


# Sent inside the transaction by VariantSet QuerySet.update()/bulk_create() (no post_save).
variant_sets_changed = Signal()


class VariantSetQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db):
            count = super().update(**kwargs)
            variant_sets_changed.send(sender=VariantSet, using=self.db)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        variant_sets_changed.send(sender=VariantSet, using=self.db)
        return created


class VariantSet(models.Model):
    """Spellings that readers use for the same word, mostly foreign names (أستانا = أستانة = آستانة).

    Editors manage these in the admin; search folds every member to the first spelling at index and
    query time (articles/search/variants.py), so any of them finds all of them.
    """

    canonical = PlainCharField("الصيغة المعتمدة", max_length=100, unique=True)
    variants = PlainTextField(
        "الصيغ الأخرى", help_text="صيغة في كل سطر، مثل: أستانة ثم آستانة. الهمزات والتشكيل لا تهم."
    )
    note = PlainCharField("ملاحظة", max_length=200, blank=True)
    is_active = models.BooleanField("مفعّلة", default=True)
    modified = models.DateTimeField("عُدّلت", auto_now=True)

    objects = VariantSetQuerySet.as_manager()

    class Meta:
        ordering = ["canonical"]
        verbose_name = "مجموعة صيغ إملائية"
        verbose_name_plural = "الصيغ الإملائية"

    def __str__(self) -> str:
        return self.canonical

    @property
    def spellings(self) -> list[str]:
        """All spellings of the set, the canonical one first, without blanks or repeats."""
        seen: list[str] = []
        for item in [self.canonical, *re.split(r"[\n,،=]+", self.variants)]:
            item = item.strip()
            if item and item not in seen:
                seen.append(item)
        return seen


class VariantSetsRevision(models.Model):
    """One row: a number raised in the same transaction as every change to the spelling sets.

    Each process compares it with the number its cached map was loaded at, once per lookup (one
    primary-key read), so every gunicorn worker uses the same sets as soon as the change commits.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "رقم نسخة الصيغ الإملائية"

    def __str__(self) -> str:
        return str(self.number)


class IndexTask(models.Model):
    """A change the search index has not applied yet: the transactional outbox of the index.

    Written in the transaction that changes the content, so the change and the task commit or roll
    back together; the index writer (``manage.py run_indexer``) applies and then deletes it
    (docs/operations.md, "The search index writer").
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "مقال"
        SECTION = "section", "قسم أعيدت تسميته"
        PUBLICATION = "publication", "مصدر أعيدت تسميته"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ARTICLE)
    object_id = models.PositiveBigIntegerField()
    created = models.DateTimeField(default=timezone.now)
    # Renames are applied a batch of articles at a time: the last article pk done.
    cursor = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failure the task waits (growing back-off) before it is tried again.
    not_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        # Each writer pass picks the oldest tasks of one kind: after a bulk change the table holds
        # tens of thousands of article tasks, and a rename must be found without scanning them.
        indexes = [models.Index(fields=["kind", "id"], name="indextask_kind_id")]
        verbose_name = "تحديث معلّق لفهرس البحث"
        verbose_name_plural = "تحديثات فهرس البحث المعلّقة"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
