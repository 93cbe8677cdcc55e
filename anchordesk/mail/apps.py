from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "anchordesk.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        from anchordesk.mail import extensions  # models are loaded only once apps are ready

        extensions.register()
