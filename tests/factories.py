"""Small factories for test data. Each returns a saved object with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.accounts.models import Customer, Organization, Team, User
from anchordesk.tickets.actions import NewTicket, do_create_ticket
from anchordesk.tickets.models import Ticket

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_team(name: str | None = None, kind: str = TeamKind.SUPPORT) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}", kind=kind)


def make_user(
    role: str = Role.AGENT, *, username: str | None = None, teams: list[Team] | None = None, **kw: Any
) -> User:
    n = next(_seq)
    username = username or f"{role}{n}"
    user = User.objects.create_user(
        username=username,
        email=kw.pop("email", f"{username}@example.test"),
        password=kw.pop("password", PASSWORD),
        role=role,
        first_name=kw.pop("first_name", username.capitalize()),
        **kw,
    )
    if teams:
        user.teams.set(teams)
    return user


def make_organization(name: str | None = None) -> Organization:
    return Organization.objects.create(name=name or f"Org {next(_seq)}")


def make_customer(
    email: str | None = None, *, organization: Organization | None = None, **kw: Any
) -> Customer:
    n = next(_seq)
    return Customer.objects.create(
        email=email or f"customer{n}@example.test",
        name=kw.pop("name", f"Customer {n}"),
        organization=organization,
        **kw,
    )


def make_ticket(
    customer: Customer | None = None,
    *,
    subject: str = "My order has not arrived",
    body: str = "Hello, my order #1234 has not arrived yet. Can you help?",
    **kw: Any,
) -> Ticket:
    actor = kw.pop("actor", None)
    return do_create_ticket(
        NewTicket(customer=customer or make_customer(), subject=subject, body=body, **kw), actor=actor
    )
