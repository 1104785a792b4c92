"""Django admin for surveys: read-only. Every change goes through the services (the pages),
so each change is in the history and the stored tallies stay right. Answers are not listed:
their texts are read, and moderated, on the survey's own pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Question, Survey


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnly):
    list_display = ("slug", "title_en", "title_mn", "plan", "state", "response_count")
    list_filter = ("state", "anonymous")
    list_select_related = ("plan",)
    search_fields = ("slug", "title_en", "title_mn")


@admin.register(Question)
class QuestionAdmin(ReadOnly):
    list_display = ("survey", "position", "kind", "text_en", "text_mn", "required")
    list_select_related = ("survey",)
