from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "anchordesk.tickets"
    label = "tickets"
