from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "anchordesk.recovery"
    label = "recovery"
    verbose_name = "Promises and recovery"

    def ready(self) -> None:
        from anchordesk.recovery import extensions  # models are loaded only once apps are ready

        extensions.register()
