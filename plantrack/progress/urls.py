from django.urls import include, path

from . import views

app_name = "progress"

urlpatterns = [
    path("plans/<slug:slug>/items/<str:code>/report/", views.report, name="report"),
    path("plans/<slug:slug>/updates/<int:pk>/", views.update_detail, name="update"),
    path("plans/<slug:slug>/updates/<int:pk>/edit/", views.update_edit, name="edit"),
    path("plans/<slug:slug>/updates/<int:pk>/review/", views.review, name="review"),
    path(
        "plans/<slug:slug>/updates/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_file,
        name="evidence",
    ),
    path("plans/<slug:slug>/periods/", views.periods, name="periods"),
    path("plans/<slug:slug>/periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("plans/<slug:slug>/periods/<int:pk>/unlock/", views.period_unlock, name="period_unlock"),
    path("", include("plantrack.progress.urls_indicators")),
    path("", include("plantrack.progress.urls_dashboards")),
    path("", include("plantrack.progress.urls_bulk")),
]
