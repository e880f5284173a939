"""Arabic date formats, overriding Django's ``ar`` locale where it has none of its own.

Django's ``ar`` locale leaves DATETIME_FORMAT unset, so the admin fell back to the English
"N j, Y, P" («ديسمبر 1, 2026, 11:26 م») while the site reads «1 ديسمبر، 2026 11:26 ص»: DATE_FORMAT
then TIME_FORMAT. Every other format still comes from Django's ``ar`` locale.
"""

DATETIME_FORMAT = "j F، Y g:i A"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y g:i A"
