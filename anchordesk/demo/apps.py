from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "anchordesk.demo"
    label = "demo"
    verbose_name = "Demo help desk"
