from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plantrack.plans"
    label = "plans"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules.
        from . import permissions  # noqa: F401
