from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "anchordesk.sso"
    label = "sso"
    verbose_name = "Single sign-on and provisioning"

    def ready(self) -> None:
        from anchordesk.sso import checks  # noqa: F401 - registers the start-up checks
