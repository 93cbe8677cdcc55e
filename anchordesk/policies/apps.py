from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "anchordesk.policies"
    label = "policies"
    verbose_name = "Policies"
