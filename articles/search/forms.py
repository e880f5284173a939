"""The search form: every GET parameter of the search page and the JSON API, validated in one place.

A plain ``forms.Form`` rather than haystack's ``SearchForm``: the search itself goes through
``articles.search.query.run_search`` (the team's search interface), not a ``SearchQuerySet``, so the form's
job is only to turn untrusted query-string values into a ``SearchParams`` or into Arabic error messages.
Nothing a client sends may reach the search engine unchecked: control characters are dropped, slugs must look
like slugs before they touch the database, dates must be real calendar days in a sane range, and page numbers
are bounded. A long query is not refused: the search keeps what it can afford (``query.clean_query``).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.dates import MONTHS

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


# --- Advanced search ------------------------------------------------------------------------------
# The advanced form writes one query in the archive's query language (docs/search-page.md), so the
# search page, its links and the API see nothing new: all -> +word, any -> a OR b, exact -> "...",
# without -> -word, near -> "a b"~N.

ADVANCED_MESSAGES = {
    "no_words": "اكتب كلمة واحدة على الأقل في أحد حقول الكلمات.",
    "near_pair": "اكتب الكلمتين كلتيهما في «كلمتان متقاربتان».",
    "near_one_word": "اكتب كلمة واحدة في كل خانة من «كلمتان متقاربتان».",
    "near_distance": "المسافة بين الكلمتين يجب أن تكون عددًا بين 1 و{limit}.",
    "year": "السنة في «{which}» يجب أن تكون عددًا من أربعة أرقام بين 1900 و2100.",
    "year_missing": "اكتب السنة في «{which}».",
    "month_missing": "اختر الشهر في «{which}»: اليوم وحده لا يكفي.",
    "no_such_day": "«{which}» غير صحيح: ليس في {month} {year} يوم {day}.",
}
NEAR_MAX_DISTANCE = 50
NEAR_DEFAULT_DISTANCE = 5
# Characters with a meaning in the query language: a word typed into a field is a word, nothing more.
_OPERATOR_EDGES = "+-−–"
_QUOTE_CHARS = re.compile(r'["“”«»„]')
# Arabic-Indic and Extended Arabic-Indic digits, as phone keyboards type them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _words(text: str) -> list[str]:
    words = (w.lstrip(_OPERATOR_EDGES) for w in _QUOTE_CHARS.sub(" ", text or "").split())
    return [w for w in words if w and w.upper() not in ("OR", "AND", "NOT")]


def compose_query(
    q: str = "",
    all_words: str = "",
    any_words: str = "",
    exact: str = "",
    without: str = "",
    near: tuple[str, str, int] | None = None,
) -> str:
    """One query string in the archive's query language from the advanced form's fields.

    >>> compose_query(all_words="وزير الخارجية", any_words="سوريا العراق", exact="مجلس الأمن",
    ...               without="كرة", near=("النفط", "أسعار", 5))
    '+وزير +الخارجية "مجلس الأمن" سوريا OR العراق "النفط أسعار"~5 -كرة'
    """
    parts = [q.strip()] if q and q.strip() else []
    parts += [f"+{w}" for w in _words(all_words)]
    phrase = " ".join(_words(exact))
    if phrase:
        parts.append(f'"{phrase}"')
    alternatives = _words(any_words)
    if alternatives:
        parts.append(" OR ".join(alternatives))
    if near is not None:
        first, second, distance = near
        parts.append(f'"{first} {second}"~{distance}')
    parts += [f"-{w}" for w in _words(without)]
    return " ".join(parts)


class YearField(forms.CharField):
    """A year typed as digits (Western or Arabic-Indic), checked by the form with an Arabic message."""

    def to_python(self, value):
        return super().to_python(value).translate(_DIGITS).strip()


def _choices(model, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *model.objects.order_by("name").values_list("slug", "name")]


class AdvancedSearchForm(forms.Form):
    """All / any / exact / without / near, section, publication, and dates as day, month, year.

    Dates are three controls each, not ``<input type="date">``, whose order and format follow the
    browser's locale (typing 01072015 gave 7 January in one and 1 July in another).
    """

    DAYS = [("", "اليوم"), *((str(d), str(d)) for d in range(1, 32))]
    MONTH_CHOICES = [("", "الشهر"), *((str(m), name) for m, name in MONTHS.items())]
    DATE_SIDES = (("from", "من تاريخ"), ("to", "إلى تاريخ"))

    q = QueryField(
        label="عبارة بحث حرة",
        help_text="بعلامات البحث نفسها، كما في مربع البحث.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    all_words = QueryField(label="كل هذه الكلمات", help_text="تُكتب: +كلمة لكل كلمة.")
    any_words = QueryField(label="أيٌّ من هذه الكلمات", help_text="تُكتب: كلمة OR كلمة.")
    exact = QueryField(label="هذه العبارة بنصها", help_text='تُكتب: "العبارة".')
    without = QueryField(label="من دون هذه الكلمات", help_text="تُكتب: -كلمة لكل كلمة.")
    near_first = QueryField(label="الكلمة الأولى")
    near_second = QueryField(label="الكلمة الثانية")
    near_distance = YearField(
        label="على مسافة لا تزيد على (كلمات)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "3", "maxlength": "3"}),
    )
    section = forms.ChoiceField(label="القسم", required=False)
    publication = forms.ChoiceField(label="المصدر", required=False)
    from_day = forms.ChoiceField(label="اليوم", choices=DAYS, required=False)
    from_month = forms.ChoiceField(label="الشهر", choices=MONTH_CHOICES, required=False)
    from_year = YearField(label="السنة", required=False)
    to_day = forms.ChoiceField(label="اليوم", choices=DAYS, required=False)
    to_month = forms.ChoiceField(label="الشهر", choices=MONTH_CHOICES, required=False)
    to_year = YearField(label="السنة", required=False)
    sort = forms.ChoiceField(label="الترتيب", choices=SORTS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = _choices(Section, "كل الأقسام")
        self.fields["section"].error_messages["invalid_choice"] = MESSAGES["section"]
        self.fields["publication"].choices = _choices(Publication, "كل المصادر")
        self.fields["publication"].error_messages["invalid_choice"] = MESSAGES["publication"]
        self.fields["sort"].error_messages["invalid_choice"] = MESSAGES["sort"]
        for side in ("from", "to"):
            for part in ("day", "month"):
                self.fields[f"{side}_{part}"].error_messages["invalid_choice"] = MESSAGES["date"]
            self.fields[f"{side}_year"].widget.attrs.update(
                {"inputmode": "numeric", "maxlength": "4", "size": "4", "placeholder": "مثل 2015"}
            )

    @classmethod
    def initial_from_search(cls, data) -> dict:
        """The advanced form filled in from a search page's parameters (its "advanced search" link)."""
        search = SearchForm(data)
        return cls.initial_from(search.cleaned_data) if search.is_valid() else {}

    @staticmethod
    def initial_from(cleaned: dict) -> dict:
        """The advanced form's initial values from a valid ``SearchForm``'s ``cleaned_data``."""
        initial = {
            "q": cleaned["q"],
            "section": cleaned["section"] or "",
            "publication": cleaned["publication"] or "",
            "sort": cleaned["sort"],
        }
        for side, value in (("from", cleaned["date_from"]), ("to", cleaned["date_to"])):
            if value:
                initial |= {
                    f"{side}_day": str(value.day),
                    f"{side}_month": str(value.month),
                    f"{side}_year": value.year,
                }
        return initial

    def date_sides(self) -> list[dict]:
        """For the template: each date's legend, its three bound fields and their errors."""
        sides = []
        for side, legend in self.DATE_SIDES:
            fields = [self[f"{side}_{part}"] for part in ("day", "month", "year")]
            sides.append({"legend": legend, "fields": fields, "errors": [e for f in fields for e in f.errors]})
        return sides

    # --- dates ------------------------------------------------------------------------------

    def _date(self, side: str, which: str) -> date | None:
        data = self.cleaned_data
        day, month, year = data.get(f"{side}_day"), data.get(f"{side}_month"), data.get(f"{side}_year")
        if not (day or month or year):
            return None
        if not year:
            raise forms.ValidationError(ADVANCED_MESSAGES["year_missing"].format(which=which), code="year")
        if not (year.isascii() and year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 2100):
            raise forms.ValidationError(ADVANCED_MESSAGES["year"].format(which=which), code="year")
        if day and not month:
            raise forms.ValidationError(ADVANCED_MESSAGES["month_missing"].format(which=which), code="month")
        y = int(year)
        if not month:  # a year alone: the whole year
            return date(y, 1, 1) if side == "from" else date(y, 12, 31)
        m = int(month)
        last = calendar.monthrange(y, m)[1]
        if not day:  # a month alone: the whole month
            return date(y, m, 1) if side == "from" else date(y, m, last)
        d = int(day)
        if d > last:
            raise forms.ValidationError(
                ADVANCED_MESSAGES["no_such_day"].format(which=which, month=MONTHS[m], year=y, day=d), code="day"
            )
        return date(y, m, d)

    def _near(self) -> tuple[str, str, int] | None:
        data = self.cleaned_data
        first, second = _words(data.get("near_first", "")), _words(data.get("near_second", ""))
        raw_distance = data.get("near_distance", "")
        if not first and not second:
            return None
        if not first or not second:
            raise forms.ValidationError(ADVANCED_MESSAGES["near_pair"])
        if len(first) > 1 or len(second) > 1:
            raise forms.ValidationError(ADVANCED_MESSAGES["near_one_word"])
        distance = NEAR_DEFAULT_DISTANCE
        if raw_distance:
            if not (raw_distance.isascii() and raw_distance.isdigit() and 1 <= int(raw_distance) <= NEAR_MAX_DISTANCE):
                raise forms.ValidationError(ADVANCED_MESSAGES["near_distance"].format(limit=NEAR_MAX_DISTANCE))
            distance = int(raw_distance)
        return first[0], second[0], distance

    def clean(self):
        data = super().clean()
        dates = {}
        for side, which in self.DATE_SIDES:
            try:
                dates[side] = self._date(side, which)
            except forms.ValidationError as error:
                self.add_error(f"{side}_{error.code}", error)
                dates[side] = None
        if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
            self.add_error("to_year", MESSAGES["date_order"])
        data["date_from"], data["date_to"] = dates["from"], dates["to"]
        try:
            near = self._near()
        except forms.ValidationError as error:
            self.add_error("near_first", error)
            near = None
        if self.errors:
            return data
        data["query"] = compose_query(
            data.get("q", ""),
            data.get("all_words", ""),
            data.get("any_words", ""),
            data.get("exact", ""),
            data.get("without", ""),
            near,
        )
        if not any(_words(data.get(name, "")) for name in ("q", "all_words", "any_words", "exact")) and not near:
            # Only exclusions (or nothing): there is nothing to look for.
            raise forms.ValidationError(ADVANCED_MESSAGES["no_words"])
        return data

    def search_parameters(self) -> dict[str, str]:
        """The search page's GET parameters for this form (valid forms only); empty ones left out."""
        data = self.cleaned_data
        params = {
            "q": data["query"],
            "section": data.get("section") or "",
            "publication": data.get("publication") or "",
            "date_from": data["date_from"].isoformat() if data["date_from"] else "",
            "date_to": data["date_to"].isoformat() if data["date_to"] else "",
            "sort": "" if data.get("sort") in ("", "relevance") else data["sort"],
        }
        return {k: v for k, v in params.items() if v}
