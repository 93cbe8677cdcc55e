from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "anchordesk.automation"
    label = "automation"

    def ready(self) -> None:
        from anchordesk.automation import extensions  # models are loaded only once apps are ready

        extensions.register()
