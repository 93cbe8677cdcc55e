from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "anchordesk.wellbeing"
    label = "wellbeing"
    verbose_name = "Agent wellbeing"

    def ready(self) -> None:
        from anchordesk.wellbeing import extensions  # models are loaded only once apps are ready

        extensions.register()
