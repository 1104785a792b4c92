"""The indicator pages' routes (included by ``urls.py``, in the ``progress`` namespace)."""

from django.urls import path

from . import views_indicators as views

urlpatterns = [
    path("plans/<slug:slug>/indicators/setup/", views.indicators_setup, name="indicators_setup"),
    path("plans/<slug:slug>/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path(
        "plans/<slug:slug>/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "plans/<slug:slug>/indicators/<int:pk>/targets/",
        views.indicator_targets,
        name="indicator_targets",
    ),
    path(
        "plans/<slug:slug>/indicators/<int:pk>/retire/",
        views.indicator_retire,
        name="indicator_retire",
    ),
    path(
        "plans/<slug:slug>/indicators/<int:pk>/restore/",
        views.indicator_restore,
        name="indicator_restore",
    ),
    path(
        "plans/<slug:slug>/indicators/<int:pk>/delete/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    path(
        "plans/<slug:slug>/items/<str:code>/indicators/add/",
        views.indicator_add,
        name="indicator_add",
    ),
]
