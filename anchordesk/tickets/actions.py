"""Every change to a ticket goes through here: one function per change, atomic, audited.

Views, API routes, commands and tasks parse their input and call these; they never
write ticket rows themselves. Side effects (webhooks, mail) run after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from anchordesk.accounts.actions import do_get_or_create_customer
from anchordesk.accounts.models import Customer, Team, User
from anchordesk.core.audit import record_event
from anchordesk.core.claims import update_returning
from anchordesk.core.registry import (
    apply_reply_macros,
    conversation_moved,
    reply_message_id,
    run_after_reply,
    send_outward_event,
    solve_blockers,
)
from anchordesk.tickets.choices import Channel, EventKind, MessageKind, Priority, Status
from anchordesk.tickets.fields import clean_field_values
from anchordesk.tickets.models import (
    Attachment,
    Message,
    SavedView,
    Tag,
    Ticket,
    TicketLink,
    email_message_key,
)
from anchordesk.tickets.queries import lock_for_customer_message
from anchordesk.tickets.sanitize import CleanHtml, check_html, sanitize_html
from anchordesk.tickets.uploads import CheckedUpload

MAX_BODY = 100_000


class StaleTicket(Exception):
    """The ticket changed since the agent opened it; the UI asks before sending anyway."""

    def __init__(self, ticket: Ticket, events: list[Any]) -> None:
        super().__init__(f"Ticket #{ticket.pk} changed since it was opened")
        self.ticket = ticket
        self.events = events


class OpenWorkPending(Exception):
    """Solving or closing would leave promises or handoffs open; the caller asks, then confirms."""

    def __init__(self, ticket: Ticket, reasons: list[str]) -> None:
        super().__init__(f"Still open on ticket #{ticket.pk}: {'; '.join(reasons)}")
        self.ticket = ticket
        self.reasons = reasons


RESOLVED_STATUSES = (Status.SOLVED, Status.CLOSED)


def _guard_open_work(ticket: Ticket, status: str | None, *, confirmed: bool) -> None:
    """The one copy of the rule "ask before solving with open promises or handoffs". What is open
    comes from the solve blockers the apps register (recovery: promises; collab: handoffs)."""
    if confirmed or status not in RESOLVED_STATUSES or status == ticket.status:
        return
    if reasons := solve_blockers(ticket):
        raise OpenWorkPending(ticket, reasons)


def _emit(event: str, ticket: Ticket, extra: dict[str, Any] | None = None) -> None:
    payload = {"ticket_id": ticket.pk, **(extra or {})}
    transaction.on_commit(lambda: send_outward_event(event, payload))


def _clean_body(body: str, *, field_name: str = "body") -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({field_name: "Write something first."})
    if len(body) > MAX_BODY:
        raise ValidationError({field_name: f"Too long: at most {MAX_BODY} characters."})
    return body


def _touch(ticket: Ticket, fields: Iterable[str], *, locked: bool = False) -> None:
    """Save the changed fields with the next version. A ticket just read with select_for_update,
    before any event ran its subscribers (`locked`), knows its version: no other writer can have
    moved it, so it is not read back. After an event, a subscriber may have saved the row through
    another instance: then the version is incremented in SQL and read back in the same statement
    (UPDATE ... RETURNING)."""
    if locked:
        ticket.version += 1
        ticket.save(update_fields=[*fields, "version", "updated_at"])
        return
    ticket.updated_at = timezone.now()
    values = {name: getattr(ticket, name) for name in fields}
    saved = update_returning(
        Ticket.objects.filter(pk=ticket.pk), **values, version=F("version") + 1, updated_at=ticket.updated_at
    )
    if not saved:
        raise DatabaseError(f"Ticket #{ticket.pk} is gone: nothing was saved.")
    ticket.version = saved[0].version


def _counted(ticket: Ticket, changed: list[str]) -> list[str]:
    """One more message on a locked ticket, saved with its other changes by `_touch`."""
    ticket.message_count += 1
    return [*changed, "message_count"]


def _user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.display_name}


def _team_ref(team: Team | None) -> dict[str, Any] | None:
    return None if team is None else {"id": team.pk, "name": team.name}


def _save_attachments(message: Message, uploads: Sequence[CheckedUpload]) -> None:
    """The files stored, then their rows in one INSERT."""
    attachments = []
    for upload in uploads:
        attachment = Attachment(
            message=message, filename=upload.filename, content_type=upload.content_type, size=upload.size
        )
        attachment.file.save(upload.filename, upload.file, save=False)
        attachments.append(attachment)
    if attachments:
        Attachment.objects.bulk_create(attachments)


def _add_message(
    ticket: Ticket,
    *,
    kind: str,
    body: str,
    html: str = "",
    author: User | None = None,
    customer: Customer | None = None,
    channel: str = Channel.WEB,
    uploads: Sequence[CheckedUpload] = (),
    email_message_id: str = "",
    count: bool = True,
) -> Message:
    """The message and its files; `count=False` leaves the ticket's message count to the caller,
    which holds the row locked and saves the count with its own changes (`_counted`)."""
    message = Message.objects.create(
        ticket=ticket,
        kind=kind,
        author=author,
        customer=customer,
        channel=channel,
        body_text=body,
        body_html=_stored_html(html),
        email_message_id=email_message_id,
        email_message_key=email_message_key(email_message_id),
    )
    _save_attachments(message, uploads)
    if count:
        Ticket.objects.filter(pk=ticket.pk).update(message_count=F("message_count") + 1)
    return message


def _stored_html(html: str) -> str:
    """HTML as stored: already-clean markup (an email's, cleaned by the parser) as it is; anything
    else refused when too large or too deeply nested (a 4xx naming the field), then cleaned."""
    if not html:
        return ""
    if isinstance(html, CleanHtml):
        return html
    check_html(html)
    return sanitize_html(html)


@dataclass
class NewTicket:
    customer: Customer
    subject: str
    body: str
    channel: str = Channel.WEB
    html: str = ""
    priority: int = Priority.NORMAL
    team: Team | None = None
    assignee: User | None = None
    tags: Sequence[str] = ()
    fields: dict[str, Any] = field(default_factory=dict)
    uploads: Sequence[CheckedUpload] = ()
    email_message_id: str = ""


def do_create_ticket(
    new: NewTicket, *, actor: User | None = None, actor_customer: Customer | None = None
) -> Ticket:
    """Open a ticket with its first message. Customers write it themselves; agents may open one for them."""
    return do_open_ticket(new, actor=actor, actor_customer=actor_customer)[0]


@transaction.atomic
def do_open_ticket(
    new: NewTicket, *, actor: User | None = None, actor_customer: Customer | None = None
) -> tuple[Ticket, Message]:
    """do_create_ticket that also gives the first message (bulk ingest threads later mail to it)."""
    subject = (new.subject or "").strip()
    if not subject:
        raise ValidationError({"subject": "A subject is required."})
    if len(subject) > 250:
        raise ValidationError({"subject": "At most 250 characters."})
    body = _clean_body(new.body)
    if new.priority not in Priority.values:
        raise ValidationError({"priority": f"Must be one of {', '.join(Priority.names).lower()}."})
    fields_ = clean_field_values(new.fields) if new.fields else {}
    now = timezone.now()
    ticket = Ticket.objects.create(
        subject=subject,
        customer=new.customer,
        channel=new.channel,
        priority=new.priority,
        team=new.team,
        assignee=new.assignee,
        fields=fields_,
        status=Status.OPEN if new.assignee else Status.NEW,
        last_customer_message_at=now if actor is None else None,
        message_count=1,  # the first message, added below (`count=False`)
    )
    if new.tags:
        ticket.tags.set(_get_tags(new.tags))
    author_customer = new.customer if actor is None else None
    # A ticket an agent opens on a customer's behalf starts with the customer's words as they gave them.
    first = _add_message(
        ticket,
        kind=MessageKind.CUSTOMER,
        body=body,
        html=new.html,
        author=None,
        customer=author_customer or new.customer,
        channel=new.channel,
        uploads=new.uploads,
        email_message_id=new.email_message_id,
        count=False,
    )
    record_event(
        EventKind.CREATED,
        actor=actor,
        actor_customer=actor_customer,
        ticket=ticket,
        after={"subject": subject, "channel": new.channel, "priority": new.priority},
    )
    # Not read back: the event's subscribers change the ticket through this instance (triggers
    # and assignment call the ticket actions with it and refresh it; each save reads its version
    # back), so it already is the row as stored.
    _emit("ticket.created", ticket)
    return ticket, first


@transaction.atomic
def do_add_customer_message(
    ticket: Ticket,
    body: str,
    *,
    customer: Customer,
    channel: str = Channel.WEB,
    html: str = "",
    uploads: Sequence[CheckedUpload] = (),
    email_message_id: str = "",
    locked: bool = False,
) -> Message:
    """A customer writes again: the ticket reopens if it was waiting on them or solved.

    `locked`: the caller read `ticket` with `lock_for_customer_message` in the transaction this
    runs in (email ingest, which found the ticket by that read), so it is not read again."""
    body = _clean_body(body)
    if not locked:
        ticket = lock_for_customer_message(Ticket.objects.all()).get(pk=ticket.pk)
    message = _add_message(
        ticket,
        kind=MessageKind.CUSTOMER,
        body=body,
        html=html,
        customer=customer,
        channel=channel,
        uploads=uploads,
        email_message_id=email_message_id,
        count=False,
    )
    before = ticket.status
    ticket.last_customer_message_at = timezone.now()
    changed = ["last_customer_message_at"]
    if ticket.status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
        ticket.status = Status.OPEN
        ticket.solved_at = None
        changed += ["status", "solved_at"]
    _touch(ticket, _counted(ticket, changed), locked=True)
    record_event(
        EventKind.CUSTOMER_MESSAGE,
        actor_customer=customer,
        ticket=ticket,
        obj=message,
        before={"status": before},
        after={"status": ticket.status},
    )
    _emit("message.created", ticket, {"message_id": message.pk, "kind": message.kind})
    return message


def _lock_for_reply(pk: int) -> Ticket:
    """The ticket row locked for a reply, with its customer: the after-reply effects (mail's
    email to the customer) read the customer, and the lock stays on the ticket row alone."""
    return Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=pk)


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and ticket.version != expected_version:
        events = list(ticket.events.select_related("actor").order_by("-id")[:5])
        raise StaleTicket(ticket, events)


@transaction.atomic
def do_reply(
    ticket: Ticket,
    body: str,
    *,
    actor: User,
    status: str | None = None,
    html: str = "",
    uploads: Sequence[CheckedUpload] = (),
    expected_version: int | None = None,
    macro_ids: Sequence[int | str] = (),
    confirm_open_work: bool = False,
) -> Message:
    """A public reply to the customer, optionally changing the status in the same step.

    The macros the agent inserted into the reply run their actions with it, or not at all.
    Solving with promises or handoffs still open raises OpenWorkPending unless confirmed.
    """
    body = _clean_body(body)
    if status is not None and status not in Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    ticket = _lock_for_reply(ticket.pk)
    _check_version(ticket, expected_version)
    _guard_open_work(ticket, status, confirmed=confirm_open_work)
    message = _add_message(
        ticket,
        kind=MessageKind.REPLY,
        body=body,
        html=html,
        author=actor,
        channel=ticket.channel,
        uploads=uploads,
        email_message_id=reply_message_id(),  # the id its email will carry
        count=False,
    )
    changed: list[str] = []
    if ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        changed.append("first_response_at")
    assigned = ticket.assignee_id is None
    if assigned:
        ticket.assignee = actor
        changed.append("assignee")
    # Without an explicit choice a new ticket becomes open once someone has answered it.
    new_status = status or (Status.OPEN if ticket.status == Status.NEW else ticket.status)
    # Saved before any event runs its subscribers, so the locked row's version and count are known.
    _touch(ticket, _counted(ticket, changed), locked=True)
    if assigned:
        record_event(EventKind.ASSIGNED, actor=actor, ticket=ticket, before=None, after=_user_ref(actor))
    record_event(EventKind.REPLIED, actor=actor, ticket=ticket, obj=message)
    _emit("message.created", ticket, {"message_id": message.pk, "kind": message.kind})
    if new_status != ticket.status:
        _apply_status(ticket, new_status, actor=actor)
    # The customer's email is written in this same transaction (mail's after-reply effect): a
    # committed reply is never unsent.
    run_after_reply(message)
    if macro_ids:
        # automation's, in the same transaction; a status the reply chose wins over a macro's
        apply_reply_macros(ticket, [str(m) for m in macro_ids], actor=actor, status_chosen=status is not None)
    return message


@transaction.atomic
def do_add_system_note(ticket: Ticket, body: str) -> Message:
    """A note written by Anchordesk itself (a bounce, a refused attachment), shown to agents only."""
    message = _add_message(ticket, kind=MessageKind.NOTE, body=_clean_body(body))
    _touch(ticket, [])
    record_event(EventKind.NOTE_ADDED, ticket=ticket, obj=message)
    return message


@transaction.atomic
def do_send_automatic_reply(ticket: Ticket, body: str, *, rule_name: str) -> Message:
    """An email to the customer written by a rule (a reminder, an acknowledgement), kept on the ticket.

    It is recorded as its own event, not as an agent's reply: it answers nothing, so it
    meets no first-response or next-reply target and triggers on agent replies ignore it.
    """
    ticket = _lock_for_reply(ticket.pk)
    message = _add_message(
        ticket,
        kind=MessageKind.REPLY,
        body=_clean_body(body),
        channel=ticket.channel,
        email_message_id=reply_message_id(),
        count=False,
    )
    _touch(ticket, _counted(ticket, []), locked=True)
    record_event(EventKind.AUTO_REPLIED, ticket=ticket, obj=message, after={"rule": rule_name})
    _emit("message.created", ticket, {"message_id": message.pk, "kind": message.kind})
    run_after_reply(message)
    return message


@transaction.atomic
def do_add_note(ticket: Ticket, body: str, *, actor: User, uploads: Sequence[CheckedUpload] = ()) -> Message:
    """An internal note: only agents see it."""
    body = _clean_body(body)
    message = _add_message(ticket, kind=MessageKind.NOTE, body=body, author=actor, uploads=uploads)
    _touch(ticket, [])
    record_event(EventKind.NOTE_ADDED, actor=actor, ticket=ticket, obj=message)
    _emit("message.created", ticket, {"message_id": message.pk, "kind": message.kind})
    return message


def _apply_status(ticket: Ticket, status: str, *, actor: User | None) -> None:
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if status == ticket.status:
        return
    if ticket.status == Status.CLOSED:
        raise ValidationError(
            {"status": "A closed ticket cannot change status; the customer's next message opens a follow-up."}
        )
    before = ticket.status
    ticket.status = status
    if status == Status.SOLVED:
        ticket.solved_at = timezone.now()
    elif status != Status.CLOSED:
        ticket.solved_at = None
    _touch(ticket, ["status", "solved_at"])
    record_event(EventKind.STATUS, actor=actor, ticket=ticket, before=before, after=status)
    _emit("ticket.updated", ticket, {"field": "status", "before": before, "after": status})


@transaction.atomic
def do_set_status(ticket: Ticket, status: str, *, actor: User | None) -> Ticket:
    _apply_status(ticket, status, actor=actor)
    return ticket


@transaction.atomic
def do_set_priority(ticket: Ticket, priority: int, *, actor: User | None) -> Ticket:
    if priority not in Priority.values:
        raise ValidationError({"priority": "Must be low, normal, high or urgent."})
    if priority != ticket.priority:
        before = ticket.priority
        ticket.priority = priority
        _touch(ticket, ["priority"])
        record_event(EventKind.PRIORITY, actor=actor, ticket=ticket, before=before, after=priority)
        _emit("ticket.updated", ticket, {"field": "priority", "before": before, "after": priority})
    return ticket


@transaction.atomic
def do_assign_ticket(ticket: Ticket, assignee: User | None, *, actor: User | None) -> Ticket:
    if assignee is not None and not assignee.works_tickets:
        raise ValidationError({"assignee": f"{assignee.display_name} cannot be assigned tickets."})
    if assignee != ticket.assignee:
        before = _user_ref(ticket.assignee)
        ticket.assignee = assignee
        fields_ = ["assignee"]
        if assignee is not None and ticket.status == Status.NEW:
            ticket.status = Status.OPEN
            fields_.append("status")
        _touch(ticket, fields_)
        record_event(EventKind.ASSIGNED, actor=actor, ticket=ticket, before=before, after=_user_ref(assignee))
        _emit("ticket.updated", ticket, {"field": "assignee", "after": assignee and assignee.pk})
    return ticket


@transaction.atomic
def do_set_team(ticket: Ticket, team: Team | None, *, actor: User | None) -> Ticket:
    if team != ticket.team:
        before = _team_ref(ticket.team)
        ticket.team = team
        _touch(ticket, ["team"])
        record_event(EventKind.TEAM, actor=actor, ticket=ticket, before=before, after=_team_ref(team))
        _emit("ticket.updated", ticket, {"field": "team", "after": team and team.pk})
    return ticket


@transaction.atomic
def do_set_subject(ticket: Ticket, subject: str, *, actor: User | None) -> Ticket:
    subject = (subject or "").strip()
    if not subject or len(subject) > 250:
        raise ValidationError({"subject": "A subject of 1 to 250 characters is required."})
    if subject != ticket.subject:
        before = ticket.subject
        ticket.subject = subject
        _touch(ticket, ["subject"])
        record_event(EventKind.SUBJECT, actor=actor, ticket=ticket, before=before, after=subject)
    return ticket


def _normalize_tag(name: str) -> str:
    tag = "-".join(name.strip().lower().split())
    if not tag or len(tag) > 50:
        raise ValidationError({"tags": f"Tag {name!r} must be 1 to 50 characters."})
    return tag


def _get_tags(names: Iterable[str]) -> list[Tag]:
    wanted = sorted({_normalize_tag(n) for n in names})
    existing = {t.name.lower(): t for t in Tag.objects.filter(name__in=wanted)}
    return [existing.get(n) or Tag.objects.create(name=n) for n in wanted]


@transaction.atomic
def do_change_tags(
    ticket: Ticket, *, actor: User | None, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> Ticket:
    before = sorted(ticket.tags.values_list("name", flat=True))
    to_add = _get_tags(add) if add else []
    remove_names = {_normalize_tag(n) for n in remove}
    if to_add:
        ticket.tags.add(*to_add)
    if remove_names:
        ticket.tags.remove(*Tag.objects.filter(name__in=remove_names))
    after = sorted(ticket.tags.values_list("name", flat=True))
    if after != before:
        _touch(ticket, [])
        record_event(EventKind.TAGS, actor=actor, ticket=ticket, before=before, after=after)
        _emit("ticket.updated", ticket, {"field": "tags", "after": after})
    return ticket


@transaction.atomic
def do_set_tags(ticket: Ticket, names: Iterable[str], *, actor: User | None) -> Ticket:
    wanted = {_normalize_tag(n) for n in names}
    current = set(ticket.tags.values_list("name", flat=True))
    return do_change_tags(ticket, actor=actor, add=wanted - current, remove=current - wanted)


@transaction.atomic
def do_set_fields(ticket: Ticket, values: dict[str, Any], *, actor: User | None) -> Ticket:
    cleaned = clean_field_values(values)
    before = dict(ticket.fields)
    after = {**before, **cleaned}
    after = {k: v for k, v in after.items() if v is not None}
    if after != before:
        ticket.fields = after
        _touch(ticket, ["fields"])
        record_event(EventKind.FIELDS, actor=actor, ticket=ticket, before=before, after=after)
    return ticket


# What do_update_ticket can change, in the order it applies them (status last: an assignment
# can open a new ticket, and the open-work guard looks at the ticket as the other changes leave it).
UPDATABLE = ("subject", "assignee", "team", "priority", "tags", "add_tags", "remove_tags", "fields", "status")


@transaction.atomic
def do_update_ticket(
    ticket: Ticket,
    *,
    actor: User,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    confirm_open_work: bool = False,
) -> Ticket:
    """Apply the changes an agent made (from a form's changed_data or an API payload's set fields)
    together: one refused change leaves the ticket untouched, and each applied one is audited.

    `changes` holds any of UPDATABLE: subject, status (a Status value), priority (a Priority
    value), assignee (a User or None), team (a Team or None), tags (replaces all), add_tags,
    remove_tags, fields (merged; None removes one). Raises StaleTicket when the ticket moved past
    `expected_version`, and OpenWorkPending when solving or closing would leave promises or
    handoffs open, unless `confirm_open_work`.
    """
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    for name in ("subject", "status", "priority"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("assignee", "team").get(pk=ticket.pk)
    )
    _check_version(ticket, expected_version)
    _guard_open_work(ticket, changes.get("status"), confirmed=confirm_open_work)
    if "subject" in changes:
        do_set_subject(ticket, changes["subject"], actor=actor)
    if "assignee" in changes:
        do_assign_ticket(ticket, changes["assignee"], actor=actor)
    if "team" in changes:
        do_set_team(ticket, changes["team"], actor=actor)
    if "priority" in changes:
        do_set_priority(ticket, changes["priority"], actor=actor)
    if changes.get("tags") is not None:
        do_set_tags(ticket, changes["tags"], actor=actor)
    if changes.get("add_tags") or changes.get("remove_tags"):
        do_change_tags(
            ticket, actor=actor, add=changes.get("add_tags") or (), remove=changes.get("remove_tags") or ()
        )
    if changes.get("fields") is not None:
        do_set_fields(ticket, changes["fields"], actor=actor)
    if "status" in changes:
        _apply_status(ticket, changes["status"], actor=actor)
    return ticket


@transaction.atomic
def do_open_ticket_for_contact(*, email: str, name: str = "", actor: User, **details: Any) -> Ticket:
    """An agent opens a ticket for someone who may not be a customer yet: the new customer and
    the ticket are saved together or not at all. `details` are NewTicket's other fields."""
    try:
        customer, _ = do_get_or_create_customer(email, name=name, actor=actor)
    except ValidationError:
        raise ValidationError({"customer_email": "Enter a valid email address."}) from None
    return do_create_ticket(NewTicket(customer=customer, **details), actor=actor)


@transaction.atomic
def do_merge_tickets(source: Ticket, target: Ticket, *, actor: User) -> Ticket:
    """Move the source ticket's conversation into the target and close the source."""
    if source.pk == target.pk:
        raise ValidationError({"target": "A ticket cannot be merged into itself."})
    if source.merged_into_id is not None:
        raise ValidationError({"source": f"#{source.pk} was already merged."})
    if target.merged_into_id is not None:
        raise ValidationError(
            {"target": f"#{target.pk} was merged into #{target.merged_into_id}; merge into that."}
        )
    if source.customer_id != target.customer_id and not actor.is_lead:
        # Merging two customers' conversations exposes one to the other; leads decide that.
        raise ValidationError({"target": "Tickets of different customers can only be merged by a lead."})
    moved = Message.objects.filter(ticket=source).update(ticket=target)
    Ticket.objects.filter(pk=target.pk).update(message_count=F("message_count") + moved)
    # What apps keep about the conversation (the promises made in it) goes where it went.
    conversation_moved(source, target, None, actor=actor)
    target.refresh_from_db()
    target.tags.add(*source.tags.all())
    _add_message(
        source, kind=MessageKind.NOTE, author=actor, body=f"Merged into #{target.pk} by {actor.display_name}."
    )
    source.merged_into = target
    before = source.status
    source.status = Status.CLOSED
    _touch(source, ["merged_into", "status"])
    _touch(target, [])
    record_event(
        EventKind.MERGED_INTO,
        actor=actor,
        ticket=source,
        before={"status": before},
        after={"into": target.pk},
    )
    record_event(EventKind.MERGED, actor=actor, ticket=target, after={"from": source.pk, "messages": moved})
    _emit("ticket.merged", target, {"from_ticket_id": source.pk})
    return target


@transaction.atomic
def do_split_ticket(source: Ticket, message_ids: Sequence[int], *, actor: User, subject: str = "") -> Ticket:
    """Move some of a ticket's messages to a new ticket of the same customer (a second question
    asked in the same thread). Promises made in the moved replies go with them; the rest stay."""
    source = Ticket.objects.select_for_update().get(pk=source.pk)
    if source.merged_into_id is not None:
        raise ValidationError({"source": f"#{source.pk} was merged into #{source.merged_into_id}."})
    wanted = set(message_ids)
    messages = list(Message.objects.filter(ticket=source, pk__in=wanted).order_by("pk"))
    if not wanted or len(messages) != len(wanted):
        raise ValidationError({"message_ids": "Choose messages of this ticket to split off."})
    if len(messages) == source.message_count:
        raise ValidationError({"message_ids": "Leave at least one message on this ticket."})
    subject = (subject or "").strip() or f"Split from #{source.pk}: {source.subject}"
    ticket = Ticket.objects.create(
        subject=subject[:250],
        customer=source.customer,
        channel=source.channel,
        priority=source.priority,
        team=source.team,
        assignee=source.assignee,
        status=Status.OPEN if source.assignee_id else Status.NEW,
        message_count=len(messages),
    )
    ids = [m.pk for m in messages]
    Message.objects.filter(pk__in=ids).update(ticket=ticket)
    Ticket.objects.filter(pk=source.pk).update(message_count=F("message_count") - len(messages))
    _touch(source, [])
    # Not "ticket.created": the customer did not write again (no new first message to score, no
    # sign that they came back after a mistake).
    record_event(EventKind.SPLIT_FROM, actor=actor, ticket=ticket, after={"from": source.pk, "messages": ids})
    record_event(EventKind.SPLIT, actor=actor, ticket=source, after={"into": ticket.pk, "messages": ids})
    conversation_moved(source, ticket, ids, actor=actor)
    _emit("ticket.created", ticket)
    return ticket


@transaction.atomic
def do_link_tickets(a: Ticket, b: Ticket, *, actor: User) -> TicketLink:
    if a.pk == b.pk:
        raise ValidationError({"ticket": "A ticket cannot be linked to itself."})
    first, second = sorted((a, b), key=lambda t: t.pk)
    link, created = TicketLink.objects.get_or_create(from_ticket=first, to_ticket=second)
    if created:
        record_event(EventKind.LINKED, actor=actor, ticket=a, after={"ticket": b.pk})
        record_event(EventKind.LINKED, actor=actor, ticket=b, after={"ticket": a.pk})
    return link


@transaction.atomic
def do_unlink_tickets(a: Ticket, b: Ticket, *, actor: User) -> None:
    first, second = sorted((a, b), key=lambda t: t.pk)
    deleted, _ = TicketLink.objects.filter(from_ticket=first, to_ticket=second).delete()
    if deleted:
        record_event(EventKind.UNLINKED, actor=actor, ticket=a, before={"ticket": b.pk})
        record_event(EventKind.UNLINKED, actor=actor, ticket=b, before={"ticket": a.pk})


@dataclass
class BulkResult:
    changed: int
    errors: dict[int, str]


def do_bulk_update(
    tickets: Sequence[Ticket],
    *,
    actor: User,
    status: str | None = None,
    assignee: User | None = None,
    unassign: bool = False,
    add_tags: Sequence[str] = (),
) -> BulkResult:
    """Apply one change to many tickets; each ticket is its own transaction so one refusal spoils none."""
    changed, errors = 0, {}
    for ticket in tickets:
        try:
            with transaction.atomic():
                try:
                    _guard_open_work(ticket, status, confirmed=False)
                except OpenWorkPending as pending:
                    # A bulk action cannot ask "solve anyway?" per ticket: those are solved one by one.
                    reasons = "; ".join(pending.reasons)
                    raise ValidationError(f"still open: {reasons}; solve it from the ticket") from None
                if status:
                    _apply_status(ticket, status, actor=actor)
                if assignee is not None or unassign:
                    do_assign_ticket(ticket, assignee, actor=actor)
                if add_tags:
                    do_change_tags(ticket, actor=actor, add=add_tags)
            changed += 1
        except ValidationError as exc:
            errors[ticket.pk] = "; ".join(exc.messages)
    return BulkResult(changed=changed, errors=errors)


# --- saved inbox views ------------------------------------------------------------------------

_VIEW_PARAMS = {"view", "status", "priority", "assignee", "team", "tag", "customer", "q", "sort"}


@transaction.atomic
def do_save_view(name: str, filters: dict[str, Any], *, shared: bool, actor: User) -> Any:
    """Save the current inbox filters under a name: personal, or shared with everyone (leads only)."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"name": "Give the view a name of 1 to 80 characters."})
    if shared and not actor.is_lead:
        raise ValidationError({"shared": "Only leads and admins can create shared views."})
    cleaned = {k: v for k, v in filters.items() if k in _VIEW_PARAMS and v not in (None, "", [])}
    owner = None if shared else actor
    if SavedView.objects.filter(owner=owner, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a view called {name!r}."})
    view = SavedView.objects.create(name=name, filters=cleaned, owner=owner)
    record_event(
        EventKind.VIEW_CREATED,
        actor=actor,
        obj=view,
        after={"name": name, "shared": shared, "filters": cleaned},
    )
    return view


@transaction.atomic
def do_delete_view(view: Any, *, actor: User) -> None:
    """Delete a saved view: one's own personal view, or a shared one as a lead."""
    if view.owner_id is None and not actor.is_lead:
        raise ValidationError({"view": "Only leads and admins can delete shared views."})
    if view.owner_id is not None and view.owner_id != actor.pk:
        raise ValidationError({"view": "This view belongs to someone else."})
    record_event(
        EventKind.VIEW_DELETED, actor=actor, obj=view, before={"name": view.name, "filters": view.filters}
    )
    view.delete()
