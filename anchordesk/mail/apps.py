from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "anchordesk.mail"
    label = "mail"
    verbose_name = "Email"
