from django.contrib import admin

from .models import Item, Plan, Responsibility


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_en", "issuer", "tracked_count"]
    search_fields = ["slug", "title_en", "title_mn"]
    filter_horizontal = ["managers"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "plan", "kind", "status", "progress"]
    list_filter = ["plan", "kind", "status"]
    search_fields = ["code", "title_en", "title_mn"]
    raw_id_fields = ["parent"]
    list_select_related = ["plan"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["item", "organisation", "role"]
    raw_id_fields = ["item"]
    list_select_related = ["item", "organisation"]
