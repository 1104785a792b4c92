"""Review: hostile drafts are refused naming the limit, with nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from plantrack.participation import services
from plantrack.participation.models import Paragraph, Section

LINES = "\n".join(f"Line {n} of a long text." for n in range(100_000)).encode()
SPACED = "\n\n".join(f"Line {n} of a long text." for n in range(100_000)).encode()


@pytest.mark.parametrize("data", [LINES, SPACED], ids=["lines", "double-spaced"])
def test_a_text_of_100000_lines_is_refused_naming_the_limit(alice, vision, data, english):  # type: ignore[no-untyped-def]
    now = timezone.now()
    consultation = services.consultation_create(
        by=alice,
        plan=vision,
        title_en="A draft",
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=5),
        answers_due=(now + dt.timedelta(days=9)).date(),
    )
    with pytest.raises(ValidationError) as caught:
        services.consultation_draft_import(
            consultation=consultation, by=alice, data=data, name="long.txt"
        )
    message = caught.value.message_dict["file"][0]
    plain = message.replace(",", "").replace(" ", "")
    assert "2000paragraphs" in plain or ("long.txt" in message and "atmost20000" in plain)
    assert not Section.objects.exists() and not Paragraph.objects.exists()
