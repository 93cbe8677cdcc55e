from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from anchordesk.accounts.models import Customer, Team
from anchordesk.tickets.choices import Channel, FieldType, MessageKind, Priority, Status


class Tag(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """An admin-defined ticket field; values live in Ticket.fields, validated by type."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    type = models.CharField(max_length=10, choices=FieldType.choices, default=FieldType.TEXT)
    choices = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    subject = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    fields = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    # 0-100, from the language of the customer's recent messages (recovery/temperature.py).
    temperature = models.PositiveSmallIntegerField(default=0)
    # Bumped by every change, so an agent replying on a stale page can be warned.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "updated_at", "id"], name="ticket_status_upd"),
            models.Index(fields=["assignee", "status", "updated_at", "id"], name="ticket_assignee_upd"),
            models.Index(fields=["team", "status", "updated_at", "id"], name="ticket_team_upd"),
            models.Index(fields=["customer", "updated_at"], name="ticket_customer_upd"),
            models.Index(fields=["updated_at", "id"], name="ticket_upd"),
            models.Index(fields=["created_at", "id"], name="ticket_created"),
            models.Index(fields=["priority", "updated_at", "id"], name="ticket_priority_upd"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def number(self) -> int:
        return self.pk

    @property
    def is_active(self) -> bool:
        return self.status not in (Status.SOLVED, Status.CLOSED)


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)  # always sanitized before it is stored
    # The RFC 5322 Message-ID of the email this message came in as or went out as, for threading.
    # Any length: lookups and threading go through email_message_key, the SHA-256 of the whole id.
    email_message_id = models.TextField(blank=True, default="")
    email_message_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            models.Index(fields=["email_message_key"], name="message_email_key"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.display_name
        if self.customer is not None:
            return self.customer.display_name
        return "Unknown" if self.kind == "customer" else "Anchordesk"


def email_message_key(message_id: str) -> str:
    """The lookup key of a Message-ID (with its angle brackets): SHA-256 hex, "" for none.

    Message-IDs have no length limit; the key is short enough to index on every database,
    and two ids that differ anywhere, even after their first thousand characters, differ.
    """
    return hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest() if message_id else ""


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.filename


class TicketLink(models.Model):
    """Two related tickets. Stored once with from_ticket.id < to_ticket.id."""

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticket_link_unique")
        ]


class Presence(models.Model):
    """Who is looking at or replying on a ticket right now (for the collision notice)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    typing = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="presence_unique")]


class SavedView(models.Model):
    """A named inbox filter. Shared views (owner empty) are managed by leads."""

    name = models.CharField(max_length=80)
    filters = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_views"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Follower(models.Model):
    """Someone copied on a ticket (CC on an email): they receive the public replies too."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField()
    name = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "email"], name="follower_unique")]
