from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "anchordesk.sso"
    label = "sso"
    verbose_name = "Single sign-on and provisioning"
