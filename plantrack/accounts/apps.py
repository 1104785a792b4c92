from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plantrack.accounts"
    label = "accounts"
