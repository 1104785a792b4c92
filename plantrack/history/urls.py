from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path("plans/<slug:slug>/history/", views.plan_history, name="plan"),
    path("plans/<slug:slug>/items/<str:code>/history/", views.item_history, name="item"),
    path("plans/<slug:slug>/changes/", views.plan_changes, name="changes"),
    path("organisations/<slug:slug>/history/", views.organisation_history, name="organisation"),
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/receipt/", views.receipt, name="receipt"),
    path("transparency/head.json", views.head_json, name="head"),
    path("transparency/events/<int:seq>/proof.json", views.event_proof, name="proof"),
]
