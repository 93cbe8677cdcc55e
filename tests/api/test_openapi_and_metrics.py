"""The OpenAPI schema and docs are served from this server; metrics in Prometheus text format."""

from __future__ import annotations

import re

from django.test import Client, override_settings

from anchordesk.integrations.models import Webhook, WebhookDelivery
from anchordesk.tickets.actions import do_set_status
from anchordesk.tickets.choices import Priority, Status
from tests import factories


def test_the_openapi_schema_lists_every_resource(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    for expected in [
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/tickets/{ticket_id}/messages",
        "/api/v1/tickets/{ticket_id}/messages/upload",
        "/api/v1/tickets/{ticket_id}/merge",
        "/api/v1/tickets/{ticket_id}/links",
        "/api/v1/attachments/{attachment_id}",
        "/api/v1/customers",
        "/api/v1/organizations",
        "/api/v1/teams",
        "/api/v1/tags",
        "/api/v1/me",
        "/api/v1/webhooks",
    ]:
        assert expected in paths, expected
    assert set(schema["paths"]["/api/v1/tickets"]) == {"get", "post"}
    assert "patch" in schema["paths"]["/api/v1/tickets/{ticket_id}"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_loads_its_scripts_from_this_server_not_a_cdn(db):
    client = Client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/api/v1/") for s in sources), sources
    assert "<script>" not in html  # no inline script: it would need a CSP exception
    for src in sources:
        asset = client.get(src)
        assert asset.status_code == 200, src
    assert client.get("/api/v1/docs-assets/..%2Fsettings.py").status_code == 404


def _samples(text: str) -> dict[str, float]:
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def test_metrics_count_tickets_and_deliveries(people):
    factories.make_ticket(people.customer, priority=Priority.URGENT)
    factories.make_ticket(people.customer, priority=Priority.URGENT)
    solved = factories.make_ticket(people.customer)
    do_set_status(solved, Status.SOLVED, actor=people.agent)
    hook = Webhook.objects.create(url="http://127.0.0.1:9/", events=["*"], secret="s")
    WebhookDelivery.objects.create(webhook=hook, event="ping", payload={}, state="failed")
    response = Client().get("/api/v1/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE anchordesk_tickets gauge" in text
    samples = _samples(text)
    assert samples['anchordesk_tickets{status="new"}'] == 2
    assert samples['anchordesk_tickets{status="solved"}'] == 1
    assert samples['anchordesk_tickets{status="closed"}'] == 0
    assert samples['anchordesk_active_tickets{priority="urgent"}'] == 2
    assert samples['anchordesk_active_tickets{priority="normal"}'] == 0
    assert samples['anchordesk_webhook_deliveries{state="failed"}'] == 1
    assert "anchordesk_queue_tasks" in samples
    assert not any(name.startswith("anchordesk_metrics_errors") for name in samples)  # every section read


@override_settings(METRICS_TOKEN="scrape-secret")
def test_metrics_need_the_bearer_token_when_one_is_set(db):
    client = Client()
    assert client.get("/api/v1/metrics").status_code == 401
    assert client.get("/api/v1/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/v1/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    assert (
        client.post("/api/v1/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 405
    )


def test_the_request_counter_counts_by_method_and_status(db):
    from django.http import HttpRequest, HttpResponse

    from anchordesk.ops.metrics import RequestMetricsMiddleware, render_metrics

    middleware = RequestMetricsMiddleware(lambda request: HttpResponse(status=418))
    request = HttpRequest()
    request.method = "PATCH"
    middleware(request)
    middleware(request)
    assert _samples(render_metrics())['anchordesk_http_requests_total{method="PATCH",status="418"}'] >= 2
