"""Admin forms that need more than their ModelAdmin's declarations."""

from __future__ import annotations

from django import forms

from articles.models import VariantSet
from articles.search.variant_check import frequent_groups

MERGE_WARNING = (
    "هذه المجموعة تجمع كلمات مختلفة شائعة كلٌّ منها وحدها: {counts}. بعد الحفظ يجد البحث عن أيٍّ منها "
    "مقالات الأخرى، وقد لا يجد بعض المقالات حتى يُعاد بناء الفهرس. إن كان هذا مقصودًا فعلِّم "
    "«أؤكد دمج هذه الكلمات» ثم احفظ."
)


def describe_counts(groups: list[tuple[str, int]]) -> str:
    """ "«السعودية» (عدد المقالات: 896)، «الرياض» (عدد المقالات: 420)"."""
    return "، ".join(f"«{spelling}» (عدد المقالات: {count})" for spelling, count in groups)


class VariantSetForm(forms.ModelForm):
    """Asks for confirmation before saving an active set that merges two frequent, distinct words."""

    confirm_merge = forms.BooleanField(
        label="أؤكد دمج هذه الكلمات",
        required=False,
        help_text="لا يلزم إلا إذا نبّهك النموذج إلى أن المجموعة تدمج كلمات شائعة مختلفة.",
    )

    class Meta:
        model = VariantSet
        fields = ["canonical", "variants", "note", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("is_active"):
            return cleaned
        candidate = VariantSet(canonical=cleaned.get("canonical", ""), variants=cleaned.get("variants", ""))
        groups = frequent_groups(candidate.spellings)
        self.frequent_groups = groups
        if groups and not cleaned.get("confirm_merge"):
            raise forms.ValidationError(MERGE_WARNING.format(counts=describe_counts(groups)), code="frequent_merge")
        return cleaned
