from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "anchordesk.sla"
    label = "sla"
    verbose_name = "SLAs"

    def ready(self) -> None:
        from anchordesk.sla import extensions  # models are loaded only once apps are ready

        extensions.register()
