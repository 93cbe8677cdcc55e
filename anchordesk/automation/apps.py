from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "anchordesk.automation"
    label = "automation"

    def ready(self) -> None:
        from anchordesk.automation import services
        from anchordesk.core.events import subscribe

        subscribe(services.on_ticket_event)
