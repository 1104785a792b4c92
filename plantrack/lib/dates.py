"""The month names the Mongolian date format uses.

Django's date format character ``E`` prints ``pgettext("alt. month", <month>)``. Listing
the same messages here puts them in the project's catalogue, where Mongolian gives the
numbered month in the genitive with its ordinal suffix (1 дүгээр, 2 дугаар … сарын), so a
date reads "2026 оны 11 дүгээр сарын 30" (``plantrack/formats/mn/formats.py``).
"""

from django.utils.translation import pgettext_lazy

MONTHS_GENITIVE = [
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
