"""The participation forms. They only shape input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once
from plantrack.organisations.models import Organisation

from .models import Consultation, Input, Response


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConsultationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Consultation
        fields = [
            "title_mn",
            "title_en",
            "summary_mn",
            "summary_en",
            "subject",
            "eligibility",
            "opens_at",
            "closes_at",
            "answers_due",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "answers_due": DateInput(),
            "summary_mn": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "answers_due": _("The date by which every input will have an official response."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if (not self.is_bound and self.instance.pk is None) or not self.instance.pk:
            once.add_token(self)


class DraftForm(forms.Form):
    root = forms.CharField(
        label=_("From the plan's items: the code of the part to consult on"),
        required=False,
        max_length=40,
        help_text=_("For example 7.3: the item and everything under it become the draft."),
    )
    file = forms.FileField(
        label=_("Or upload the draft text"),
        required=False,
        help_text=_("Markdown, text, DOCX, ODT or PDF; headings become chapters."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("root") and not data.get("file"):
            raise forms.ValidationError(_("Give an item's code or choose a file."))
        return data


class InputForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What you send"),
        choices=[
            (Input.Kind.COMMENT, _("A comment on the draft")),
            (Input.Kind.PROPOSAL, _("A proposal")),
        ],
        initial=Input.Kind.COMMENT,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title (for a proposal)"), required=False, max_length=300)
    body = forms.CharField(
        label=_("Your input"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    item = forms.CharField(
        label=_("The plan item it concerns (code, for a proposal)"), required=False, max_length=40
    )
    organisation = forms.TypedChoiceField(
        label=_("Send on behalf of"), required=False, coerce=int, empty_value=None
    )
    attachment = forms.FileField(
        label=_("Or attach a recording or a document"),
        required=False,
        help_text=_("Audio (MP3, OGG, WAV, M4A) or a document (PDF, DOCX, ODT …)."),
    )

    def __init__(
        self, *args: Any, organisations: list[Organisation], proposals: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        once.add_token(self)
        choices: list[tuple[Any, str]] = [("", _("Myself (as a person)"))]
        choices += [(o.pk, o.name) for o in organisations]
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]
        if not organisations:
            self.fields["organisation"].widget = forms.HiddenInput()
        if not proposals:
            for name in ("kind", "title", "item"):
                del self.fields[name]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        once.add_token(self)


class InputEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    body = forms.CharField(
        label=_("Your input"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CosignForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Co-sign for"), coerce=int)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]  # type: ignore[attr-defined]


class ResponseForm(forms.Form):
    inputs = forms.TypedMultipleChoiceField(
        label=_("Inputs answered by this response"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Response.Status.choices, widget=forms.RadioSelect
    )
    explanation_mn = forms.CharField(
        label=_("Explanation (Mongolian)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    explanation_en = forms.CharField(
        label=_("Explanation (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    responding_body_name = forms.CharField(
        label=_("Responding body"), max_length=300, help_text=_("The body that gives this answer.")
    )
    responded_on = forms.DateField(label=_("Date of the response"), widget=DateInput())
    items = forms.CharField(
        label=_("Changed plan items (codes, separated by commas)"), required=False, max_length=2000
    )
    paragraphs = forms.CharField(
        label=_("Changed paragraphs (anchors, separated by commas)"),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, inputs: list[Input], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        once.add_token(self)
        self.fields["inputs"].choices = [  # type: ignore[attr-defined]
            (i.pk, f"#{i.pk} {(i.title or i.body)[:120]}") for i in inputs
        ]

    def codes(self, name: str) -> list[str]:
        raw = self.cleaned_data.get(name) or ""
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
