"""Forms of the translate page: one small form per item row, and the file import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plantrack.lib.bilingual import NEEDS_REVIEW, translation_state

from .importers.limits import size_text
from .models import Item
from .translations import FIELDS, FILTERS, UNTRANSLATED, norm
from .translations import NEEDS_REVIEW as REVIEW_FILTER

FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "body": gettext_lazy("Description"),
    "label": gettext_lazy("Label"),
}
LANGUAGE_LABELS = {"mn": gettext_lazy("Mongolian"), "en": gettext_lazy("English")}
DIRECTIONS = ("en-mn", "mn-en")


def shown_fields(item: Item, source: str, target: str) -> list[str]:
    """The title always; a description or label when either language has one."""
    return [
        name
        for name in FIELDS
        if name == "title"
        or norm(getattr(item, f"{name}_{source}"))
        or norm(getattr(item, f"{name}_{target}"))
    ]


class TranslateFilterForm(forms.Form):
    direction = forms.ChoiceField(label=gettext_lazy("Translate"), required=False)
    show = forms.ChoiceField(label=gettext_lazy("Show"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = LANGUAGE_LABELS
        direction = self.fields["direction"]
        assert isinstance(direction, forms.ChoiceField)
        direction.choices = [
            (
                d,
                _("from %(source)s into %(target)s")
                % {"source": names[d[:2]], "target": names[d[3:]]},
            )
            for d in DIRECTIONS
        ]
        labels = {
            UNTRANSLATED: _("Untranslated items"),
            REVIEW_FILTER: _("Translations that need review"),
            "all": _("All items"),
        }
        show = self.fields["show"]
        assert isinstance(show, forms.ChoiceField)
        show.choices = [(value, labels[value]) for value in FILTERS]


class TranslationRowForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    official = forms.BooleanField(required=False)

    def __init__(self, *args: Any, item: Item, source: str, target: str, **kwargs: Any) -> None:
        kwargs["prefix"] = f"row-{item.pk}"
        super().__init__(*args, **kwargs)
        self.item, self.source, self.target = item, source, target
        self.names = shown_fields(item, source, target)
        language = LANGUAGE_LABELS[target]
        for name in self.names:
            label = _("%(code)s: %(field)s in %(language)s") % {
                "code": item.code,
                "field": FIELD_LABELS[name],
                "language": language,
            }
            widget: forms.Widget = (
                forms.TextInput(attrs={"lang": target})
                if name == "label"
                else forms.Textarea(attrs={"lang": target, "rows": 5 if name == "body" else 3})
            )
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                strip=False,
                widget=widget,
                max_length=Item._meta.get_field("label_en").max_length if name == "label" else None,
            )
            self.initial.setdefault(name, getattr(item, f"{name}_{target}"))
        self.fields["official"].label = _("%(code)s: official translation") % {"code": item.code}
        if any(translation_state(item, n, target) == NEEDS_REVIEW for n in self.names):
            self.fields["reviewed"] = forms.BooleanField(
                required=False,
                label=_("%(code)s: reviewed, the translation matches the source")
                % {"code": item.code},
            )
        self.initial.setdefault("version", item.version)

    def sources(self) -> list[tuple[str, str, Any]]:
        """(field label, source text, the target bound field) for the template."""
        return [
            (str(FIELD_LABELS[name]), getattr(self.item, f"{name}_{self.source}"), self[name])
            for name in self.names
        ]


class TranslationImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Translation file"),
        help_text=gettext_lazy(
            "An XLIFF 2.0 (.xlf) or XLSX file exported from this page and filled in by a "
            "translator. Only texts that differ are saved; an empty translation erases nothing."
        ),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.PLANTRACK_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="too_large",
                params={"size": size_text(upload.size), "limit": size_text(limit)},
            )
        return upload
