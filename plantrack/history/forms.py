"""The "what changed since" form: one date, sent with GET, so it works without JavaScript."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
