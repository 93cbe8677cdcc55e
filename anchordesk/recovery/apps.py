from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "anchordesk.recovery"
    label = "recovery"
    verbose_name = "Promises and recovery"

    def ready(self) -> None:
        from anchordesk.core.events import subscribe
        from anchordesk.recovery import temperature

        try:  # TEMPORARY until the signals package lands in this tree
            from anchordesk.signals import analyze_message  # noqa: F401
        except ImportError:
            return
        subscribe(temperature.on_ticket_event)
