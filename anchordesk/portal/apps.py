from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "anchordesk.portal"
    label = "portal"
