from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "plantrack.participation"
    label = "participation"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules and the response
        # notices' texts with plantrack.notices.
        # h-e: the moderation and follow rules, the open/close notices' texts.
        from . import follows, moderation, notify, permissions  # noqa: F401
