from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/new/", views.survey_new, name="new"),
    path("plans/<slug:slug>/surveys/", views.plan_surveys, name="plan_list"),
    path("surveys/<slug:slug>/", views.survey_detail, name="detail"),
    path("surveys/<slug:slug>/thanks/", views.survey_thanks, name="thanks"),
    path("surveys/<slug:slug>/results/", views.survey_results, name="results"),
    path("surveys/<slug:slug>/results.csv", views.results_csv, name="results_csv"),
    path("surveys/<slug:slug>/results/<int:pk>/", views.survey_texts, name="texts"),
    path("surveys/<slug:slug>/manage/", views.survey_manage, name="manage"),
    path("surveys/<slug:slug>/state/", views.survey_state, name="state"),
    path("surveys/<slug:slug>/questions/add/", views.question_edit, name="question_add"),
    path("surveys/<slug:slug>/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path(
        "surveys/<slug:slug>/questions/<int:pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("surveys/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("surveys/<slug:slug>/answers/<int:pk>/", views.answer_moderate, name="moderate"),
    path("surveys/<slug:slug>/responses.csv", views.survey_export, {"fmt": "csv"}, "export_csv"),
    path("surveys/<slug:slug>/responses.xlsx", views.survey_export, {"fmt": "xlsx"}, "export_xlsx"),
]
