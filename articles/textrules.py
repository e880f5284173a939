"""What every value must satisfy before it reaches the database, whoever typed or imported it.

Pure functions, no models and no I/O, shared by the model fields (``articles/fields.py``: the admin, forms and
any ``save()``) and by the importers (``articles/importers/``), so both paths apply one rule each:

- C0 control characters other than tab, newline and carriage return are dropped. Text pasted from Word carries
  them (a vertical tab between the lines of a title); XML 1.0 cannot represent them, so one of them in a title
  took the RSS and Atom feeds down.
- Dates must fall in the years ``MIN_YEAR`` to next year: year 9999 overflows when shown in local time.
- Links must be http(s): anything else (``javascript:``, ``data:``) would be rendered as a live link.
- Slugs must be what Django's slug rule accepts, or URLs cannot be built for them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from django.utils.text import slugify

# XML 1.0 allows \t \n \r among C0; every other C0 character is refused by Django's feed generator.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MIN_YEAR = 1800
HTTP_SCHEMES = ("http", "https")
_SLUG = re.compile(r"[-\w]+\Z")  # django.core.validators.slug_unicode_re


def strip_control_chars(text: str) -> str:
    """``text`` without C0 control characters, except tab, newline and carriage return."""
    return _CONTROL.sub("", text) if text else text


def max_year(today: date | None = None) -> int:
    """The last year a date may have: next year (announced events), nothing further."""
    return (today or date.today()).year + 1


def year_in_range(value: date | datetime) -> bool:
    return MIN_YEAR <= value.year <= max_year()


def is_http_url(value: str) -> bool:
    """An absolute http or https URL with a host (the scheme as a browser would read it)."""
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def is_valid_slug(value: str) -> bool:
    return bool(value) and bool(_SLUG.match(value))


def slug_for(slug: str, name: str) -> str:
    """``slug`` when it is a valid slug, else one made from it, else from ``name``; "" when neither gives one."""
    if is_valid_slug(slug):
        return slug
    return slugify(slug, allow_unicode=True) or slugify(name, allow_unicode=True)
