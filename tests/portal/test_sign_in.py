"""Signing in to the portal by a one-time emailed link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from anchordesk.accounts.models import hash_token
from anchordesk.core.models import AuditEvent
from anchordesk.portal.actions import do_consume_sign_in_link, do_request_sign_in_link
from anchordesk.portal.auth import SESSION_KEY
from anchordesk.portal.models import SignInLink
from tests.conftest import Personas
from tests.outbox import deliver_outbox
from tests.portal.conftest import emailed_token, portal_client

CHECK_INBOX = "Check your inbox"


def request_link(client: Client, email: str, ip: str = "203.0.113.7") -> Any:
    return client.post("/portal/", {"email": email}, REMOTE_ADDR=ip)


def test_portal_asks_for_an_email_address(client: Client, people: Personas) -> None:
    response = client.get("/portal/")
    assert response.status_code == 200
    assert "Your email address" in response.text
    assert "password" not in response.text.lower().replace("no password needed", "")


def test_requesting_a_link_emails_one_link_that_signs_the_customer_in(
    client: Client, people: Personas
) -> None:
    response = request_link(client, "Carol@ACME.test")  # any capitalisation of the address

    assert response.status_code == 200
    assert CHECK_INBOX in response.text
    [email] = deliver_outbox()
    assert email.to == ["carol@acme.test"]
    assert f"{settings.SITE_URL}/portal/sign-in/" in email.body
    token = emailed_token("carol@acme.test")
    assert SignInLink.objects.get().token_hash == hash_token(token)  # only the hash is stored
    assert not SignInLink.objects.filter(token_hash=token).exists()

    confirm = client.get(f"/portal/sign-in/{token}")
    assert confirm.status_code == 200
    assert "Sign in" in confirm.text
    assert client.get("/portal/tickets/").status_code == 302  # looking at the link did not sign in

    signed_in = client.post(f"/portal/sign-in/{token}", follow=True)
    assert signed_in.status_code == 200
    assert signed_in.redirect_chain[-1][0] == "/portal/tickets/"
    assert "My tickets" in signed_in.text
    assert client.session[SESSION_KEY] == people.customer.pk
    assert AuditEvent.objects.filter(kind="portal.signed_in", actor_customer=people.customer).exists()


def test_signing_in_gives_a_new_session_key(client: Client, people: Personas) -> None:
    client.get("/portal/tickets/")  # an anonymous visit starts a session (it remembers where to return)
    before = client.session.session_key
    request_link(client, "carol@acme.test")
    client.post(f"/portal/sign-in/{emailed_token('carol@acme.test')}")
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == people.customer.pk


def test_sign_in_returns_to_the_page_the_customer_first_asked_for(client: Client, people: Personas) -> None:
    assert client.get("/portal/tickets/new")["Location"] == "/portal/"
    request_link(client, "carol@acme.test")
    response = client.post(f"/portal/sign-in/{emailed_token('carol@acme.test')}")
    assert response["Location"] == "/portal/tickets/new"


def test_opening_the_link_without_pressing_sign_in_does_not_use_it(client: Client, people: Personas) -> None:
    request_link(client, "carol@acme.test")
    token = emailed_token("carol@acme.test")
    for _ in range(3):  # a mail scanner fetching the link, then the customer opening it
        assert Client().get(f"/portal/sign-in/{token}").status_code == 200
    assert SignInLink.objects.get().used_at is None
    assert client.post(f"/portal/sign-in/{token}").status_code == 302


def test_a_link_works_only_once(client: Client, people: Personas) -> None:
    request_link(client, "carol@acme.test")
    token = emailed_token("carol@acme.test")
    assert client.post(f"/portal/sign-in/{token}").status_code == 302

    thief = Client()
    again = thief.post(f"/portal/sign-in/{token}")
    assert again.status_code == 410
    assert "already used" in again.text
    assert "Email me a new link" in again.text
    assert SESSION_KEY not in thief.session
    assert thief.get(f"/portal/sign-in/{token}").status_code == 410


def test_an_expired_link_is_refused(client: Client, people: Personas) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request_link(client, "carol@acme.test")
        token = emailed_token("carol@acme.test")
        traveller.shift(timedelta(seconds=settings.PORTAL_LINK_MAX_AGE + 1))

        assert client.get(f"/portal/sign-in/{token}").status_code == 410
        response = client.post(f"/portal/sign-in/{token}")
        assert response.status_code == 410
        assert "expired" in response.text
        assert SESSION_KEY not in client.session


def test_a_link_just_inside_its_lifetime_still_works(client: Client, people: Personas) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request_link(client, "carol@acme.test")
        traveller.shift(timedelta(seconds=settings.PORTAL_LINK_MAX_AGE - 5))
        assert client.post(f"/portal/sign-in/{emailed_token('carol@acme.test')}").status_code == 302


def test_an_unknown_link_gets_a_clear_page(client: Client, people: Personas) -> None:
    response = client.post("/portal/sign-in/not-a-real-token")
    assert response.status_code == 404
    assert "not valid" in response.text
    assert client.get("/portal/sign-in/" + "x" * 500).status_code == 404


def test_an_unknown_address_gets_the_same_answer_and_no_email(client: Client, people: Personas) -> None:
    known = request_link(client, "carol@acme.test", ip="198.51.100.1")
    unknown = request_link(Client(), "nobody@acme.test", ip="198.51.100.2")

    assert unknown.status_code == known.status_code == 200
    assert unknown.text.replace("nobody@acme.test", "EMAIL") == known.text.replace("carol@acme.test", "EMAIL")
    assert [m.to for m in deliver_outbox()] == [["carol@acme.test"]]
    assert SignInLink.objects.count() == 1


def test_a_malformed_address_is_refused_with_the_reason(client: Client, people: Personas) -> None:
    response = request_link(client, "not an email")
    assert response.status_code == 400
    assert "does not look like an email address" in response.text
    assert 'value="not an email"' in response.text
    empty = request_link(client, "")
    assert empty.status_code == 400
    assert "Enter your email address" in empty.text
    assert deliver_outbox() == []


@override_settings(PORTAL_LINK_RATE_LIMIT=5, PORTAL_LINK_RATE_WINDOW=900)
def test_link_requests_are_limited_per_address(people: Personas) -> None:
    for n in range(5):
        assert request_link(Client(), "carol@acme.test", ip=f"198.51.100.{n}").status_code == 200
    limited = request_link(Client(), "carol@acme.test", ip="198.51.100.99")
    assert limited.status_code == 429
    assert "try again in 15 minutes" in limited.text
    assert len(deliver_outbox()) == 5


@override_settings(PORTAL_LINK_RATE_LIMIT_PER_IP=5, PORTAL_LINK_RATE_WINDOW=900)
def test_link_requests_are_limited_per_network_address(people: Personas) -> None:
    for n in range(5):
        request_link(Client(), f"someone{n}@acme.test", ip="192.0.2.50")
    limited = request_link(Client(), "carol@acme.test", ip="192.0.2.50")
    assert limited.status_code == 429
    assert deliver_outbox() == []
    assert request_link(Client(), "carol@acme.test", ip="192.0.2.51").status_code == 200


@override_settings(PORTAL_LINK_RATE_LIMIT=2, PORTAL_LINK_RATE_WINDOW=900)
def test_the_limit_ends_after_its_window(people: Personas) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(2):
            request_link(Client(), "carol@acme.test")
        assert request_link(Client(), "carol@acme.test").status_code == 429
        traveller.shift(timedelta(seconds=901))
        assert request_link(Client(), "carol@acme.test").status_code == 200


def test_signing_out_ends_the_portal_session(people: Personas) -> None:
    client = portal_client(people.customer)
    assert client.get("/portal/tickets/").status_code == 200
    assert client.get("/portal/sign-out").status_code == 405  # signing out changes state: POST only
    response = client.post("/portal/sign-out")
    assert response["Location"] == "/portal/"
    assert client.get("/portal/tickets/").status_code == 302


def test_a_portal_session_is_not_an_agent_session(people: Personas) -> None:
    client = portal_client(people.customer)
    response = client.get("/admin/")
    assert response.status_code == 302  # the admin (agent side) still asks for an agent sign-in


def test_a_signed_in_customer_visiting_the_portal_goes_to_their_tickets(people: Personas) -> None:
    assert portal_client(people.customer).get("/portal/")["Location"] == "/portal/tickets/"


def test_every_portal_form_needs_its_csrf_token(people: Personas) -> None:
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/portal/", {"email": "carol@acme.test"}).status_code == 403
    assert deliver_outbox() == []

    customer = Client(enforce_csrf_checks=True)
    session = customer.session
    session[SESSION_KEY] = people.customer.pk
    session.save()
    assert customer.post("/portal/tickets/new", {"subject": "Hi", "message": "There"}).status_code == 403
    assert customer.post("/portal/sign-out").status_code == 403
    assert customer.get("/portal/tickets/").status_code == 200


def test_the_sign_in_button_needs_its_csrf_token(people: Personas) -> None:
    request_link(Client(), "carol@acme.test")
    client = Client(enforce_csrf_checks=True)
    token = emailed_token("carol@acme.test")
    assert client.post(f"/portal/sign-in/{token}").status_code == 403
    assert SignInLink.objects.get().used_at is None


def test_consuming_a_link_twice_signs_in_once(people: Personas) -> None:
    issued = do_request_sign_in_link("carol@acme.test", ip="203.0.113.9")
    assert issued is not None
    token = issued.url.rsplit("/", 1)[-1]
    assert do_consume_sign_in_link(token, ip="203.0.113.9") == people.customer
    assert do_consume_sign_in_link(token) is None
    link = SignInLink.objects.get()
    assert (link.requested_ip, link.used_ip) == ("203.0.113.9", "203.0.113.9")
    assert do_request_sign_in_link("stranger@example.test", ip=None) is None
