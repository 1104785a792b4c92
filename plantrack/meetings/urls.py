from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_feed, name="ics"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="minutes"),
    path("meetings/<int:pk>/inputs/", views.meeting_input_new, name="input_new"),
    path("meetings/<int:pk>/registrations/", views.meeting_registrations, name="registrations"),
    path("meetings/<int:pk>/register/", views.register, name="register"),
    path("meetings/<int:pk>/unregister/", views.unregister, name="unregister"),
    path("my/meetings/", views.my_registrations, name="mine"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar.ics", views.calendar_feed, name="feed"),
]
