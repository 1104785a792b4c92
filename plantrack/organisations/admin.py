from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.utils.translation import gettext_lazy as _

from .models import FieldOfActivity, Membership, Organisation, Region, TargetGroup
from .services import RESERVED_SLUGS


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

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is used by the site; choose another."))
        return slug


class MembershipInline(admin.TabularInline):
    model = Membership
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
        "verified_at",
    ]
    list_filter = ["kind", "self_registered", ("verified_at", admin.EmptyFieldListFilter), "region"]
    search_fields = ["name_en", "name_mn", "acronym", "registration_number"]
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ["fields", "target_groups"]
    autocomplete_fields = ["region"]
    readonly_fields = ["verified_by", "created_at", "updated_at"]
    inlines = [MembershipInline]


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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
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
