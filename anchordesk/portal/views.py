"""The customer portal: sign in by emailed link, my tickets, a new ticket, the conversation.

Views parse input and call actions; every ticket lookup goes through tickets/queries.py,
so another customer's ticket is the same 404 as a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anchordesk.accounts.models import Customer
from anchordesk.portal import auth
from anchordesk.portal.actions import (
    TooManyLinkRequests,
    do_consume_sign_in_link,
    do_request_sign_in_link,
    get_sign_in_link_state,
)
from anchordesk.portal.forms import NewTicketForm, ReplyForm, SignInForm, add_action_errors
from anchordesk.portal.queries import access_customer_attachment
from anchordesk.tickets.actions import NewTicket, do_add_customer_message, do_create_ticket
from anchordesk.tickets.choices import Channel, MessageKind, Status
from anchordesk.tickets.models import Message, Ticket
from anchordesk.tickets.queries import access_customer_ticket, tickets_visible_to_customer
from anchordesk.tickets.uploads import CheckedUpload, check_uploads

TICKETS_PER_PAGE = 25

# What each status means to the person waiting on it.
_CUSTOMER_STATUS: dict[str, tuple[str, str]] = {
    Status.NEW: ("Open", "open"),
    Status.OPEN: ("Open", "open"),
    Status.PENDING: ("Awaiting your reply", "waiting"),
    Status.ON_HOLD: ("In progress", "progress"),
    Status.SOLVED: ("Solved", "solved"),
    Status.CLOSED: ("Closed", "closed"),
}


@dataclass(frozen=True)
class CustomerStatus:
    label: str
    css: str


def customer_status(status: str) -> CustomerStatus:
    label, css = _CUSTOMER_STATUS.get(status, ("Open", "open"))
    return CustomerStatus(label=label, css=css)


def _upload_limits() -> dict[str, object]:
    return {
        "max_count": settings.ATTACHMENT_MAX_COUNT,
        "max_mb": f"{settings.ATTACHMENT_MAX_BYTES / (1024 * 1024):g}",
    }


def _link_invalid(request: HttpRequest, state: str) -> HttpResponse:
    return render(
        request, "portal/link_invalid.html", {"state": state}, status=404 if state == "unknown" else 410
    )


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- sign in ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Enter your email; the answer is the same whether or not we know the address."""
    if request.method == "GET":
        if auth.get_portal_customer(request) is not None:
            return redirect("portal:tickets")
        next_url = auth.safe_next(request, request.GET.get("next"))
        if next_url:
            request.session[auth.NEXT_KEY] = next_url
        return render(request, "portal/sign_in.html", {"form": SignInForm()})
    form = SignInForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/sign_in.html", {"form": form}, status=400)
    try:
        do_request_sign_in_link(form.cleaned_data["email"], ip=_client_ip(request))
    except ValidationError as exc:
        for reason in exc.message_dict.get("email", []):
            form.add_error("email", reason)
        return render(request, "portal/sign_in.html", {"form": form}, status=400)
    except TooManyLinkRequests as exc:
        return render(
            request,
            "portal/sign_in.html",
            {"form": form, "rate_limited": True, "wait_minutes": exc.wait_minutes},
            status=429,
        )
    return render(request, "portal/check_inbox.html", {"email": form.cleaned_data["email"]})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET only asks "sign in?" so mail scanners that open links cannot use them up; POST signs in."""
    if request.method == "GET":
        state = get_sign_in_link_state(token)
        if state != "valid":
            return _link_invalid(request, state)
        return render(request, "portal/confirm_sign_in.html", {"token": token})
    customer = do_consume_sign_in_link(token, ip=_client_ip(request))
    if customer is None:
        return _link_invalid(request, get_sign_in_link_state(token))
    next_url = auth.pop_next(request)
    auth.sign_in(request, customer)
    messages.success(request, f"Welcome, {customer.display_name}. You are signed in.")
    return redirect(next_url)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth.sign_out(request)
    messages.info(request, "You are signed out.")
    return redirect("portal:home")


# --- tickets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    ticket: Ticket
    status: CustomerStatus
    colleague: Customer | None  # set when a colleague in the organization opened it


@require_GET
@auth.customer_required
def my_tickets(request: HttpRequest, customer: Customer) -> HttpResponse:
    tickets = (
        tickets_visible_to_customer(customer)
        .filter(merged_into__isnull=True)
        .select_related("customer")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(tickets, TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        TicketRow(
            ticket=t,
            status=customer_status(t.status),
            colleague=t.customer if t.customer_id != customer.pk else None,
        )
        for t in page
    ]
    return render(
        request,
        "portal/my_tickets.html",
        {
            "customer": customer,
            "rows": rows,
            "page": page,
            "shares_org": customer.sees_organization_tickets and customer.organization_id,
            "nav": "tickets",
        },
    )


def _checked_uploads(request: HttpRequest, form: forms.Form) -> list[CheckedUpload]:
    """The uploaded files if they pass the limits; otherwise the reason goes on the form."""
    try:
        return check_uploads(request.FILES.getlist("attachments"))
    except ValidationError as exc:
        add_action_errors(form, exc)
        return []


@require_http_methods(["GET", "POST"])
@auth.customer_required
def new_ticket(request: HttpRequest, customer: Customer) -> HttpResponse:
    if request.method == "GET":
        return _new_ticket_page(request, customer, NewTicketForm())
    form = NewTicketForm(request.POST)
    uploads = _checked_uploads(request, form)
    if form.is_valid():
        try:
            ticket = do_create_ticket(
                NewTicket(
                    customer=customer,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["message"],
                    channel=Channel.WEB,
                    uploads=uploads,
                ),
                actor=None,
                actor_customer=customer,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"Thank you. Your request #{ticket.pk} is with our team.")
            return redirect("portal:ticket", ticket_id=ticket.pk)
    return _new_ticket_page(request, customer, form, status=400)


def _new_ticket_page(
    request: HttpRequest, customer: Customer, form: NewTicketForm, status: int = 200
) -> HttpResponse:
    context = {"customer": customer, "form": form, "nav": "new", **_upload_limits()}
    return render(request, "portal/new_ticket.html", context, status=status)


def _ticket_page(
    request: HttpRequest, customer: Customer, ticket: Ticket, form: ReplyForm, status: int = 200
) -> HttpResponse:
    conversation = (
        Message.objects.filter(ticket=ticket, kind__in=[MessageKind.CUSTOMER, MessageKind.REPLY])
        .select_related("author", "customer")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    merged_into = None
    if ticket.merged_into_id:
        merged_into = tickets_visible_to_customer(customer).filter(pk=ticket.merged_into_id).first()
    return render(
        request,
        "portal/ticket.html",
        {
            "customer": customer,
            "ticket": ticket,
            "status": customer_status(ticket.status),
            "conversation": conversation,
            "form": form,
            "can_reply": ticket.status != Status.CLOSED and not ticket.merged_into_id,
            "merged_into": merged_into,
            "colleague": ticket.customer if ticket.customer_id != customer.pk else None,
            **_upload_limits(),
        },
        status=status,
    )


@require_GET
@auth.customer_required
def ticket_detail(request: HttpRequest, customer: Customer, ticket_id: int) -> HttpResponse:
    ticket = access_customer_ticket(customer, ticket_id)
    return _ticket_page(request, customer, ticket, ReplyForm())


@require_POST
@auth.customer_required
def reply(request: HttpRequest, customer: Customer, ticket_id: int) -> HttpResponse:
    ticket = access_customer_ticket(customer, ticket_id)
    form = ReplyForm(request.POST)
    if ticket.status == Status.CLOSED or ticket.merged_into_id:
        form.is_valid()
        form.add_error(
            None, "This ticket is closed. Please open a new ticket and we will pick it up from there."
        )
        return _ticket_page(request, customer, ticket, form, status=400)
    uploads = _checked_uploads(request, form)
    if form.is_valid():
        was_solved = ticket.status == Status.SOLVED
        try:
            message = do_add_customer_message(
                ticket, form.cleaned_data["message"], customer=customer, channel=Channel.WEB, uploads=uploads
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            note = " We have reopened your ticket." if was_solved else ""
            messages.success(request, "Your message was sent." + note)
            return redirect(reverse("portal:ticket", args=[ticket.pk]) + f"#message-{message.pk}")
    return _ticket_page(request, customer, ticket, form, status=400)


@require_GET
@auth.customer_required
def attachment(request: HttpRequest, customer: Customer, attachment_id: int, filename: str) -> FileResponse:
    """A file from the public conversation of a ticket the customer may see; anything else is 404."""
    found = access_customer_attachment(customer, attachment_id)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file") from None
    return FileResponse(handle, as_attachment=True, filename=found.filename, content_type=found.content_type)
