from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "plantrack.notices"
    label = "notices"
