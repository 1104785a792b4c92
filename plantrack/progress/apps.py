from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "plantrack.progress"
    label = "progress"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules, the report
        # notices' texts with plantrack.notices and the work queues of the header and the
        # sign-in landing with plantrack.accounts.work.
        from . import notify, permissions, queues  # noqa: F401
