"""Django's month names "for long dates" (the ``E`` format), in our catalogue so that
Catalan can give them their preposition, elided before a vowel: "1 de desembre de 2026",
"1 d'abril de 2026" (config/formats/ca/formats.py writes ``j E \\d\\e Y``). Django's own
Catalan has the bare name, and our catalogue comes first (LOCALE_PATHS). Nothing imports
this module: it is here for makemessages."""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
