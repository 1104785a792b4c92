from django.urls import path

from . import views, views_import

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.index, name="index"),
    path("assessments/compare/", views.compare, name="compare"),
    path("assessments/import/", views_import.import_upload, name="import"),
    path("assessments/import/reread/", views_import.import_reread, name="import_reread"),
    path("assessments/import/confirm/", views_import.import_confirm, name="import_confirm"),
    path(
        "assessments/import/template.csv",
        views_import.import_template,
        {"fmt": "csv"},
        name="import_template_csv",
    ),
    path(
        "assessments/import/template.xlsx",
        views_import.import_template,
        {"fmt": "xlsx"},
        name="import_template_xlsx",
    ),
    path("assessments/frameworks/<slug:slug>/", views.framework_detail, name="framework"),
    path("assessments/frameworks/<slug:slug>/edit/", views.framework_edit, name="framework_edit"),
    path("assessments/frameworks/<slug:slug>/new-round/", views.round_new, name="round_new"),
    path("assessments/rounds/<int:pk>/", views.round_detail, name="round"),
    path("assessments/rounds/<int:pk>/rate/", views.rate, name="rate"),
    path("assessments/rounds/<int:pk>/submit/", views.submit, name="submit"),
    path("assessments/rounds/<int:pk>/publish/", views.publish, name="publish"),
    path("assessments/rounds/<int:pk>/return/", views.return_round, name="return"),
    path("assessments/rounds/<int:pk>/correct/", views.correct, name="correct"),
    path("assessments/subjects/<slug:key>/", views.subject_detail, name="subject"),
    path(
        "plans/<slug:slug>/items/<str:code>/assessment-links/",
        views.item_links,
        name="item_links",
    ),
]
