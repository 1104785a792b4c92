"""Bulk progress reporting by spreadsheet (included by ``progress/urls.py``)."""

from django.urls import path

from . import views_bulk

urlpatterns = [
    path("plans/<slug:slug>/bulk/", views_bulk.bulk_upload, name="bulk"),
    path(
        "plans/<slug:slug>/bulk/template.xlsx",
        views_bulk.bulk_template,
        {"fmt": "xlsx"},
        name="bulk_template_xlsx",
    ),
    path(
        "plans/<slug:slug>/bulk/template.csv",
        views_bulk.bulk_template,
        {"fmt": "csv"},
        name="bulk_template_csv",
    ),
    path("plans/<slug:slug>/bulk/confirm/", views_bulk.bulk_confirm, name="bulk_confirm"),
]
