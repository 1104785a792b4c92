from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.db.models import F
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import FieldOfActivity, Membership, Organisation, Region, Soum, TargetGroup
from .services import RESERVED_SLUGS, last_admin_error, leaves_no_admin, name_taken, place_check


class OrganisationAdminForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=AdminURLFieldWidget,
    )

    class Meta:
        model = Organisation
        exclude: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        probe = Organisation(
            pk=self.instance.pk, name_en=data.get("name_en", ""), name_mn=data.get("name_mn", "")
        )
        if name_taken(probe):
            raise forms.ValidationError(
                _("An organisation with this name is already registered."), code="duplicate_name"
            )
        if {"region", "soum"} & set(self.changed_data):
            try:
                place_check(region=data.get("region"), soum=data.get("soum") or "")
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return data

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is used by the site; choose another."))
        return slug


class MembershipInlineFormSet(BaseInlineFormSet):
    """Refuses a save that would leave the organisation without an administrator."""

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None:
            return
        changed: dict[int, tuple[str, str] | None] = {}
        added: list[tuple[str, str]] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data:
                continue
            pk = form.instance.pk
            if self.can_delete and data.get(DELETION_FIELD_NAME):
                if pk:
                    changed[pk] = None
                continue
            role_state = (
                data.get("role", form.instance.role),
                data.get("state", form.instance.state),
            )
            if pk:
                changed[pk] = role_state
            else:
                added.append(role_state)
        if leaves_no_admin(organisation=self.instance, changed=changed, added=added):
            raise last_admin_error()


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["invited_by", "decided_by", "decided_at", "created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = [
        "name_en",
        "name_mn",
        "acronym",
        "kind",
        "region",
        "self_registered",
        "created_by_import",
        "verified_at",
    ]
    list_filter = [
        "kind",
        "self_registered",
        "created_by_import",
        ("verified_at", admin.EmptyFieldListFilter),
        "review_state",
        "region",
    ]
    search_fields = ["name_en", "name_mn", "acronym", "acronym_mn", "registration_number"]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ["fields", "target_groups"]
    autocomplete_fields = ["region"]
    readonly_fields = [
        "verified_by",
        "created_by_import",
        "review_state",
        "review_note",
        "retired_at",
        "retired_reason",
        "created_at",
        "updated_at",
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return False  # retired with a reason on the organisation's page, never deleted

    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            # An edit here counts as one: a profile form open elsewhere is now stale.
            obj.version = F("version") + 1  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_mn", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name_en", "name_mn", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(FieldOfActivity)
class FieldOfActivityAdmin(VocabularyAdmin):
    pass


@admin.register(TargetGroup)
class TargetGroupAdmin(VocabularyAdmin):
    pass


@admin.register(Region)
class RegionAdmin(VocabularyAdmin):
    list_display = ["name_en", "name_mn", "kind", "slug", "position"]
    list_filter = ["kind"]


@admin.register(Soum)
class SoumAdmin(VocabularyAdmin):
    list_display = ["name_mn", "name_en", "aimag", "slug", "position"]
    list_filter = ["aimag"]
    autocomplete_fields = ["aimag"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        exclude: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        membership = self.instance
        if membership.pk:
            after = (data.get("role", membership.role), data.get("state", membership.state))
            if leaves_no_admin(
                organisation=membership.organisation, changed={membership.pk: after}
            ):
                raise last_admin_error()
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organisation", "role", "state", "created_at", "decided_at"]
    list_filter = ["role", "state"]
    search_fields = [
        "user__email",
        "user__display_name",
        "organisation__name_en",
        "organisation__name_mn",
    ]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["invited_by", "decided_by", "decided_at", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        if obj is not None:
            # Moving a membership to another person or organisation is a removal and an
            # invitation; do those instead.
            return [*self.readonly_fields, "user", "organisation"]
        return self.readonly_fields

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, so the last administrator stays
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        if obj is not None and leaves_no_admin(
            organisation=obj.organisation, changed={obj.pk: None}
        ):
            return False
        return super().has_delete_permission(request, obj)
