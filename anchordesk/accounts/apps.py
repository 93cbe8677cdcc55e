from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anchordesk.accounts"
    label = "accounts"
    verbose_name = "People and teams"
