from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .canonical import MAX_INT

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
