from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from plantrack.organisations.models import Organisation

from .importers.limits import size_text
from .models import Item, Plan, Responsibility, Status
from .validation import MAX_WEIGHT, MAX_YEAR, MIN_YEAR


class PlanForm(forms.ModelForm):
    # The version the editor saw; plan_update refuses the save if the plan changed since.
    # (A form sent without it is refused in clean(), with a message rather than a field error.)
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    class Meta:
        model = Plan
        fields = [
            "title_mn",
            "title_en",
            "short_name",
            "issuer",
            "adopted_on",
            "start_year",
            "end_year",
            "description_mn",
            "description_en",
        ]
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}),
            "description_mn": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("title_mn") and not data.get("title_en"):
            self.add_error(None, _("Give the plan a title in Mongolian or English."))
        if self.is_bound and data.get("version") is None:
            self.add_error(
                None,
                _(
                    "This page is out of date (it does not say which version you edited). "
                    "Reload it and make your change again."
                ),
            )
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        return data


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Shown in the item's public history. Required when you change the status or "
            "progress of an item whose reported progress was approved."
        ),
    )

    class Meta:
        model = Item
        fields = [
            "label_mn",
            "label_en",
            "title_mn",
            "title_en",
            "body_mn",
            "body_en",
            "start_year",
            "end_year",
            "status",
            "progress",
            "weight",
        ]
        widgets = {
            "title_mn": forms.Textarea(attrs={"rows": 3}),
            "title_en": forms.Textarea(attrs={"rows": 3}),
            "body_mn": forms.Textarea(attrs={"rows": 5}),
            "body_en": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "progress": _("0 to 100. Parents show the average of their children."),
            "weight": _("How much this item counts in its parent's average (default 1)."),
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.instance.is_tracked:
            # Only activities and recommendations carry their own status and progress.
            for name in ("status", "progress"):
                del self.fields[name]
        # The browser shows the same ranges the model validators enforce.
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(min=MIN_YEAR, max=MAX_YEAR)
        self.fields["weight"].widget.attrs.update(min=0, max=int(MAX_WEIGHT))
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("title_mn") and not data.get("title_en"):
            self.add_error(None, _("Give the item a title in Mongolian or English."))
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        if data.get("status") == Status.COMPLETED and data.get("progress") not in (None, 100):
            self.add_error("progress", _("A completed item is at 100 %. Change one of the two."))
        return data


class ResponsibilityForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name_en", "name_mn")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Responsibility.Role.choices)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document"),
        help_text=_("Text or Markdown (UTF-8), CSV or XLSX in the plan template, DOCX or PDF."),
    )
    slug = forms.SlugField(
        label=_("Short name for the web address"),
        required=False,
        help_text=_("Leave empty to use the one in the document. Reuse a name to update a plan."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.PLANTRACK_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the limit is %(limit)s. Remove images or split "
                    "the plan, or save it as CSV or plain text, and upload it again."
                ),
                code="too_large",
                params={"size": size_text(upload.size), "limit": size_text(limit)},
            )
        return upload


class ActivityFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    within = forms.ChoiceField(label=_("Part of the plan"), required=False)

    def __init__(self, *args, organisations=(), branches=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        organisation_field = self.fields["organisation"]
        within_field = self.fields["within"]
        assert isinstance(organisation_field, forms.ChoiceField)
        assert isinstance(within_field, forms.ChoiceField)
        organisation_field.choices = [("", _("Any organisation"))] + [
            (org.slug, org.name) for org in organisations
        ]
        within_field.choices = [("", _("Whole plan"))] + [
            (item.code, f"{item.code} {item.label or item.title}"[:90]) for item in branches
        ]
