from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plantrack.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Register this app's permission rules with plantrack.lib.rules.
        from . import permissions  # noqa: F401
