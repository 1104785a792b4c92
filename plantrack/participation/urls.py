from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/new/", views.consultation_new, name="new"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="consultation"),
    path("consultations/<slug:slug>/edit/", views.consultation_edit, name="edit"),
    path("consultations/<slug:slug>/draft/", views.consultation_draft, name="draft"),
    path("consultations/<slug:slug>/respond/", views.respond, name="respond"),
    path("consultations/<slug:slug>/answered/", views.mark_answered, name="answered"),
    path("consultations/<slug:slug>/send/", views.input_new, name="input_new"),
    path("consultations/<slug:slug>/p/<slug:anchor>/", views.paragraph_detail, name="paragraph"),
    path("consultations/<slug:slug>/inputs/<int:pk>/", views.input_detail, name="input"),
    path("consultations/<slug:slug>/inputs/<int:pk>/edit/", views.input_edit, name="input_edit"),
    path("consultations/<slug:slug>/inputs/<int:pk>/reply/", views.input_reply, name="input_reply"),
    path(
        "consultations/<slug:slug>/inputs/<int:pk>/support/",
        views.input_support,
        name="input_support",
    ),
    path(
        "consultations/<slug:slug>/inputs/<int:pk>/cosign/",
        views.input_cosign,
        name="input_cosign",
    ),
    path(
        "consultations/<slug:slug>/inputs/<int:pk>/file/",
        views.input_attachment,
        name="input_attachment",
    ),
    path("my/inputs/", views.my_inputs, name="my_inputs"),
]
