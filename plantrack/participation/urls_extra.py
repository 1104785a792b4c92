"""h-e's participation routes (moderation, report, statistics, follows), listed before the
consultation routes in ``urls.py`` so that "moderation", "statistics" and "follow" are not
read as a consultation's address."""

from django.urls import path

from . import views_moderation as moderation
from . import views_report as report

urlpatterns = [
    path("consultations/moderation/", moderation.queue, name="moderation"),
    path("consultations/moderation/people/<int:user_id>/block/", moderation.block, name="block"),
    path(
        "consultations/moderation/people/<int:user_id>/unblock/",
        moderation.unblock,
        name="unblock",
    ),
    path("consultations/statistics/", report.statistics_page, name="statistics"),
    path("consultations/follow/", report.follow, name="follow"),
    path("consultations/<slug:slug>/report/", report.report, name="report"),
    path("consultations/<slug:slug>/report.pdf", report.report_pdf, name="report_pdf"),
    path("consultations/<slug:slug>/moderation/", moderation.log, name="moderation_log"),
    path("consultations/<slug:slug>/inputs/<int:pk>/flag/", moderation.flag, name="flag"),
    path("consultations/<slug:slug>/inputs/<int:pk>/hide/", moderation.hide, name="hide"),
    path("consultations/<slug:slug>/inputs/<int:pk>/restore/", moderation.restore, name="restore"),
    path(
        "consultations/<slug:slug>/inputs/<int:pk>/flags/close/",
        moderation.flags_dismiss,
        name="flags_dismiss",
    ),
]
