from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "anchordesk.integrations"
    label = "integrations"

    def ready(self) -> None:
        from anchordesk.integrations import extensions  # models are loaded only once apps are ready

        extensions.register()
