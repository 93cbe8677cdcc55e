"""The ticket page: the conversation, reply and note, the sidebar forms, presence, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from anchordesk.accounts.models import Team, User
from anchordesk.core.access import NotAllowed
from anchordesk.core.registry import ticket_panels_context, timeline_entries
from anchordesk.tickets import inbox, presence
from anchordesk.tickets.actions import (
    OpenWorkPending,
    StaleTicket,
    do_add_note,
    do_change_tags,
    do_link_tickets,
    do_merge_tickets,
    do_reply,
    do_set_fields,
    do_set_subject,
    do_unlink_tickets,
    do_update_ticket,
)
from anchordesk.tickets.choices import Priority, Status
from anchordesk.tickets.forms import (
    REPLY_STATUSES,
    LinkForm,
    MergeForm,
    NoteForm,
    PropertiesForm,
    ReplyForm,
    SubjectForm,
    TagForm,
    assignable_agents,
    custom_field_inputs,
    error_dict,
    form_errors,
)
from anchordesk.tickets.models import Attachment, CustomField, Message, Ticket, TicketLink
from anchordesk.tickets.queries import access_attachment, access_ticket, tickets_visible_to
from anchordesk.tickets.templatetags.ticket_tags import MESSAGE_EVENTS
from anchordesk.tickets.uploads import CheckedUpload, check_uploads
from anchordesk.tickets.views import current_user, presence_seconds

OTHER_TICKETS_SHOWN = 6


@dataclass
class TimelineItem:
    # "message", "event", or an app's own entry: "email" (mail: a notice or survey about the
    # ticket, not a reply)
    kind: str
    at: datetime
    obj: Any


_ORDER = {"message": 0, "event": 1, "email": 2}


def _timeline(ticket: Ticket) -> list[TimelineItem]:
    """Messages, notes, audit events and the ticket's other emails in time order, in at most five
    queries however long the ticket. A reply's own email shows as a badge on the reply."""
    has_files = Exists(Attachment.objects.filter(message_id=OuterRef("pk")))
    messages = list(
        ticket.messages.select_related("author", "customer")
        .annotate(has_files=has_files)
        .prefetch_related("outbound_emails")
    )
    # Most conversations carry no files: their attachments are read only when a message has one.
    prefetch_related_objects([m for m in messages if m.has_files], Prefetch("attachments", to_attr="files"))
    for m in messages:
        if not m.has_files:
            setattr(m, "files", [])  # noqa: B010  (not a model field)
    items = [TimelineItem("message", m.created_at, m) for m in messages]
    items += [
        TimelineItem("event", e.created_at, e)
        for e in ticket.events.select_related("actor", "actor_customer").order_by("created_at", "id")
        if e.kind not in MESSAGE_EVENTS
    ]
    items += [TimelineItem(kind, at, obj) for kind, at, obj in timeline_entries(ticket)]
    # Stable sort: a message and the events and emails it caused keep their order.
    return sorted(items, key=lambda item: (item.at, _ORDER.get(item.kind, len(_ORDER))))


def _links(user: User, ticket: Ticket) -> list[Ticket]:
    """Linked tickets the user may see. The few links are read first and only they are checked:
    filtering by "every visible ticket" made the database list a million ids per page view."""
    rows = TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket)).select_related(
        "from_ticket", "to_ticket"
    )
    others = [link.to_ticket if link.from_ticket_id == ticket.pk else link.from_ticket for link in rows]
    if not others or user.works_tickets:
        return others
    visible = set(tickets_visible_to(user).filter(pk__in=[t.pk for t in others]).values_list("pk", flat=True))
    return [t for t in others if t.pk in visible]


def _default_reply_status(ticket: Ticket) -> str:
    allowed = {value for value, _ in REPLY_STATUSES}
    return ticket.status if ticket.status in allowed else Status.OPEN.value


