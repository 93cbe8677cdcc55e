from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Offboarding and absence: the top layer that hands an agent's open work to others."""

    name = "anchordesk.people"
    label = "people"
    verbose_name = "People: offboarding and absence"

    def ready(self) -> None:
        from anchordesk.people import extensions  # models are loaded only once apps are ready

        extensions.register()
