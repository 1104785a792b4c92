"""The work queues: "My reporting" for reporters, "To review" for plan managers."""

from django.urls import path

from . import views_queues

app_name = "queues"

urlpatterns = [
    path("my/reporting/", views_queues.my_reporting, name="reporting"),
    path("my/review/", views_queues.to_review, name="review"),
]
