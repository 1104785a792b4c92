"""One date form per language: Mongolian in its standard written form, English as GOV.UK."""

import datetime

import pytest
from django.utils import formats, translation

MONGOLIAN = [
    (datetime.date(2026, 11, 30), "2026 оны 11 дүгээр сарын 30"),
    (datetime.date(2026, 1, 1), "2026 оны 1 дүгээр сарын 1"),
    (datetime.date(2026, 2, 14), "2026 оны 2 дугаар сарын 14"),
    (datetime.date(2025, 3, 8), "2025 оны 3 дугаар сарын 8"),
    (datetime.date(2025, 4, 9), "2025 оны 4 дүгээр сарын 9"),
    (datetime.date(2025, 9, 9), "2025 оны 9 дүгээр сарын 9"),
    (datetime.date(2025, 10, 10), "2025 оны 10 дугаар сарын 10"),
    (datetime.date(2025, 12, 31), "2025 оны 12 дугаар сарын 31"),
]


@pytest.mark.parametrize(("day", "text"), MONGOLIAN)
def test_mongolian_dates_read_in_the_standard_written_form(day, text):  # type: ignore[no-untyped-def]
    with translation.override("mn"):
        assert formats.date_format(day) == text
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == text


def test_every_mongolian_month_has_its_ordinal_suffix():  # type: ignore[no-untyped-def]
    with translation.override("mn"):
        months = [formats.date_format(datetime.date(2026, m, 1)) for m in range(1, 13)]
    for number, text in enumerate(months, 1):
        assert f" {number} д" in text and text.endswith("сарын 1"), text


def test_datetimes_use_the_24_hour_clock_in_both_languages():  # type: ignore[no-untyped-def]
    moment = datetime.datetime(2026, 11, 30, 19, 5)
    with translation.override("mn"):
        text = formats.date_format(moment, "DATETIME_FORMAT")
        assert text == "2026 оны 11 дүгээр сарын 30, 19:05"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "30 November 2026, 19:05"
        assert formats.date_format(moment.date()) == "30 November 2026"


@pytest.mark.django_db
def test_the_plan_page_shows_dates_in_one_form(client, vision):  # type: ignore[no-untyped-def]
    vision.adopted_on = datetime.date(2020, 5, 13)
    vision.save()
    page = client.get(f"/mn/plans/{vision.slug}/").content.decode()
    assert "2020 оны 5 дугаар сарын 13" in page
    assert "2020-05-13<" not in page and "-р сар" not in page
    page = client.get(f"/en/plans/{vision.slug}/").content.decode()
    assert "13 May 2020" in page
