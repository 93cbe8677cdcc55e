"""Invitations: an admin invites by email, the person chooses their own password through a
single-use link that expires; resend and revoke; every step audited; the API too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from anchordesk.accounts.choices import Role
from anchordesk.accounts.invitations import (
    do_accept_invitation,
    do_invite_agent,
    do_resend_invitation,
    do_revoke_invitation,
)
from anchordesk.accounts.models import Invitation, User, hash_token
from anchordesk.core.models import AuditEvent
from anchordesk.mail.models import OutboundEmail, OutboundKind
from tests.conftest import Personas
from tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"https?://[^\s]+/invitation/([A-Za-z0-9_\-]+)/")
GOOD_PASSWORD = "a-long-and-private-phrase"


def emailed_invitation_token(to: str) -> str:
    sent = [m for m in deliver_outbox() if to in m.to]
    assert sent, f"no email to {to}"
    match = LINK_RE.search(str(sent[-1].body))
    assert match, sent[-1].body
    return match.group(1)


def invite(
    people: Personas, email: str = "nina@example.test", *, role: str = Role.AGENT, name: str = ""
) -> tuple[Invitation, str]:
    return do_invite_agent(
        email=email, role=role, name=name, team_ids=[people.support.pk], actor=people.admin
    )


# Actions --------------------------------------------------------------------------------------


def test_invitation_is_emailed_through_the_outbox_and_only_a_hash_is_stored(people: Personas) -> None:
    invitation, raw = invite(people, name="Nina North")
    outbound = OutboundEmail.objects.get(kind=OutboundKind.INVITATION)
    assert outbound.to == ["nina@example.test"] and outbound.sensitive
    assert invitation.token_hash == hash_token(raw)
    assert not Invitation.objects.filter(token_hash=raw).exists()
    assert emailed_invitation_token("nina@example.test") == raw
    body = str([m for m in deliver_outbox() if "nina@example.test" in m.to][-1].body)
    assert "Adam" in body and "72 hours" in body
    assert AuditEvent.objects.filter(kind="invitation.created", object_id=invitation.pk).exists()


def test_accepting_creates_the_account_with_the_chosen_password_role_and_teams(people: Personas) -> None:
    invitation, raw = invite(people, role=Role.LEAD)
    user = do_accept_invitation(raw, password=GOOD_PASSWORD, name="Nina North")
    assert user.email == "nina@example.test" and user.role == Role.LEAD
    assert user.check_password(GOOD_PASSWORD)
    assert list(user.teams.all()) == [people.support]
    assert user.first_name == "Nina" and user.last_name == "North"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user
    assert AuditEvent.objects.filter(kind="invitation.accepted", actor=user).exists()


def test_a_link_works_once(people: Personas) -> None:
    _, raw = invite(people)
    do_accept_invitation(raw, password=GOOD_PASSWORD, name="Nina")
    with pytest.raises(ValidationError) as exc:
        do_accept_invitation(raw, password=GOOD_PASSWORD, name="Nina")
    assert "used already" in exc.value.message_dict["token"][0]
    assert User.objects.filter(email="nina@example.test").count() == 1


def test_a_link_expires_after_the_configured_hours(people: Personas, settings: object) -> None:
    settings.INVITATION_TTL_HOURS = 24  # type: ignore[attr-defined]
    _, raw = invite(people)
    later = timezone.now() + timedelta(hours=24, minutes=1)
    with time_machine.travel(later), pytest.raises(ValidationError) as exc:
        do_accept_invitation(raw, password=GOOD_PASSWORD, name="Nina")
    assert "expired" in exc.value.message_dict["token"][0]
    assert not User.objects.filter(email="nina@example.test").exists()
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert do_accept_invitation(raw, password=GOOD_PASSWORD, name="Nina").is_active


def test_weak_password_is_refused_by_the_validators(people: Personas) -> None:
    _, raw = invite(people)
    with pytest.raises(ValidationError) as exc:
        do_accept_invitation(raw, password="password", name="Nina")
    assert exc.value.message_dict["password"]
    assert Invitation.objects.get().accepted_at is None


def test_resend_replaces_the_link(people: Personas) -> None:
    invitation, old = invite(people)
    _, new = do_resend_invitation(invitation, actor=people.admin)
    assert new != old
    with pytest.raises(ValidationError):
        do_accept_invitation(old, password=GOOD_PASSWORD, name="Nina")
    assert emailed_invitation_token("nina@example.test") == new
    assert do_accept_invitation(new, password=GOOD_PASSWORD, name="Nina").is_active
    assert AuditEvent.objects.filter(kind="invitation.resent").exists()


def test_revoked_link_says_so(people: Personas) -> None:
    invitation, raw = invite(people)
    do_revoke_invitation(invitation, actor=people.admin)
    with pytest.raises(ValidationError) as exc:
        do_accept_invitation(raw, password=GOOD_PASSWORD, name="Nina")
    assert "withdrawn" in exc.value.message_dict["token"][0]
    assert AuditEvent.objects.filter(kind="invitation.revoked", actor=people.admin).exists()


def test_only_admins_invite(people: Personas) -> None:
    with pytest.raises(ValidationError):
        do_invite_agent(email="x@example.test", actor=people.lead)
    assert not Invitation.objects.exists()


def test_cannot_invite_an_existing_person_or_twice(people: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        do_invite_agent(email="ALICE@example.test", actor=people.admin)
    assert "account already" in exc.value.message_dict["email"][0]
    invite(people)
    with pytest.raises(ValidationError) as exc:
        invite(people)
    assert "pending invitation" in exc.value.message_dict["email"][0]


# Pages ----------------------------------------------------------------------------------------


def test_admin_invites_from_the_agents_page(client: Client, people: Personas) -> None:
    client.force_login(people.admin)
    response = client.post(
        "/settings/agents/",
        {"email": "nina@example.test", "name": "Nina", "role": "agent", "teams": [people.support.pk]},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Invitation sent to nina@example.test" in body
    assert 'class="invitation"' in body and "Invited" in body
    assert Invitation.objects.get().teams.get() == people.support


def test_invite_form_errors_answer_400_beside_the_field(client: Client, people: Personas) -> None:
    client.force_login(people.admin)
    response = client.post("/settings/agents/", {"email": "not-an-address", "role": "agent"})
    assert response.status_code == 400
    assert 'data-field="email"' in response.content.decode()
    response = client.post("/settings/agents/", {"email": "alice@example.test", "role": "agent"})
    assert response.status_code == 400
    assert "account already" in response.content.decode()
    response = client.post("/settings/agents/", {"email": "z@example.test", "role": "emperor"})
    assert response.status_code == 400 and 'data-field="role"' in response.content.decode()
    response = client.post("/settings/agents/", {"email": "z@example.test", "role": "agent", "teams": ["x"]})
    assert response.status_code == 400 and 'data-field="teams"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_leads_see_agents_but_cannot_invite_and_agents_see_nothing(client: Client, people: Personas) -> None:
    client.force_login(people.lead)
    page = client.get("/settings/agents/")
    assert page.status_code == 200 and 'id="invite-form"' not in page.content.decode()
    assert client.post("/settings/agents/", {"email": "n@example.test", "role": "agent"}).status_code == 403
    client.force_login(people.agent)
    assert client.get("/settings/agents/").status_code == 403
    assert client.post("/settings/agents/", {"email": "n@example.test", "role": "agent"}).status_code == 403
    assert not Invitation.objects.exists()


def test_resend_and_revoke_from_the_page_need_an_admin(client: Client, people: Personas) -> None:
    invitation, _ = invite(people)
    client.force_login(people.lead)
    assert client.post(f"/settings/invitations/{invitation.pk}/revoke").status_code == 403
    client.force_login(people.admin)
    assert client.get(f"/settings/invitations/{invitation.pk}/revoke").status_code == 405
    response = client.post(f"/settings/invitations/{invitation.pk}/resend", follow=True)
    assert "new invitation link" in response.content.decode()
    response = client.post(f"/settings/invitations/{invitation.pk}/revoke", follow=True)
    assert "revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.post("/settings/invitations/999999/revoke").status_code == 404


def test_person_accepts_in_the_browser_and_is_signed_in(client: Client, people: Personas) -> None:
    invite(people, name="Nina North")
    token = emailed_invitation_token("nina@example.test")
    page = client.get(f"/invitation/{token}/")
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "nina@example.test" in page.content.decode()
    assert not User.objects.filter(email="nina@example.test").exists()  # opening the link changes nothing
    response = client.post(
        f"/invitation/{token}/", {"name": "Nina North", "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").wsgi_request.user.email == "nina@example.test"


def test_accept_form_errors_answer_400(client: Client, people: Personas) -> None:
    _, token = invite(people)
    url = f"/invitation/{token}/"
    response = client.post(url, {"name": "Nina", "password": "short", "password2": "short"})
    assert response.status_code == 400 and 'data-field="password"' in response.content.decode()
    response = client.post(url, {"name": "Nina", "password": GOOD_PASSWORD, "password2": "other-words-here"})
    assert response.status_code == 400 and 'data-field="password2"' in response.content.decode()
    response = client.post(url, {"name": "", "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert response.status_code == 400 and 'data-field="name"' in response.content.decode()
    assert not User.objects.filter(email="nina@example.test").exists()


def test_used_expired_revoked_and_unknown_links_say_so_in_words(client: Client, people: Personas) -> None:
    assert "not valid" in client.get("/invitation/nonsense/").content.decode()
    assert client.get("/invitation/nonsense/").status_code == 404
    assert client.get("/invitation/" + "x" * 500 + "/").status_code == 404
    invitation, token = invite(people)
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        page = client.get(f"/invitation/{token}/")
        assert page.status_code == 410 and "expired on" in page.content.decode()
        post = client.post(
            f"/invitation/{token}/", {"name": "N", "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
        )
        assert post.status_code == 410
    client.post(f"/invitation/{token}/", {"name": "N", "password": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    other = Client()
    page = other.get(f"/invitation/{token}/")
    assert page.status_code == 410 and "used already" in page.content.decode()
    second, token2 = invite(people, email="omar@example.test")
    do_revoke_invitation(second, actor=people.admin)
    page = other.get(f"/invitation/{token2}/")
    assert page.status_code == 410 and "withdrawn" in page.content.decode()


# API ------------------------------------------------------------------------------------------


def _api(client: Client, user: User) -> dict[str, str]:
    from anchordesk.accounts.actions import do_create_api_token

    _, raw = do_create_api_token(user, "test", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_invite_list_resend_revoke(client: Client, people: Personas) -> None:
    auth = _api(client, people.admin)
    response = client.post(
        "/api/v1/invitations",
        {"email": "nina@example.test", "role": "lead", "team_ids": [people.support.pk]},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "pending" and data["role"] == "lead"
    assert data["teams"] == [{"id": people.support.pk, "name": "Support"}]
    assert "token" not in response.content.decode().lower()
    assert OutboundEmail.objects.filter(kind=OutboundKind.INVITATION, to=["nina@example.test"]).exists()
    listing = client.get("/api/v1/invitations?state=pending", **auth).json()
    assert [i["email"] for i in listing] == ["nina@example.test"]
    assert client.post(f"/api/v1/invitations/{data['id']}/resend", **auth).status_code == 200
    revoked = client.post(f"/api/v1/invitations/{data['id']}/revoke", **auth)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"


def test_api_errors_and_roles(client: Client, people: Personas) -> None:
    admin = _api(client, people.admin)
    bad = client.post(
        "/api/v1/invitations", {"email": "nope", "role": "agent"}, content_type="application/json", **admin
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    bad = client.post(
        "/api/v1/invitations",
        {"email": "n@example.test", "team_ids": [999999]},
        content_type="application/json",
        **admin,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "team_ids"
    assert client.get("/api/v1/invitations?state=weird", **admin).status_code == 422
    lead = _api(client, people.lead)
    assert client.get("/api/v1/invitations", **lead).status_code == 200
    denied = client.post(
        "/api/v1/invitations", {"email": "n@example.test"}, content_type="application/json", **lead
    )
    assert denied.status_code == 403
    agent = _api(client, people.agent)
    assert client.get("/api/v1/invitations", **agent).status_code == 403
    invitation, _ = invite(people)
    assert client.post(f"/api/v1/invitations/{invitation.pk}/revoke", **agent).status_code == 403
    assert client.post(f"/api/v1/invitations/{invitation.pk}/revoke", **lead).status_code == 403
    assert client.post("/api/v1/invitations/999999/revoke", **admin).status_code == 404
    assert client.get("/api/v1/invitations").status_code == 401


def test_api_lists_invitations_by_state(client: Client, people: Personas) -> None:
    auth = _api(client, people.admin)
    invite(people, email="p@example.test")
    _, raw = invite(people, email="a@example.test")
    do_accept_invitation(raw, password=GOOD_PASSWORD, name="Ann")
    gone, _ = invite(people, email="r@example.test")
    do_revoke_invitation(gone, actor=people.admin)
    with time_machine.travel(timezone.now() + timedelta(hours=100)):
        invite(people, email="late@example.test")

    def emails(state: str) -> list[str]:
        return [i["email"] for i in client.get(f"/api/v1/invitations?state={state}", **auth).json()]

    with time_machine.travel(timezone.now() + timedelta(hours=80)):
        assert emails("pending") == ["late@example.test"]
        assert emails("expired") == ["p@example.test"]
    assert emails("accepted") == ["a@example.test"]
    assert emails("revoked") == ["r@example.test"]
    accepted = client.get("/api/v1/invitations?state=accepted", **auth).json()[0]
    assert accepted["user"]["email"] == "a@example.test" and accepted["accepted_at"]
