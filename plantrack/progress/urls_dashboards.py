"""Routes of the dashboards and the progress export (included by progress/urls.py, so their
names are in the ``progress`` namespace)."""

from django.urls import path

from . import views_dashboards as views

urlpatterns = [
    path("plans/<slug:slug>/dashboard/", views.plan_dashboard, name="plan_dashboard"),
    path("plans/<slug:slug>/progress.csv", views.progress_csv, name="progress_csv"),
    path("plans/<slug:slug>/progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path(
        "organisations/<slug:slug>/dashboard/",
        views.organisation_dashboard,
        name="organisation_dashboard",
    ),
]
