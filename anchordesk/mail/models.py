from __future__ import annotations

from django.db import models

from anchordesk.accounts.models import Team
from anchordesk.core.crypto import EncryptedTextField


class Security(models.TextChoices):
    SSL = "ssl", "TLS (IMAPS)"
    STARTTLS = "starttls", "STARTTLS"
    PLAIN = "plain", "None (local servers only)"


class Mailbox(models.Model):
    """A support address. Polled over IMAP when it has a host, and/or fed by push or pipe."""

    name = models.CharField(max_length=80, unique=True)
    address = models.EmailField(unique=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    host = models.CharField(max_length=200, blank=True)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=200, blank=True)
    # Secrets are encrypted at rest (anchordesk.core.crypto) and never rendered back to a page.
    password = EncryptedTextField(blank=True)
    oauth2_token = EncryptedTextField(
        blank=True, help_text="Bearer token for providers that need OAuth2 (XOAUTH2)"
    )
    folder = models.CharField(max_length=200, default="INBOX")
    # Where processed mail goes; empty means it stays in place with a processed flag.
    processed_folder = models.CharField(max_length=200, blank=True)
    push_secret = EncryptedTextField(blank=True)
    active = models.BooleanField(default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class Source(models.TextChoices):
    IMAP = "imap", "IMAP"
    PUSH = "push", "Push endpoint"
    PIPE = "pipe", "MTA pipe"


class InboundState(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate"
    QUARANTINED = "quarantined", "Quarantined"
    IGNORED = "ignored", "Ignored"
    DISCARDED = "discarded", "Discarded"


class InboundEmail(models.Model):
    """Every received message, raw bytes first: nothing is parsed before it is stored."""

    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64, unique=True)
    # The Message-ID in full (any length); message_key (its SHA-256) is what lookups use.
    message_id = models.TextField(blank=True)
    message_key = models.CharField(max_length=64, blank=True, db_index=True)
    from_address = models.CharField(max_length=250, blank=True, db_index=True)
    subject = models.CharField(max_length=250, blank=True)
    state = models.CharField(max_length=12, choices=InboundState.choices, default=InboundState.PENDING)
    reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    is_auto_reply = models.BooleanField(default=False)
    is_bounce = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class OutboundState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class OutboundKind(models.TextChoices):
    """What an outgoing email is. Every email Anchordesk sends is one of these, through the outbox."""

    REPLY = "reply", "Reply to the customer"
    HANDOFF_EXTERNAL = "handoff.external", "Handoff to an outside contact"
    HANDOFF = "notice.handoff", "Handoff notice"
    ESCALATION = "notice.escalation", "Escalation notice"
    APPROVAL = "notice.approval", "Approval notice"
    ANNOUNCEMENT = "notice.announcement", "Policy announcement"
    WELLBEING = "notice.wellbeing", "Wellbeing notice"
    SLA_WARNING = "notice.sla_warning", "SLA warning"
    SLA_BREACH = "notice.sla_breach", "SLA breach"
    PROMISE_REMINDER = "notice.promise_reminder", "Promise reminder"
    PROMISE_MISSED = "notice.promise_missed", "Missed promise"
    KIND_WORDS = "notice.kind_words", "Customer's thanks"
    CSAT_SURVEY = "csat.survey", "Satisfaction survey"
    DIGEST = "digest.weekly", "Weekly digest"
    PORTAL_LINK = "portal.sign_in", "Portal sign-in link"
    INVITATION = "accounts.invitation", "Invitation to join"
    NEW_CONTACT = "notice.new_contact", "New contact for the customer"


class OutboundEmail(models.Model):
    """The durable outbox: written in the same transaction as the change that sends it, sent by the worker."""

    kind = models.CharField(max_length=40, choices=OutboundKind.choices, default=OutboundKind.REPLY)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    from_address = models.CharField(max_length=250)
    reply_to = models.CharField(max_length=250, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    message_id = models.CharField(max_length=250, unique=True)
    in_reply_to = models.TextField(blank=True)  # a customer's Message-ID can be of any length
    references = models.TextField(blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)  # extra headers, e.g. List-Unsubscribe
    # A sign-in link is useless once it has expired, and its body holds a live token: such an
    # email is not sent after expires_at, and a sensitive body is blanked once the row is done.
    expires_at = models.DateTimeField(null=True, blank=True)
    sensitive = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=OutboundState.choices, default=OutboundState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
