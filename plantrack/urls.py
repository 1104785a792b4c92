from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from plantrack.lib.admin import AdminSite
from plantrack.lib.rules import public
from plantrack.plans import views as plan_views

# Django's admin asks for the second factor itself (as well as the two-step middleware):
# whoever can open it has proven a code from their authenticator app in this session.
# It also answers filters the database cannot run as wrong filters (plantrack.lib.admin).
admin.site.__class__ = AdminSite

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    path(
        "favicon.ico",
        public(RedirectView.as_view(url="/static/plantrack/favicon.svg", permanent=True)),
    ),
]

urlpatterns += i18n_patterns(
    path("", plan_views.home, name="home"),
    path("", include("plantrack.plans.urls")),
    path("", include("plantrack.organisations.urls")),
    path("", include("plantrack.progress.urls")),
    path("", include("plantrack.assessments.urls")),
    path("", include("plantrack.history.urls")),
    path("", include("plantrack.notices.urls")),
    path("", include("plantrack.participation.urls")),
    path("", include("plantrack.meetings.urls")),
    path("", include("plantrack.progress.urls_queues")),
    path("", include("plantrack.surveys.urls")),
    path("accounts/", include("plantrack.accounts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
