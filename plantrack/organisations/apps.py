from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "plantrack.organisations"
    label = "organisations"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules.
        from . import permissions  # noqa: F401
