"""The meeting forms. They only shape input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once
from plantrack.organisations.models import Organisation, Region, Soum
from plantrack.participation.forms import DateTimeInput
from plantrack.participation.models import Consultation, Paragraph
from plantrack.plans.models import Plan

from .models import Meeting, Need


class MeetingForm(forms.ModelForm):  # type: ignore[type-arg]
    online_link = forms.URLField(
        label=_("online link"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = [
            "title_mn",
            "title_en",
            "agenda_mn",
            "agenda_en",
            "format",
            "starts_at",
            "ends_at",
            "place",
            "region",
            "soum",
            "online_link",
            "capacity",
            "registration_open",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "agenda_mn": forms.Textarea(attrs={"rows": 5}),
            "agenda_en": forms.Textarea(attrs={"rows": 5}),
            "format": forms.RadioSelect,
        }
        help_texts = {
            "soum": _("A soum of the chosen aimag."),
            "capacity": _("Leave empty for no limit."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        self.fields["region"].queryset = Region.objects.order_by("name_en")  # type: ignore[attr-defined]
        if self.instance.pk is None:
            once.add_token(self)  # scheduling: a double click schedules one meeting
        self.fields["soum"].queryset = Soum.objects.select_related("aimag").order_by(  # type: ignore[attr-defined]
            "aimag__name_en", "name_en"
        )
        self.fields["soum"].label_from_instance = lambda s: f"{s.name} ({s.aimag.name})"  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class LinksForm(forms.Form):
    """Who organises and what the meeting is about: only when scheduling it."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Organise for"),
        empty_label=_("Myself (as a plan manager)"),
    )
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.none(), required=False, label=_("Linked consultation")
    )
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(), required=False, label=_("Linked plan")
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        consultations: Any,
        plans: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["consultation"].queryset = consultations  # type: ignore[attr-defined]
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (published)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class MinutesForm(forms.Form):
    minutes_mn = forms.CharField(
        label=_("Minutes (Mongolian)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    minutes_en = forms.CharField(
        label=_("Minutes (English)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class RegistrationForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Accessibility needs"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organiser sees these before the meeting, to prepare."),
    )
    needs_other = forms.CharField(label=_("Other need"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note to the organiser"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingInputForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    body = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 5}))
    paragraph = forms.ModelChoiceField(
        queryset=Paragraph.objects.none(),
        required=False,
        label=_("Paragraph of the draft"),
        empty_label=_("The whole draft"),
    )
    attributed_to_name = forms.CharField(
        label=_("Raised by (name)"),
        max_length=200,
        required=False,
        help_text=_("Only with the person's consent; otherwise it is from the meeting."),
    )
    consent = forms.BooleanField(label=_("The person agreed to be named"), required=False)

    def __init__(self, *args: Any, paragraphs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = paragraphs  # type: ignore[attr-defined]
        self.fields["paragraph"].label_from_instance = lambda p: p.anchor  # type: ignore[attr-defined]
        once.add_token(self)


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    aimag = forms.ModelChoiceField(
        queryset=Region.objects.none(), required=False, label=_("Aimag or district")
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False, label=_("Plan"))
    month = forms.DateField(required=False, input_formats=["%Y-%m"], widget=forms.HiddenInput)

    def __init__(self, *args: Any, kinds: dict[str, Any], regions: Any, plans: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Every kind")), *kinds.items()]  # type: ignore[attr-defined]
        self.fields["aimag"].queryset = regions  # type: ignore[attr-defined]
        self.fields["aimag"].empty_label = _("Everywhere")  # type: ignore[attr-defined]
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["plan"].empty_label = _("Every plan")  # type: ignore[attr-defined]
        self.fields["plan"].label_from_instance = lambda p: p.short_title  # type: ignore[attr-defined]
        self.fields["plan"].to_field_name = "slug"  # type: ignore[attr-defined]
