"""Revisions of articles and briefs (django-reversion), and the word-level diff the admin shows.

An article's revision holds the article row with its paragraphs and related links (``follow``), so
restoring one puts back the whole article, rows that were added since deleted. Briefs have revisions
of their own. Revisions are written by the admin (ArticleAdmin is a VersionAdmin) and, for what the
importers wrote, by ``manage.py createinitialrevisions articles.Article articles.Brief`` (``make
import-sample`` runs it; docs/operations.md).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import reversion
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from articles import body_text
from articles.models import Article, Brief, Paragraph, Publication, RelatedLink, Section
from articles.templatetags.archive import ar_datetime

# Datetimes to the microsecond (articles/revision_format.py), so a restore is exact.
FORMAT = "revision_json"
reversion.register(Paragraph, format=FORMAT)
reversion.register(RelatedLink, format=FORMAT)
reversion.register(Article, follow=["paragraphs", "related_links"], format=FORMAT)
reversion.register(Brief, format=FORMAT)

# Words and the spaces between them: the diff compares words, and keeps the spacing of the text.
_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """``new`` as HTML with the words removed since ``old`` in <del> and the words added in <ins>.

    Changes separated by nothing but spaces read as one change («<del>صباح اليوم</del><ins>مساء أمس</ins>»),
    not as alternating words.
    """
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    chunks: list[list] = []  # [changed?, old text, new text]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        chunks.append([op != "equal", "".join(a[i1:i2]), "".join(b[j1:j2])])
    merged: list[list] = []
    for chunk in chunks:
        if (
            merged
            and chunk[0]
            and len(merged) >= 2
            and merged[-2][0]
            and not merged[-1][0]
            and not merged[-1][1].strip()
        ):
            space = merged.pop()[1]
            merged[-1][1] += space + chunk[1]
            merged[-1][2] += space + chunk[2]
        else:
            merged.append(chunk)
    out = []
    for changed, before, after in merged:
        if not changed:
            out.append(escape(before))
            continue
        if before:
            out.append(f"<del>{escape(before)}</del>")
        if after:
            out.append(f"<ins>{escape(after)}</ins>")
    return mark_safe("".join(out))


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def diff(self) -> SafeString:
        return word_diff(self.old, self.new)


def _children(version: Version, model: type, fk: str) -> list[dict]:
    """Field dicts of ``model`` rows of the article saved in the same revision, in their order."""
    rows = [
        v.field_dict
        for v in version.revision.version_set.all()
        if v.content_type.model_class() is model and str(v.field_dict.get(fk)) == version.object_id
    ]
    return sorted(rows, key=lambda row: (row["position"], row["id"]))


def _name(model: type, pk) -> str:
    if pk is None:
        return ""
    obj = model._default_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk}"


def article_snapshot(version: Version) -> dict[str, str]:
    """What an editor reads of an article revision, field label -> text (the body in the editor's format)."""
    data = version.field_dict
    field = Article._meta.get_field
    paragraphs = _children(version, Paragraph, "article_id")
    links = _children(version, RelatedLink, "source_id")
    status = dict(Article.Status.choices).get(data.get("status"), data.get("status") or "")
    snapshot = {
        field("title").verbose_name: data.get("title") or "",
        field("dateline").verbose_name: data.get("dateline") or "",
        field("byline").verbose_name: data.get("byline") or "",
        field("lead").verbose_name: data.get("lead") or "",
        "النص": body_text.to_text([(p["kind"], p["text"]) for p in paragraphs]),
        field("status").verbose_name: str(status),
        field("published_at").verbose_name: ar_datetime(data.get("published_at")),
        field("section").verbose_name: _name(Section, data.get("section_id")),
        field("publication").verbose_name: _name(Publication, data.get("publication_id")),
        "مقالات مرتبطة": "\n".join(link["title"] for link in links),
        field("image").verbose_name: str(data.get("image") or ""),
        field("image_alt").verbose_name: data.get("image_alt") or "",
        field("image_caption").verbose_name: data.get("image_caption") or "",
        field("image_credit").verbose_name: data.get("image_credit") or "",
    }
    return {str(label): value for label, value in snapshot.items()}


def compare(old: Version, new: Version) -> list[FieldChange]:
    """Every field of the two revisions, in the form's order, each with its word-level diff."""
    before, after = article_snapshot(old), article_snapshot(new)
    return [FieldChange(label, before.get(label, ""), after.get(label, "")) for label in after]
