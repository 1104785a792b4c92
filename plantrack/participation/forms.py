"""The participation forms. They only shape input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once
from plantrack.organisations.models import Organisation

from .models import Consultation, Input, Response
from .services import check_dates


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
            field: Any = self.fields[name]
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk is None:
            once.add_token(self)

    def clean(self) -> dict[str, Any]:
        """The date rules, tied to their fields (the service checks them again)."""
        data = super().clean() or {}
        opens, closes, due = data.get("opens_at"), data.get("closes_at"), data.get("answers_due")
        if opens and closes and due:
            try:
                check_dates(opens, closes, due)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    self.add_error(name, errors)
        return data


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
        self,
        *args: Any,
        organisations: list[Organisation],
        proposals: bool = True,
        organisations_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        once.add_token(self)
        choices: list[tuple[Any, Any]] = [("", _("Myself (as a person)"))]
        if organisations_only:
            self.fields["organisation"].required = True
            choices = []
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
    responding_body = forms.TypedChoiceField(
        label=_("Responding body"), required=False, coerce=int, empty_value=None
    )
    responding_body_name = forms.CharField(
        label=_("Or its name, when it is not listed"),
        max_length=300,
        required=False,
        help_text=_("The body that gives this answer."),
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

    def __init__(
        self,
        *args: Any,
        inputs: list[Input],
        bodies: list[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        once.add_token(self)
        body_field: Any = self.fields["responding_body"]
        body_field.choices = [("", "—"), *((o.pk, o.name) for o in bodies or [])]
        self.fields["inputs"].choices = [  # type: ignore[attr-defined]
            (i.pk, f"#{i.pk} {(i.title or i.body)[:120]}") for i in inputs
        ]

    def codes(self, name: str) -> list[str]:
        raw = self.cleaned_data.get(name) or ""
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
