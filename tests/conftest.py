"""Named personas shared by every test: who is acting matters more than how they were made."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.accounts.models import Customer, Team, User
from tests import factories


def require_services() -> bool:
    return os.environ.get("ANCHORDESK_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    """Skip with the reason printed, or fail when CI says every service must be present."""
    if require_services():
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need PostgreSQL's concurrency; .ci/run's second pass runs them there."""
    from tests.services import using_postgres

    if using_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the DATABASE_URL=postgres:// pass of .ci/run")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@dataclass
class Personas:
    support: Team
    engineering: Team
    agent: User
    agent2: User
    lead: User
    admin: User
    collaborator: User
    customer: Customer
    customer_same_org: Customer
    other_customer: Customer


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """What the product caches (the two-factor policy, sign-in counters) must not outlive the test's
    database: the next test in the same process would see a policy its database never had."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(db: None) -> Personas:
    support = factories.make_team("Support")
    engineering = factories.make_team("Engineering", kind=TeamKind.ENGINEERING)
    acme = factories.make_organization("Acme")
    globex = factories.make_organization("Globex")
    return Personas(
        support=support,
        engineering=engineering,
        agent=factories.make_user(Role.AGENT, username="alice", teams=[support], first_name="Alice"),
        agent2=factories.make_user(Role.AGENT, username="bob", teams=[support], first_name="Bob"),
        lead=factories.make_user(Role.LEAD, username="lena", teams=[support], first_name="Lena"),
        admin=factories.make_user(Role.ADMIN, username="adam", first_name="Adam"),
        collaborator=factories.make_user(
            Role.COLLABORATOR, username="eve", teams=[engineering], first_name="Eve"
        ),
        customer=factories.make_customer("carol@acme.test", organization=acme, name="Carol Customer"),
        customer_same_org=factories.make_customer(
            "cliff@acme.test", organization=acme, name="Cliff Colleague"
        ),
        other_customer=factories.make_customer("oscar@globex.test", organization=globex, name="Oscar Other"),
    )
