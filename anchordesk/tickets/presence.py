"""Collision notice: who else is viewing or replying on a ticket, seen within seconds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.tickets.models import Presence, Ticket


def ping(ticket: Ticket, user: User, *, typing: bool) -> None:
    Presence.objects.update_or_create(
        ticket=ticket, user=user, defaults={"typing": typing, "seen_at": timezone.now()}
    )


def leave(ticket: Ticket, user: User) -> None:
    Presence.objects.filter(ticket=ticket, user=user).delete()


def others_on(ticket: Ticket, user: User) -> list[Presence]:
    fresh = timezone.now() - timedelta(seconds=settings.PRESENCE_TTL)
    return list(
        Presence.objects.filter(ticket=ticket, seen_at__gte=fresh)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
