"""Django admin for plans and items. Edits go through the plans services, so the tree, the
versions and the rolled-up figures stay as the pages and the importer keep them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Item, Plan, Responsibility

# Kept by the importer and the roll-up; shown, never edited by hand.
ITEM_STORED = (
    "plan",
    "parent",
    "path",
    "depth",
    "position",
    "kind",
    "code",
    "tracked_count",
    "status_counts",
    "version",
    "retired_at",
    "retired_reason",
    "created_at",
    "updated_at",
)
PLAN_STORED = (
    "progress",
    "tracked_count",
    "status_counts",
    "version",
    "retired_at",
    "retired_reason",
    "created_at",
    "updated_at",
)


class _VersionedForm(forms.ModelForm):
    # The version the editor saw; the service refuses the save if it changed since.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["seen_version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen = data.get("seen_version")
        if self.instance.pk and seen is not None:
            stored = type(self.instance).objects.filter(pk=self.instance.pk)
            if not stored.filter(version=seen).exists():
                self.add_error(
                    None,
                    forms.ValidationError(
                        _(
                            "Someone else saved this while you were editing it. "
                            "Reload the page to see their changes, then make yours again."
                        ),
                        code="stale",
                    ),
                )
        return data


def _changed_values(form: forms.ModelForm, obj: Any) -> dict[str, Any]:
    model_fields = {f.name for f in obj._meta.concrete_fields}
    return {name: getattr(obj, name) for name in form.changed_data if name in model_fields}


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = _VersionedForm
    list_display = ["slug", "title_en", "issuer", "position", "tracked_count"]
    search_fields = ["slug", "title_en", "title_mn"]
    filter_horizontal = ["managers"]
    readonly_fields = PLAN_STORED

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        return False  # plans are retired with a reason on the plan's page, never deleted

    def save_model(self, request: HttpRequest, obj: Plan, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        values = _changed_values(form, obj)
        if values:
            services.plan_update(
                plan=obj,
                version=form.cleaned_data.get("seen_version"),
                values=values,
                by=request.user,  # type: ignore[arg-type]
            )


class _ItemForm(_VersionedForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        fields = {f.name for f in Item._meta.concrete_fields}
        values = {k: data[k] for k in self.changed_data if k in fields and k in data}
        if self.instance.pk and values and not data.get("reason", "").strip():
            before = Item.objects.filter(pk=self.instance.pk).values(*values).first() or {}
            if services.reason_required(self.instance, before, values):
                self.add_error(
                    "reason",
                    _("This item's reported progress was approved; say why you change it."),
                )
        return data


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = _ItemForm
    list_display = ["code", "plan", "kind", "status", "progress"]
    list_filter = ["plan", "kind", "status"]
    search_fields = ["code", "title_en", "title_mn"]
    list_select_related = ["plan"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items come from a plan's import, which places them in the tree

    def get_readonly_fields(self, request: HttpRequest, obj: Item | None = None) -> Any:
        if obj is not None and not obj.is_tracked:
            # A parent's status and progress are rolled up from its children.
            return (*ITEM_STORED, "status", "progress")
        return ITEM_STORED

    def save_model(self, request: HttpRequest, obj: Item, form: Any, change: bool) -> None:
        values = _changed_values(form, obj)
        if values:
            stored = Item.objects.only("version").get(pk=obj.pk).version
            seen = form.cleaned_data.get("seen_version")
            services.item_update(
                item=obj,
                version=stored if seen is None else seen,
                values=values,
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data.get("reason", ""),
            )

    def has_delete_permission(self, request: HttpRequest, obj: Item | None = None) -> bool:
        return False  # items are retired with a reason on the plan's pages, never deleted


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["item", "organisation", "role"]
    raw_id_fields = ["item"]
    list_select_related = ["item", "organisation"]
