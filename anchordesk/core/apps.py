from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anchordesk.core"
    label = "core"
