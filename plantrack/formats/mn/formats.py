"""Mongolian date formats: the standard written form, "2026 оны 11 дүгээр сарын 30".

``E`` is Django's alternative month name (context "alt. month"); the project's Mongolian
catalogue gives it as the numbered month in the genitive ("11 дүгээр сарын"), with the
ordinal suffix that follows the number's vowel harmony. See ``plantrack/lib/dates.py``.
"""

DATE_FORMAT = "Y оны E j"
DATETIME_FORMAT = "Y оны E j, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y оны E"
MONTH_DAY_FORMAT = "E j"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = " "
NUMBER_GROUPING = 3
