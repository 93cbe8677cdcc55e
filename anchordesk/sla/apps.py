from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "anchordesk.sla"
    label = "sla"
    verbose_name = "SLAs"

    def ready(self) -> None:
        from anchordesk.core.events import subscribe
        from anchordesk.sla import services

        subscribe(services.on_ticket_event)
