"""The search form: every GET parameter of the search page and the JSON API, validated in one place.

A plain ``forms.Form`` rather than haystack's ``SearchForm``: the search itself goes through
``articles.search.query.run_search`` (the team's search interface), not a ``SearchQuerySet``, so the form's
job is only to turn untrusted query-string values into a ``SearchParams`` or into Arabic error messages.
Nothing a client sends may reach the search engine unchecked: control characters are dropped, slugs must look
like slugs before they touch the database, dates must be real calendar days in a sane range, and page numbers
are bounded. A long query is not refused: the search keeps what it can afford (``query.clean_query``).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator

from articles.models import Publication, Section
from articles.search.query import SearchParams

SORTS = (("relevance", "الأكثر صلة"), ("newest", "الأحدث أولًا"), ("oldest", "الأقدم أولًا"))
MAX_PAGE = 10_000  # far past the last page of the whole corpus; keeps offsets small
MAX_PAGE_SIZE = 50
# C0/C1 controls (NUL included) and DEL: never part of a word; a space keeps the words apart.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_SLUG = re.compile(r"^[-\w]{1,200}$")
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)

MESSAGES = {
    "page": "رقم الصفحة غير صحيح: اكتب عددًا صحيحًا موجبًا.",
    "page_size": "عدد النتائج في الصفحة يجب أن يكون بين 1 و{limit}.",
    "section": "القسم المطلوب غير موجود.",
    "publication": "المصدر المطلوب غير موجود.",
    "date": "التاريخ غير صحيح: اكتبه بالصيغة سنة-شهر-يوم، مثل 2015-07-21.",
    "date_range": "التاريخ خارج النطاق المسموح (من 1900 إلى 2100).",
    "date_order": "تاريخ البداية بعد تاريخ النهاية.",
    "sort": "طريقة الترتيب غير معروفة: اختر الأكثر صلة أو الأحدث أو الأقدم.",
}


class ParamField(forms.CharField):
    """A query-string parameter checked by the form's own ``clean_<name>``, which gives the Arabic message.

    Django's generic "Null characters are not allowed." would otherwise win for a NUL in a slug or a date.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class QueryField(ParamField):
    """Free text with control characters turned into spaces and runs of whitespace collapsed.

    Done in ``to_python`` so Django's null-character validator never sees a NUL: a pasted NUL is noise
    to drop, not a reason to refuse the search.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return _SPACES.sub(" ", _CONTROLS.sub(" ", value)).strip()


class SearchForm(forms.Form):
    q = QueryField(label="ابحث عن")
    page = ParamField()
    page_size = ParamField()
    section = ParamField(label="القسم")
    publication = ParamField(label="المصدر")
    date_from = ParamField(label="من تاريخ")
    date_to = ParamField(label="إلى تاريخ")
    sort = ParamField(label="الترتيب")
    spell = ParamField()  # "0": search the words as typed, not their correction

    def __init__(self, *args, allow_page_size: bool = False, **kwargs):
        # page_size is an API parameter: the HTML page always shows the site's page length.
        super().__init__(*args, **kwargs)
        self.allow_page_size = allow_page_size
        self.section_obj: Section | None = None
        self.publication_obj: Publication | None = None

    # --- fields ---------------------------------------------------------------------------------

    def clean_spell(self) -> bool:
        return self.cleaned_data["spell"].strip() != "0"

    @staticmethod
    def _bounded_int(raw: str, default: int, low: int, high: int, message: str) -> int:
        raw = raw.strip()
        if not raw:
            return default
        # ASCII digits only: int() would also take "٣", "+3", " 3", "3_000".
        if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or not low <= int(raw) <= high:
            raise forms.ValidationError(message)
        return int(raw)

    def clean_page(self) -> int:
        return self._bounded_int(self.cleaned_data["page"], 1, 1, MAX_PAGE, MESSAGES["page"])

    def clean_page_size(self) -> int:
        default = settings.HAYSTACK_SEARCH_RESULTS_PER_PAGE
        if not self.allow_page_size:
            return default
        message = MESSAGES["page_size"].format(limit=MAX_PAGE_SIZE)
        return self._bounded_int(self.cleaned_data["page_size"], default, 1, MAX_PAGE_SIZE, message)

    def _slug(self, name: str, model):
        slug = self.cleaned_data[name].strip()
        if not slug:
            return None, None
        # The shape check first: odd bytes never reach the database (PostgreSQL refuses NUL in text).
        obj = model.objects.filter(slug=slug).first() if _SLUG.match(slug) else None
        if obj is None:
            raise forms.ValidationError(MESSAGES[name])
        return slug, obj

    def clean_section(self) -> str | None:
        slug, self.section_obj = self._slug("section", Section)
        return slug

    def clean_publication(self) -> str | None:
        slug, self.publication_obj = self._slug("publication", Publication)
        return slug

    @staticmethod
    def _date(raw: str) -> date | None:
        raw = raw.strip()
        if not raw:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw, flags=re.ASCII):
            raise forms.ValidationError(MESSAGES["date"])
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(MESSAGES["date"]) from None
        if not MIN_DATE <= value <= MAX_DATE:
            raise forms.ValidationError(MESSAGES["date_range"])
        return value

    def clean_date_from(self) -> date | None:
        return self._date(self.cleaned_data["date_from"])

    def clean_date_to(self) -> date | None:
        return self._date(self.cleaned_data["date_to"])

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"].strip() or "relevance"
        if sort not in dict(SORTS):
            raise forms.ValidationError(MESSAGES["sort"])
        return sort

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", MESSAGES["date_order"])
        return data

    # --- results ----------------------------------------------------------------------------------

    def first_error(self) -> tuple[str, str]:
        """(field, message) of the first error, in the order of the fields: what the API reports."""
        for name in [*self.fields, "__all__"]:
            if name in self.errors:
                return name, self.errors[name][0]
        raise ValueError("the form has no errors")

    def params(self) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=data["q"],
            section=data["section"],
            publication=data["publication"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            sort=data["sort"],
            page=data["page"],
            page_size=data["page_size"],
            correct=data["spell"],
        )
