from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "plantrack.progress"
    label = "progress"
