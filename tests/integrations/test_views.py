"""Settings → Webhooks: admins only; every change a POST with CSRF, through the audited actions."""

from __future__ import annotations

import pytest
from django.test import Client

from anchordesk.core.models import AuditEvent
from anchordesk.integrations.actions import do_create_webhook
from anchordesk.integrations.models import DeliveryState, Webhook, WebhookDelivery


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hook(people):
    return do_create_webhook(actor=people.admin, url="http://127.0.0.1:9/hooks", events=["ticket.created"])


@pytest.mark.parametrize("role", ["agent", "lead", "collaborator"])
def test_only_admins_reach_the_webhook_settings(people, hook, role):
    client = _client(getattr(people, role))
    for url in ["/settings/webhooks/", "/settings/webhooks/new/", f"/settings/webhooks/{hook.pk}/"]:
        assert client.get(url).status_code == 403, url
    for url in [
        f"/settings/webhooks/{hook.pk}/toggle/",
        f"/settings/webhooks/{hook.pk}/delete/",
        f"/settings/webhooks/{hook.pk}/test/",
        "/settings/webhooks/new/",
    ]:
        assert client.post(url, {"url": "http://evil.test/", "events": ["ticket.created"]}).status_code == 403
    assert Webhook.objects.count() == 1 and Webhook.objects.get().active
    assert not WebhookDelivery.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get("/settings/webhooks/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_an_admin_creates_a_webhook_and_sees_its_secret_once(people):
    client = _client(people.admin)
    form = client.get("/settings/webhooks/new/")
    assert form.status_code == 200
    assert b'value="message.created"' in form.content
    response = client.post(
        "/settings/webhooks/new/",
        {
            "url": "https://hooks.example.test/anchordesk",
            "events": ["ticket.created", "message.created"],
            "description": "Slack bridge",
        },
    )
    assert response.status_code == 200
    hook = Webhook.objects.get()
    assert hook.events == ["ticket.created", "message.created"] and hook.active
    assert hook.secret.startswith("whsec_") and hook.secret.encode() in response.content
    detail = client.get(f"/settings/webhooks/{hook.pk}/")
    assert hook.secret.encode() not in detail.content
    event = AuditEvent.objects.get(kind="webhook.created")
    assert event.actor == people.admin and hook.secret not in str(event.after)
    listing = client.get("/settings/webhooks/")
    assert b"hooks.example.test/anchordesk" in listing.content


@pytest.mark.parametrize(
    ("data", "field_text"),
    [
        ({"url": "not a url", "events": ["ticket.created"]}, b"Enter a full http"),
        ({"url": "ftp://files.example.test/", "events": ["ticket.created"]}, b"Enter a full http"),
        ({"url": "https://ok.example.test/", "events": []}, b"Choose at least one event"),
        ({"url": "https://ok.example.test/", "events": ["ticket.exploded"]}, b"ticket.exploded"),
    ],
)
def test_a_bad_webhook_form_says_what_is_wrong(people, data, field_text):
    response = _client(people.admin).post("/settings/webhooks/new/", data)
    assert response.status_code == 400
    assert field_text in response.content
    assert not Webhook.objects.exists()


def test_an_admin_toggles_tests_and_deletes_a_webhook(people, hook):
    client = _client(people.admin)
    assert client.get(f"/settings/webhooks/{hook.pk}/toggle/").status_code == 405  # no GET changes anything
    client.post(f"/settings/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()
    assert not hook.active
    client.post(f"/settings/webhooks/{hook.pk}/toggle/")
    hook.refresh_from_db()
    assert hook.active

    response = client.post(f"/settings/webhooks/{hook.pk}/test/", follow=True)
    ping = WebhookDelivery.objects.get(webhook=hook)
    assert ping.event == "ping"
    assert b"ping" in response.content

    old_secret = hook.secret
    rotated = client.post(f"/settings/webhooks/{hook.pk}/secret/")
    hook.refresh_from_db()
    assert hook.secret != old_secret and hook.secret.encode() in rotated.content

    client.post(f"/settings/webhooks/{hook.pk}/delete/")
    assert not Webhook.objects.exists()
    kinds = list(AuditEvent.objects.filter(object_type="webhook").values_list("kind", flat=True))
    assert kinds.count("webhook.updated") == 3 and kinds[-1] == "webhook.deleted"


def test_the_delivery_log_shows_state_attempts_status_and_error_and_retries_failures(
    people, hook, django_capture_on_commit_callbacks
):
    failed = WebhookDelivery.objects.create(
        webhook=hook,
        event="ticket.created",
        payload={},
        state=DeliveryState.FAILED,
        attempts=6,
        response_status=502,
        last_error="HTTP 502: bad gateway",
    )
    client = _client(people.admin)
    page = client.get(f"/settings/webhooks/{hook.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "HTTP 502: bad gateway" in html and "502" in html and "Failed" in html
    assert f"/settings/webhooks/{hook.pk}/deliveries/{failed.pk}/retry/" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/settings/webhooks/{hook.pk}/deliveries/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.attempts == 7  # one more attempt was made (the port refuses it)


def test_the_csrf_token_is_required_for_webhook_changes(people, hook):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.admin)
    assert client.post(f"/settings/webhooks/{hook.pk}/delete/").status_code == 403
    assert Webhook.objects.exists()
