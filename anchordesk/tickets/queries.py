"""Who may see which tickets. Every list and every lookup goes through these."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from anchordesk.accounts.models import Customer, User
from anchordesk.core.access import NotAllowed
from anchordesk.core.registry import solve_blockers
from anchordesk.tickets.models import Attachment, SavedView, Ticket


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    if not user.is_authenticated or not user.is_active:
        return Ticket.objects.none()
    if user.works_tickets:
        return Ticket.objects.all()
    # Collaborators from other departments see only the tickets routed to their teams.
    return Ticket.objects.filter(team__in=user.teams.all())


def tickets_visible_to_customer(customer: Customer) -> QuerySet[Ticket]:
    if customer.sees_organization_tickets and customer.organization_id:
        return Ticket.objects.filter(
            Q(customer=customer) | Q(customer__organization_id=customer.organization_id)
        )
    return Ticket.objects.filter(customer=customer)


def access_ticket(user: User, ticket_id: int | str, *, for_update: bool = False) -> Ticket:
    """The ticket if the user may see it; a missing and a forbidden ticket give the same 404."""
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotAllowed("No such ticket", status=404) from None
    qs = tickets_visible_to(user).select_related("customer", "customer__organization", "assignee", "team")
    ticket = qs.filter(pk=pk).first()
    if ticket is None:
        raise NotAllowed("No such ticket", status=404)
    return ticket


def access_customer_ticket(customer: Customer, ticket_id: int | str) -> Ticket:
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotAllowed("No such ticket", status=404) from None
    ticket = tickets_visible_to_customer(customer).select_related("customer").filter(pk=pk).first()
    if ticket is None:
        raise NotAllowed("No such ticket", status=404)
    return ticket


def attachments_visible_to(user: User) -> QuerySet[Attachment]:
    """Files on the tickets the user may see; they are served only through this check."""
    return Attachment.objects.filter(message__ticket__in=tickets_visible_to(user))


def access_attachment(user: User, attachment_id: int) -> Attachment:
    """One file, read by its id first and its ticket checked after: one small query each, where
    `attachments_visible_to(user).filter(pk=...)` would make the database weigh every visible ticket."""
    row = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if row is None or not tickets_visible_to(user).filter(pk=row.message.ticket_id).exists():
        raise NotAllowed("No such attachment", status=404)
    return row


def saved_views_visible_to(user: User) -> QuerySet[SavedView]:
    """The shared views and the user's own."""
    return SavedView.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def access_saved_view(user: User, view_id: int) -> SavedView:
    view = saved_views_visible_to(user).filter(pk=view_id).first()
    if view is None:
        raise NotAllowed("No such view", status=404)
    return view


def open_work(ticket: Ticket) -> list[str]:
    """Promises and handoffs still open, which solving the ticket would leave behind (the UI and
    the API both ask before solving). The apps that know them register a solve blocker."""
    return solve_blockers(ticket)


def lock_for_customer_message(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets read to take a customer's message: the row locked, with the customer and their
    organization (the SLA policy the message may start a timer under is chosen on them); the
    lock stays on the ticket row alone."""
    return tickets.select_for_update(of=("self",)).select_related("customer__organization")
