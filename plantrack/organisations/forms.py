from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once

from . import services
from .models import FieldOfActivity, Membership, Organisation, Region, Soum, TargetGroup


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class DirectoryFilterForm(forms.Form):
    """The directory's GET filters; the vocabularies come with the registry statistics."""

    q = forms.CharField(
        label=_("Name or acronym"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    field = forms.ChoiceField(label=_("Field of activity"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    region = forms.ChoiceField(label=_("Aimag or district"), required=False)
    verified = forms.ChoiceField(
        label=_("Verification"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Verified")), ("no", _("Not verified yet"))],
    )

    def __init__(
        self,
        *args: Any,
        fields: Iterable[FieldOfActivity],
        target_groups: Iterable[TargetGroup],
        regions: Iterable[Region],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.vocabularies: dict[str, dict[str, Any]] = {
            "field": {f.slug: f for f in fields},
            "target_group": {g.slug: g for g in target_groups},
            "region": {r.slug: r for r in regions},
        }
        anything = ("", _("Any"))
        _choice(self, "kind").choices = [anything, *Organisation.Kind.choices]
        _choice(self, "field").choices = [
            anything,
            *((slug, f.name) for slug, f in self.vocabularies["field"].items()),
        ]
        _choice(self, "target_group").choices = [
            anything,
            *((slug, g.name) for slug, g in self.vocabularies["target_group"].items()),
        ]
        grouped: list[Any] = [("", _("Anywhere"))]
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for region in self.vocabularies["region"].values():  # in the list's own order
            by_kind.setdefault(region.kind, []).append((region.slug, region.name))
        labels = dict(Region.Kind.choices)
        grouped += [(labels.get(kind, kind), options) for kind, options in by_kind.items()]
        _choice(self, "region").choices = grouped

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.organisation_directory``; invalid values are
        left out (the form shows why)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        found: dict[str, Any] = {}
        for name in ("kind", "verified"):
            if data.get(name):
                found[name] = data[name]
        if data.get("q"):
            found["q"] = " ".join(data["q"].split())
        for name, vocabulary in self.vocabularies.items():
            if data.get(name):
                found[name] = vocabulary[data[name]]
        return found


class OrganisationForm(forms.ModelForm):
    """An organisation's public profile, for self-registration and for its administrators."""

    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("For example https://example.mn"),
    )

    class Meta:
        model = Organisation
        fields = [
            "name_mn",
            "name_en",
            "acronym",
            "acronym_mn",
            "kind",
            "registration_number",
            "fields",
            "target_groups",
            "region",
            "soum",
            "setting",
            "contact_email",
            "contact_phone",
            "website",
            "description_mn",
            "description_en",
        ]
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "setting": forms.RadioSelect,
            "description_mn": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "name_mn": _("Give the name in Mongolian, in English, or both."),
            "registration_number": _(
                "The number on the state registration certificate. "
                "Site administrators use it to verify the organisation."
            ),
            "soum": _("For example Arvaikheer soum, or the 3rd khoroo."),
        }

    def __init__(
        self,
        *args: Any,
        kinds: Sequence[str],
        classification_required: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "kind").choices = [
            (value, label) for value, label in Organisation.Kind.choices if value in kinds
        ]
        _choice(self, "setting").choices = Organisation.Setting.choices
        # The roadmap's complaint: most NGOs are registered as "other", unclassified.
        self.fields["fields"].required = classification_required
        self.fields["region"].required = classification_required
        cast(forms.ModelChoiceField, self.fields["region"]).empty_label = _(
            "Choose an aimag or district"
        )
        # The soums of the managed list, offered as the field is typed (a <datalist>: no script).
        self.fields["soum"].widget.attrs["list"] = "soum-choices"
        self.soum_choices = Soum.objects.select_related("aimag")
        if self.instance.pk:
            # The version the editor saw; the service refuses the save if it changed since.
            # (A form sent without it is refused in clean(), with a message.)
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
            )
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        else:
            # A registration sent twice (a double click) registers once.
            once.add_token(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "version" in self.fields and data.get("version") is None:
            self.add_error(
                None,
                _(
                    "This page is out of date (it does not say which version you edited). "
                    "Reload it and make your change again."
                ),
            )
        others = Organisation.objects.exclude(pk=self.instance.pk) if self.instance.pk else None
        if others is None:
            others = Organisation.objects.all()
        if not self.has_error("region") and not self.has_error("soum"):
            place_changed = not self.instance.pk or {"region", "soum"} & set(self.changed_data)
            if place_changed:
                try:
                    services.place_check(region=data.get("region"), soum=data.get("soum") or "")
                except ValidationError as exc:
                    self.add_error(None, exc)
        number = (data.get("registration_number") or "").strip()
        if number and others.filter(registration_number__iexact=number).exists():
            self.add_error(
                "registration_number",
                _("An organisation with this registration number is already in the registry."),
            )
        names = Q()
        for name in (data.get("name_en"), data.get("name_mn")):
            if name and name.strip():
                names |= Q(name_en__iexact=name.strip()) | Q(name_mn__iexact=name.strip())
        if names and others.filter(names).exists():
            self.add_error(
                None,
                _(
                    "An organisation with this name is already in the registry. "
                    "Find it in the directory and ask to join it instead."
                ),
            )
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of their account"),
        help_text=_("The person must already have an account on this site."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class RetireForm(forms.Form):
    # The version the administrator saw; the service refuses the change if it moved since.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(
        label=_("Why is the organisation retired?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'Shown on its page, e.g. "Merged into the Ministry of Justice and Home Affairs '
            'in 2024". Nothing is deleted: its responsibilities, reports and history stay, and '
            "it reports no more. It can be restored."
        ),
    )


class DecisionForm(forms.Form):
    """A site administrator's note (return) or reason (reject) for a registration's applicant.

    Whether it is required is the service's rule (``services.organisation_return`` and
    ``organisation_reject``), which says so in words that fit each decision."""

    reason = forms.CharField(
        label=_("Note or reason for the applicant"),
        help_text=_(
            "Sent to the organisation's administrators by email. Returning: say what to fix. "
            "Rejecting: say why; the decision is final."
        ),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": services.REVIEW_NOTE_MAX}),
    )
