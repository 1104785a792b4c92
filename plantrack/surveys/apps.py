from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "plantrack.surveys"
    label = "surveys"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules.
        from . import permissions  # noqa: F401
