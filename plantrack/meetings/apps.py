from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "plantrack.meetings"
    label = "meetings"

    def ready(self) -> None:
        # Register the permission rules (plantrack.lib.rules) and the notices' texts
        # (plantrack.notices) of meetings.
        from . import notify, permissions  # noqa: F401
