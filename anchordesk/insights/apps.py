from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "anchordesk.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from anchordesk.core.events import subscribe
        from anchordesk.insights import facts

        # Listed after sla, recovery and collab in INSTALLED_APPS, so their handlers have run
        # (timers met, temperature scored) by the time this one reads the outcome.
        subscribe(facts.on_ticket_event, may_wait=True)
