from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "anchordesk.policies"
    label = "policies"
    verbose_name = "Policies"

    def ready(self) -> None:
        from anchordesk.policies import extensions  # models are loaded only once apps are ready

        extensions.register()