def ticket_page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    error_form: str = "",
    **extra: Any,
) -> HttpResponse:
    user = current_user(request)
    definitions = list(CustomField.objects.filter(active=True))
    other_tickets = list(
        tickets_visible_to(user)
        .filter(customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")[:OTHER_TICKETS_SHOWN]
    )
    context: dict[str, Any] = {
        "ticket": ticket,
        "customer": ticket.customer,
        "timeline": _timeline(ticket),
        "tags": list(ticket.tags.all()),
        "links": _links(user, ticket),
        "other_tickets": other_tickets,
        "agents": list(assignable_agents()),
        "teams": list(Team.objects.all()),
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "reply_statuses": REPLY_STATUSES,
        "custom_fields": custom_field_inputs(definitions, ticket.fields),
        "others": presence.others_on(ticket, user),
        "presence_interval": presence_seconds(),
        "errors": errors or {},
        "error_form": error_form,
        "reply_draft": "",
        "reply_status": _default_reply_status(ticket),
        "reply_version": ticket.version,
        "note_draft": "",
        "composer": "reply",
    }
    # The apps' panels (promises and mistakes, temperature) registered in core.registry.
    context.update(ticket_panels_context(ticket, user))
    suggestion = request.session.pop("reply_suggestion", "")
    if suggestion and not context["reply_draft"]:
        context["reply_draft"] = suggestion  # "tell the customer": a kept promise or a policy answer
    context.update(extra)
    return render(request, "tickets/ticket.html", context, status=status)


def _still_open(exc: OpenWorkPending) -> str:
    return f"Still open on this ticket: {'; '.join(exc.reasons)}. Solve anyway?"


def _redirect(ticket: Ticket) -> HttpResponse:
    return redirect("ticket", ticket_id=ticket.pk)


@login_required
@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = access_ticket(current_user(request), ticket_id)
    return ticket_page(request, ticket)


def _uploads(request: HttpRequest, errors: dict[str, list[str]]) -> list[CheckedUpload]:
    try:
        return check_uploads(request.FILES.getlist("attachments"))
    except ValidationError as exc:
        errors.update(error_dict(exc))
        return []


@login_required
@require_POST
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Send a public reply and set the status in the same step; warn first if the ticket changed."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = ReplyForm(request.POST)
    errors: dict[str, list[str]] = {}
    uploads = _uploads(request, errors)
    draft: dict[str, Any] = {
        "reply_draft": request.POST.get("body", ""),
        "reply_status": request.POST.get("status") or _default_reply_status(ticket),
        "reply_version": request.POST.get("version") or ticket.version,
        "composer": "reply",
    }
    if not form.is_valid():
        errors.update(form_errors(form))
    if errors:
        return ticket_page(request, ticket, status=422, errors=errors, error_form="reply", **draft)
    data = form.cleaned_data
    try:
        sent = do_reply(
            ticket,
            data["body"],
            actor=user,
            status=data["status"] or None,
            uploads=uploads,
            expected_version=None if data["force"] else data["version"],
            macro_ids=request.POST.getlist("macro"),
            confirm_open_work=bool(request.POST.get("confirm_open_work")),
        )
    except OpenWorkPending as exc:
        return ticket_page(
            request,
            ticket,
            status=409,
            error_form="reply",
            confirm_open_work_reply=True,
            errors={"status": [_still_open(exc)]},
            **draft,
        )
    except StaleTicket as exc:
        # Nothing is sent and nothing is lost: the draft stays in the box, with what changed above it.
        return ticket_page(
            request, exc.ticket, status=409, stale_events=exc.events, had_files=bool(uploads), **draft
        )
    except ValidationError as exc:
        return ticket_page(request, ticket, status=422, errors=error_dict(exc), error_form="reply", **draft)
    # The reply's ticket is the row the action locked and changed (its status, a macro's or a
    # rule's): no need to read it again.
    ticket = sent.ticket
    messages.success(request, f"Reply sent. The ticket is {Status(ticket.status).label.lower()}.")
    if request.POST.get("then") == "next":
        upcoming = inbox.next_ticket(user, after=ticket)
        if upcoming is None:
            messages.info(request, "No other ticket is waiting in your Open view.")
            return redirect("inbox")
        return _redirect(upcoming)
    return _redirect(ticket)


@login_required
@require_POST
def note(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = NoteForm(request.POST)
    errors: dict[str, list[str]] = {}
    uploads = _uploads(request, errors)
    draft: dict[str, Any] = {"note_draft": request.POST.get("body", ""), "composer": "note"}
    if not form.is_valid():
        errors.update(form_errors(form))
    if errors:
        return ticket_page(request, ticket, status=422, errors=errors, error_form="note", **draft)
    try:
        do_add_note(ticket, form.cleaned_data["body"], actor=user, uploads=uploads)
    except ValidationError as exc:
        return ticket_page(request, ticket, status=422, errors=error_dict(exc), error_form="note", **draft)
    messages.success(request, "Internal note added. Only your team can see it.")
    return _redirect(ticket)


@login_required
@require_POST
def properties(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Status, priority, assignee and team: each change that was made is applied and audited."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = PropertiesForm(
        request.POST,
        current_assignee_id=ticket.assignee_id,
        initial={
            "status": ticket.status,
            "priority": ticket.priority,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
        },
    )
    if not form.is_valid():
        return ticket_page(request, ticket, status=422, errors=form_errors(form), error_form="properties")
    try:
        do_update_ticket(
            ticket,
            actor=user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
            confirm_open_work=bool(request.POST.get("confirm_open_work")),
        )
    except OpenWorkPending as exc:
        return ticket_page(
            request,
            ticket,
            status=409,
            error_form="properties",
            confirm_open_work=True,
            errors={"status": [_still_open(exc)]},
        )
    except ValidationError as exc:
        ticket = access_ticket(user, ticket_id)
        return ticket_page(request, ticket, status=422, errors=error_dict(exc), error_form="properties")
    messages.success(request, "Ticket updated.")
    return _redirect(ticket)


@login_required
@require_POST
def subject(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = SubjectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        do_set_subject(ticket, form.cleaned_data["subject"], actor=user)
    except ValidationError as exc:
        return ticket_page(request, ticket, status=422, errors=error_dict(exc), error_form="subject")
    return _redirect(ticket)


@login_required
@require_POST
def tags(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = TagForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"tags": [f"{k}: {' '.join(v)}" for k, v in form_errors(form).items()]})
        names = [n for n in form.cleaned_data["tag"].split(",") if n.strip()]
        if not names:
            raise ValidationError({"tags": "Type a tag."})
        if form.cleaned_data["op"] == "add":
            do_change_tags(ticket, actor=user, add=names)
        else:
            do_change_tags(ticket, actor=user, remove=names)
    except ValidationError as exc:
        return ticket_page(request, ticket, status=422, errors=error_dict(exc), error_form="tags")
    return _redirect(ticket)


@login_required
@require_POST
def fields(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    keys = CustomField.objects.filter(active=True).values_list("key", flat=True)
    values = {key: request.POST.get(f"field_{key}", "").strip() for key in keys}
    try:
        do_set_fields(ticket, values, actor=user)
    except ValidationError as exc:
        return ticket_page(request, ticket, status=422, errors=error_dict(exc), error_form="fields")
    messages.success(request, "Fields saved.")
    return _redirect(ticket)


def _other_ticket(user: User, number: int, field: str = "number") -> Ticket:
    try:
        return access_ticket(user, number)
    except NotAllowed:
        raise ValidationError({field: f"There is no ticket #{number}."}) from None


@login_required
@require_POST
def merge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Merge this ticket into another. The first POST asks for confirmation; the second merges."""
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = MergeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        target = _other_ticket(user, form.cleaned_data["number"])
        if target.pk == ticket.pk:
            raise ValidationError({"number": "A ticket cannot be merged into itself."})
        if not form.cleaned_data["confirm"]:
            moving = Message.objects.filter(ticket=ticket).count()
            return render(
                request, "tickets/merge_confirm.html", {"ticket": ticket, "target": target, "moving": moving}
            )
        do_merge_tickets(ticket, target, actor=user)
    except ValidationError as exc:
        errors = {("number" if k in ("target", "source") else k): v for k, v in error_dict(exc).items()}
        return ticket_page(request, ticket, status=422, errors=errors, error_form="merge")
    messages.success(request, f"Merged #{ticket.pk} into this ticket.")
    return _redirect(target)


@login_required
@require_POST
def link(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = current_user(request)
    ticket = access_ticket(user, ticket_id)
    form = LinkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        other = _other_ticket(user, form.cleaned_data["number"])
        if form.cleaned_data["op"] == "unlink":
            do_unlink_tickets(ticket, other, actor=user)
        else:
            do_link_tickets(ticket, other, actor=user)
    except ValidationError as exc:
        errors = {("number" if k == "ticket" else k): v for k, v in error_dict(exc).items()}
        return ticket_page(request, ticket, status=422, errors=errors, error_form="link")
    return _redirect(ticket)


@login_required
@require_POST
def presence_leave(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The page is closing (a beacon): drop the caller from the collision notice at once. Who else is
    on the ticket is asked from the API (POST /api/v1/tickets/<id>/presence)."""
    user = current_user(request)
    presence.leave(access_ticket(user, ticket_id), user)
    return HttpResponse(status=204)


@login_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Files are served only through this check, never from a public media URL."""
    row = access_attachment(current_user(request), attachment_id)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing") from None
    response = FileResponse(handle, as_attachment=True, filename=row.filename, content_type=row.content_type)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
