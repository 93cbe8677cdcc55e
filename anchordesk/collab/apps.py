from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "anchordesk.collab"
    label = "collab"
    verbose_name = "Escalations and handoffs"

    def ready(self) -> None:
        from anchordesk.collab import extensions  # models are loaded only once apps are ready

        extensions.register()
