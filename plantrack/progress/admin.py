"""Django admin for the disaggregation dimensions (site administrators keep the list) and a
read-only view of indicators.

Dimension edits go through ``dimensions.py`` (history events; a value reports use keeps its
slug and is never deleted); indicators are edited by the plan's managers on their pages,
where the services check versions and what was already reported."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .dimensions import DIMENSION_FIELDS, dimension_deletable, dimension_delete, dimension_save
from .models import Dimension, DimensionValue, Indicator

SLUG_KEPT = _("Reports already use this one, so its short name (slug) stays.")


def _values(obj: Dimension | DimensionValue) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in DIMENSION_FIELDS}


class DimensionForm(forms.ModelForm):
    class Meta:
        model = Dimension
        fields = list(DIMENSION_FIELDS)

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        instance = self.instance
        if instance.pk and slug != instance.slug and not dimension_deletable(instance):
            raise forms.ValidationError(SLUG_KEPT)
        return slug


class DimensionValueFormSet(BaseInlineFormSet):
    """Refuses renaming the slug of a value reports use, or deleting it."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            value = form.instance
            if not data or value.pk is None or dimension_deletable(value):
                continue
            if self.can_delete and data.get(DELETION_FIELD_NAME):
                form.add_error(
                    None, _("Reports use “%(name)s”, so it cannot be deleted.") % {"name": value}
                )
            elif "slug" in form.changed_data:
                form.add_error("slug", SLUG_KEPT)


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    formset = DimensionValueFormSet
    fields = list(DIMENSION_FIELDS)
    extra = 1


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    form = DimensionForm
    list_display = ["name_en", "name_mn", "slug", "position"]
    search_fields = ["name_en", "name_mn", "slug"]
    inlines = [DimensionValueInline]

    def save_model(self, request: HttpRequest, obj: Dimension, form: Any, change: bool) -> None:
        dimension_save(dimension=obj, by=request.user, values=_values(obj))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        saved = formset.save(commit=False)
        for value in formset.deleted_objects:
            dimension_delete(dimension=value, by=request.user)
        for value in saved:
            dimension_save(dimension=value, by=request.user, values=_values(value))

    def has_delete_permission(self, request: HttpRequest, obj: Dimension | None = None) -> bool:
        # One at a time, and only one no indicator or report uses.
        return (
            obj is not None
            and super().has_delete_permission(request, obj)
            and (dimension_deletable(obj))
        )

    def delete_model(self, request: HttpRequest, obj: Dimension) -> None:
        dimension_delete(dimension=obj, by=request.user)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Read only: the plan's managers edit indicators on their pages."""

    list_display = ["__str__", "item", "kind", "measured", "cumulative", "retired_at"]
    list_filter = ["kind", "measured", "cumulative"]
    search_fields = ["title_en", "title_mn", "item__code"]
    list_select_related = ["item"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        return False
