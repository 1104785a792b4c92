from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "plantrack.progress"
    label = "progress"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules.
        from . import permissions  # noqa: F401
