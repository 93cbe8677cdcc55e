from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "anchordesk.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from anchordesk.insights import extensions  # models are loaded only once apps are ready

        extensions.register()
