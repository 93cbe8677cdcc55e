"""Every way to make an agent inactive goes through the offboarding: the Django admin and the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from anchordesk.core.models import AuditEvent
from anchordesk.people.work import orphans
from tests.people.conftest import Desk


def _admin_client(people) -> Client:
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    client = Client()
    client.force_login(people.admin)
    return client


def _change_form_data(client: Client, url: str) -> dict:
    form = client.get(url).context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in ("password", "is_active"):
            continue
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            data[name] = [getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)]
        elif name in ("last_login", "date_joined"):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
        else:
            data[name] = value
    data["skills"] = "[]"
    return data


def test_unticking_active_in_the_admin_offboards_with_the_defaults(people, desk: Desk):
    client = _admin_client(people)
    url = f"/admin/accounts/user/{people.agent.pk}/change/"

    saved = client.post(url, _change_form_data(client, url))

    assert saved.status_code == 302
    people.agent.refresh_from_db()
    assert not people.agent.is_active and orphans() == {}
    event = AuditEvent.objects.get(kind="agent.deactivated")
    assert event.after["source"] == "admin" and event.after["moved"]["tickets"] == 3


def test_the_admin_refuses_to_delete_an_agent(people, desk: Desk):
    client = _admin_client(people)
    assert client.get(f"/admin/accounts/user/{people.agent.pk}/delete/").status_code == 403
    people.agent.refresh_from_db()
    assert people.agent.is_active


def test_the_offboard_command_hands_everything_to_one_person(people, desk: Desk):
    out = StringIO()
    call_command("offboard", people.agent.email, "--to", people.lead.email, "--notify-customers", stdout=out)

    people.agent.refresh_from_db()
    assert not people.agent.is_active and orphans() == {}
    assert "tickets: 3 (Lena)" in out.getvalue()
    assert set(desk.tickets[0].promises.values_list("owner_id", flat=True)) == {people.lead.pk}
    assert AuditEvent.objects.get(kind="agent.deactivated").after["source"] == "command"


def test_the_offboard_command_names_what_is_wrong(people, desk: Desk):
    with pytest.raises(CommandError, match="No agent with email nobody@example.test"):
        call_command("offboard", "nobody@example.test")
    with pytest.raises(CommandError, match="tickets: Eve is not an active agent"):
        call_command("offboard", people.agent.email, "--to", people.collaborator.email)
    people.agent.refresh_from_db()
    assert people.agent.is_active
