from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "anchordesk.wellbeing"
    label = "wellbeing"
    verbose_name = "Agent wellbeing"

    def ready(self) -> None:
        from anchordesk.core.events import subscribe
        from anchordesk.wellbeing import actions

        subscribe(actions.on_ticket_event)
