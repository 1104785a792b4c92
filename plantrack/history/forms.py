"""The history's forms: "what changed since" (one date, sent with GET, so it works without
JavaScript) and the receipt check (an event number and hash)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .canonical import MAX_INT

EARLIEST = datetime.date(2000, 1, 1)
DEFAULT_DAYS = 90


def default_since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)


class ChangesSinceForm(forms.Form):
    since = forms.DateField(
        label=_("Changes since"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A date written as YYYY-MM-DD. Without one, the last 90 days are shown."),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, for example 2026-01-31.")},
    )

    def clean_since(self) -> datetime.date:
        since = self.cleaned_data.get("since") or default_since()
        if since < EARLIEST:
            raise forms.ValidationError(
                _("Choose a date from %(date)s on.") % {"date": EARLIEST.isoformat()}
            )
        if since > timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the future."))
        return since

    def since_start(self) -> datetime.datetime:
        """The start of the chosen day in the site's time zone."""
        day = self.cleaned_data["since"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


HASH = re.compile(r"[0-9a-f]{64}")


class ReceiptForm(forms.Form):
    """An event number and hash, as shown after a change (or read from a link)."""

    seq = forms.IntegerField(
        label=_("Event number"),
        min_value=1,
        max_value=MAX_INT,
        error_messages={
            "required": _("Enter the event number from the receipt."),
            "invalid": _("Enter the event number as a whole number, e.g. 1234."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    hash = forms.CharField(
        label=_("Hash"),
        help_text=_("64 characters, 0–9 and a–f."),
        max_length=200,
        error_messages={"required": _("Enter the hash from the receipt.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_hash(self) -> str:
        value = "".join(self.cleaned_data["hash"].split()).lower()
        if not HASH.fullmatch(value):
            raise forms.ValidationError(
                _("A hash is 64 characters long, made of 0–9 and a–f; check the receipt."),
                code="invalid",
            )
        return value
