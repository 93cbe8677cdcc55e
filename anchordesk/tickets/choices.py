from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


# Statuses the team still has to act on, in inbox order of urgency.
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    EMAIL = "email", "Email"
    API = "api", "API"
    PHONE = "phone", "Phone"


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", "Customer message"
    REPLY = "reply", "Public reply"
    NOTE = "note", "Internal note"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    BOOLEAN = "boolean", "Yes/no"
    CHOICE = "choice", "Choice"


class EventKind(models.TextChoices):
    CREATED = "ticket.created", "created the ticket"
    CUSTOMER_MESSAGE = "ticket.customer_message", "wrote"
    REPLIED = "ticket.replied", "replied"
    NOTE_ADDED = "ticket.note_added", "added a note"
    STATUS = "ticket.status", "changed the status"
    PRIORITY = "ticket.priority", "changed the priority"
    ASSIGNED = "ticket.assigned", "changed the assignee"
    TEAM = "ticket.team", "changed the team"
    TAGS = "ticket.tags", "changed the tags"
    SUBJECT = "ticket.subject", "changed the subject"
    FIELDS = "ticket.fields", "changed custom fields"
    MERGED = "ticket.merged", "merged"
    MERGED_INTO = "ticket.merged_into", "merged this ticket into another"
    LINKED = "ticket.linked", "linked a ticket"
    UNLINKED = "ticket.unlinked", "removed a link"
    AUTO_REPLIED = "ticket.auto_replied", "emailed the customer for a rule"
    SPLIT_FROM = "ticket.split_from", "split this ticket off another"
    SPLIT = "ticket.split", "split messages off into a new ticket"
    VIEW_CREATED = "view.created", "saved a view"
    VIEW_DELETED = "view.deleted", "deleted a saved view"
