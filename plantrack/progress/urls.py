from django.urls import include, path

from . import views

app_name = "progress"

urlpatterns = [
    path("plans/<slug:slug>/items/<str:code>/report/", views.report, name="report"),
    path("plans/<slug:slug>/updates/<int:pk>/", views.update_detail, name="update"),
    path("plans/<slug:slug>/updates/<int:pk>/review/", views.review, name="review"),
    path("", include("plantrack.progress.urls_bulk")),
]
