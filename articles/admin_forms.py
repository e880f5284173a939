"""The article change form: one body text field over the Paragraph rows (format in articles/body_text.py)."""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.utils.safestring import mark_safe

from articles import body_text, images
from articles.models import Article, Paragraph

# HTML: the marks in <code> (their own direction), so «## » reads as typed inside the Arabic sentence.
BODY_HELP = mark_safe(
    "اكتب النص كما يُنشر: اترك سطرًا فارغًا بين كل فقرتين. "
    "العنوان الفرعي سطر مستقل يبدأ بعلامتَي <code>##</code> ثم مسافة، مثل: <code>## ردود الفعل</code>. "
    'إن بدأت فقرةٌ فعلًا بـ<code>## </code> فاكتب قبلها شرطة مائلة عكسية: <code dir="ltr">\\## </code>. '
    "الأسطر المتتالية بلا سطر فارغ بينها تبقى أسطرًا في الفقرة نفسها، والمسافات في أواخر الأسطر تُحذف."
)


def article_rows(article: Article | None) -> list[body_text.Row]:
    if article is None or article.pk is None:
        return []
    return [(p.kind, p.text) for p in article.paragraphs.order_by("position", "pk")]


@transaction.atomic
def write_paragraphs(article: Article, rows: list[body_text.Row]) -> bool:
    """Make the article's Paragraph rows equal ``rows``; returns whether anything changed.

    Rows are updated in place by position (unchanged rows are not written), surplus rows deleted,
    missing ones created: a one-word correction touches one row, and revisions stay small.
    """
    existing = list(article.paragraphs.order_by("position", "pk"))
    changed = False
    for position, (kind, text) in enumerate(rows):
        if position < len(existing):
            row = existing[position]
            if (row.position, row.kind, row.text) != (position, kind, text):
                row.position, row.kind, row.text = position, kind, text
                row.save(update_fields=["position", "kind", "text"])
                changed = True
        else:
            Paragraph.objects.create(article=article, position=position, kind=kind, text=text)
            changed = True
    for row in existing[len(rows) :]:
        row.delete()
        changed = True
    return changed


def _formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    # The class's own fields are built before the admin's formfield_overrides apply: same scheme here.
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class LeadImageField(forms.FileField):
    """A file checked as a lead image by its content (articles/images.py), renamed after its real format."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            upload.name = images.check(upload)
        return upload


ALT_REQUIRED = "اكتب النص البديل للصورة: جملة تصف ما فيها لمن لا يراها (قارئات الشاشة، أو إن لم تُحمَّل الصورة)."


class ArticleAdminForm(forms.ModelForm):
    image = LeadImageField(
        label=Article._meta.get_field("image").verbose_name,
        required=False,
        help_text=Article._meta.get_field("image").help_text,
    )
    body = forms.CharField(
        label="النص",
        required=False,
        strip=False,  # body_text reads the lines itself (trailing spaces, Windows newlines)
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 24, "dir": "rtl", "class": "body-text", "lang": "ar"}),
    )

    class Meta:
        model = Article
        # What the admin's fieldsets show (it builds the final form from them).
        fields = [
            "title",
            "dateline",
            "byline",
            "lead",
            "status",
            "published_at",
            "updated_at",
            "section",
            "publication",
            "needs_review",
            "source_url",
            "image",
            "image_alt",
            "image_caption",
            "image_credit",
        ]
        formfield_callback = _formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].initial = body_text.to_text(article_rows(self.instance))

    def clean_body(self) -> str:
        text = self.cleaned_data.get("body") or ""
        # The normal form: what the editor sees again when the form reopens.
        return body_text.to_text(body_text.to_rows(text))

    def clean(self):
        cleaned = super().clean()
        # An image kept or newly chosen (not cleared: False) needs its text alternative.
        image = cleaned.get("image", self.instance.image if self.instance.pk else None)
        if image and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", ALT_REQUIRED)
        return cleaned

    def save_body(self, article: Article) -> bool:
        """Write the body's rows; called by the admin after the article itself is saved."""
        return write_paragraphs(article, body_text.to_rows(self.cleaned_data.get("body") or ""))
