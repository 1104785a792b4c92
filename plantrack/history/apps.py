from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "plantrack.history"
    label = "history"
