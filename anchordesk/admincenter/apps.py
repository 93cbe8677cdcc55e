from django.apps import AppConfig


class AdminCenterConfig(AppConfig):
    """The settings hub: one page that reaches every section an admin or lead configures.

    It sits at the top of the layers (like the API): it reads counts from the apps below and
    links to their pages, and no app imports it.
    """

    name = "anchordesk.admincenter"
    label = "admincenter"
