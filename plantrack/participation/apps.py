from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "plantrack.participation"
    label = "participation"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules and the response
        # notices' texts with plantrack.notices.
        from . import notify, permissions  # noqa: F401
