from django.contrib import admin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_mn", "acronym", "kind"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_mn", "acronym"]
    prepopulated_fields = {"slug": ("name_en",)}
