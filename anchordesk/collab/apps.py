from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "anchordesk.collab"
    label = "collab"
    verbose_name = "Escalations and handoffs"

    def ready(self) -> None:
        from anchordesk.collab import actions
        from anchordesk.core.events import subscribe

        subscribe(actions.on_ticket_event)
