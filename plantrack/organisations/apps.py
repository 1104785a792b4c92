from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "plantrack.organisations"
    label = "organisations"
