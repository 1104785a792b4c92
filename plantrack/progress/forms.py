from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once

from .models import ProgressUpdate


class ProgressUpdateForm(forms.ModelForm):
    """A report; sent twice (a double click), it is recorded once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        once.add_token(self)

    class Meta:
        model = ProgressUpdate
        fields = ["status", "progress", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "progress": _("0 to 100."),
            "note": _("What was done in this period, and what evidence exists."),
        }


class ReviewForm(forms.Form):
    """One per pending update on the item page; ``for_update`` gives each its own ids."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and publish")), ("return", _("Return to the reporter"))],
        widget=forms.RadioSelect,
    )
    review_note = forms.CharField(
        label=_("Note to the reporter"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return an update."),
    )

    @classmethod
    def for_update(cls, update: ProgressUpdate, data: Any = None) -> ReviewForm:
        # Field names stay plain (the review URL names the update); only the ids differ.
        return cls(data, auto_id=f"review-{update.pk}-%s")
