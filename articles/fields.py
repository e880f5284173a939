"""Model fields that apply ``articles.textrules`` on every way into the database.

Text fields strip control characters in ``to_python`` (forms and ``full_clean``), ``pre_save`` (``save()`` and
``bulk_create``) and ``get_prep_value`` (``QuerySet.update()``), so no code path can store one. The URL field
accepts http(s) only and the date field a sane year, in the admin and in ``full_clean``.

They store exactly what Django's own fields store, so ``deconstruct`` names Django's class: migrations see no
change and need no table rebuild.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from articles.textrules import HTTP_SCHEMES, MIN_YEAR, max_year, strip_control_chars, year_in_range

HTTP_URL_MESSAGE = "أدخل رابطًا صحيحًا يبدأ بـ http:// أو https://."
# Its own code: fields replace an "invalid" error with their generic "Enter a valid URL".
validate_http_url = URLValidator(schemes=list(HTTP_SCHEMES), message=HTTP_URL_MESSAGE, code="not_http_url")


def validate_year(value) -> None:
    if value is not None and not year_in_range(value):
        raise ValidationError(
            "السنة %(year)s خارج المدى المقبول للتواريخ (من %(min)s إلى السنة القادمة).",
            code="year_out_of_range",
            params={"year": value.year, "min": MIN_YEAR, "max": max_year()},
        )


class _AsDjangoField:
    django_path = ""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, self.django_path, args, kwargs


class _StripsControlChars(_AsDjangoField):
    def to_python(self, value):
        value = super().to_python(value)
        return strip_control_chars(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            clean = strip_control_chars(value)
            if clean != value:
                setattr(model_instance, self.attname, clean)
            return clean
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return strip_control_chars(value) if isinstance(value, str) else value


class PlainCharField(_StripsControlChars, models.CharField):
    django_path = "django.db.models.CharField"


class PlainTextField(_StripsControlChars, models.TextField):
    django_path = "django.db.models.TextField"


class HttpURLFormField(forms.URLField):
    default_validators = [validate_http_url]


class HttpURLField(_StripsControlChars, models.URLField):
    django_path = "django.db.models.URLField"
    default_validators = [validate_http_url]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": HttpURLFormField, **kwargs})


class BoundedDateTimeField(_AsDjangoField, models.DateTimeField):
    django_path = "django.db.models.DateTimeField"
    default_validators = [validate_year]
