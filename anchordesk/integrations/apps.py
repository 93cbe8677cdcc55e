from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "anchordesk.integrations"
    label = "integrations"
