"""Django admin for assessments: read-only. Every change goes through the services (the
pages or ``plantrack import``), so versions freeze, published rounds stay as published and
each change is in the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Framework, FrameworkVersion, IndicatorLink, Rating, Round


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnly):
    list_display = ("slug", "title_en", "title_mn", "updated_at")
    search_fields = ("slug", "title_en", "title_mn")


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnly):
    list_display = ("framework", "number", "created_at", "frozen_at")
    list_select_related = ("framework",)


@admin.register(Round)
class RoundAdmin(ReadOnly):
    list_display = ("__str__", "subject", "year", "official", "state", "revision")
    list_filter = ("state", "official")
    search_fields = ("title", "subject", "assessing_body")


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ("round", "indicator", "level", "not_assessed")
    list_select_related = ("round", "indicator", "level")
    raw_id_fields = ("round", "indicator", "level")


@admin.register(IndicatorLink)
class IndicatorLinkAdmin(ReadOnly):
    list_display = ("indicator", "item", "created_at")
    list_select_related = ("indicator", "item")
