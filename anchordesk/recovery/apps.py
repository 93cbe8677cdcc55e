from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "anchordesk.recovery"
    label = "recovery"
    verbose_name = "Promises and recovery"
