from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "anchordesk.ops"
    label = "ops"
    verbose_name = "Operations"
