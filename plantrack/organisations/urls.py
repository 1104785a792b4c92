from django.urls import path

from . import views

app_name = "organisations"

# Fixed paths come before <slug>; services.RESERVED_SLUGS keeps slugs off them.
urlpatterns = [
    path("organisations/", views.organisation_list, name="list"),
    path("organisations/register/", views.organisation_register, name="register"),
    path("organisations/review/", views.organisation_review, name="review"),
    path("organisations/invitations/", views.invitations, name="invitations"),
    path(
        "organisations/invitations/<int:pk>/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path("organisations/<slug:slug>/", views.organisation_detail, name="detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("organisations/<slug:slug>/verify/", views.organisation_verify, name="verify"),
    path("organisations/<slug:slug>/retire/", views.organisation_retire, name="retire"),
    path("organisations/<slug:slug>/restore/", views.organisation_restore, name="restore"),
    path("organisations/<slug:slug>/decide/", views.organisation_decide, name="decide"),
    path("organisations/<slug:slug>/join/", views.organisation_join, name="join"),
    path("organisations/<slug:slug>/leave/", views.organisation_leave, name="leave"),
    path("organisations/<slug:slug>/members/", views.organisation_members, name="members"),
    path(
        "organisations/<slug:slug>/members/<int:pk>/decide/",
        views.member_decide,
        name="member_decide",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "organisations/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
