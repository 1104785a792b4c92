from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "plantrack.assessments"
    label = "assessments"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules.
        from . import permissions  # noqa: F401
