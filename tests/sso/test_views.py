"""The SSO button only when configured, refusals in words, and the leads' deprovisioned page."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from anchordesk.core.models import AuditEvent
from anchordesk.sso.actions import do_deprovision_agent
from anchordesk.sso.models import Deprovisioning
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def configure(settings: Any) -> None:
    settings.OIDC_ISSUER = "http://127.0.0.1:9/openid"  # nothing listens: no network needed here
    settings.OIDC_CLIENT_ID = "anchordesk"
    settings.OIDC_CLIENT_SECRET = "secret"


def test_the_sign_in_page_offers_sso_only_when_it_is_configured(client: Client, settings: Any) -> None:
    assert "Sign in with SSO" not in client.get("/signin/").content.decode()
    assert client.get("/sso/login/").status_code == 404
    configure(settings)
    page = client.get("/signin/?next=/tickets/1/").content.decode()
    assert "Sign in with SSO" in page
    assert 'href="/sso/login/?next=/tickets/1/"' in page


def test_an_unreachable_provider_is_explained_not_a_500(client: Client, settings: Any) -> None:
    configure(settings)
    answer = client.get("/sso/login/")
    assert answer.status_code == 502
    assert "could not reach your identity provider" in answer.content.decode()


def test_a_declined_consent_comes_back_as_words(client: Client, settings: Any) -> None:
    configure(settings)
    answer = client.get("/sso/callback/?error=access_denied&error_description=The+user+declined")
    assert answer.status_code == 400
    assert "did not sign you in: The user declined." in answer.content.decode()


def test_only_leads_see_and_review_deprovisioned_people(client: Client, people: Personas) -> None:
    do_deprovision_agent(people.agent2, source="scim")
    row = Deprovisioning.objects.get()
    client.force_login(people.agent)
    assert client.get("/sso/deprovisioned/").status_code == 403
    assert client.post(f"/sso/deprovisioned/{row.pk}/reviewed").status_code == 403
    client.force_login(people.lead)
    assert "Bob" in client.get("/sso/deprovisioned/").content.decode()
    assert client.post(f"/sso/deprovisioned/{row.pk}/reviewed").status_code == 302
    row.refresh_from_db()
    assert row.reviewed_by == people.lead
    assert AuditEvent.objects.filter(kind="agent.offboarding_reviewed", actor=people.lead).exists()


def test_the_notice_include_asks_leads_until_the_offboarding_is_reviewed(people: Personas) -> None:
    do_deprovision_agent(people.agent2, source="sign_in")
    html = render_to_string("sso/_deprovisioned_notice.html", {"user": people.lead})
    assert "deprovisioned 1 person" in html and "bob@example.test" in html
    assert render_to_string("sso/_deprovisioned_notice.html", {"user": people.agent}).strip() == ""
    row = Deprovisioning.objects.get()
    row.reviewed_by = people.lead
    row.reviewed_at = timezone.now()
    row.save()
    assert render_to_string("sso/_deprovisioned_notice.html", {"user": people.lead}).strip() == ""


def test_start_up_refuses_sso_that_would_admit_anyone(settings: Any) -> None:
    from django.core.checks import run_checks

    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "https://idp", "c", "s"
    settings.OIDC_CREATE_USERS = True
    settings.OIDC_AGENT_GROUPS = settings.OIDC_LEAD_GROUPS = settings.OIDC_ADMIN_GROUPS = []
    settings.OIDC_EMAIL_DOMAINS = []
    assert "anchordesk.sso.E001" in [m.id for m in run_checks(tags=["security"])]
    settings.OIDC_EMAIL_DOMAINS = ["example.com"]
    assert "anchordesk.sso.E001" not in [m.id for m in run_checks(tags=["security"])]
    settings.OIDC_EMAIL_DOMAINS, settings.OIDC_AGENT_GROUPS = [], ["support"]
    assert "anchordesk.sso.E001" not in [m.id for m in run_checks(tags=["security"])]


def test_sso_sign_in_counts_as_second_factor_where_a_role_requires_it(people: Personas) -> None:
    """The provider did the MFA: an SSO session is not sent to Anchordesk's own enrolment."""
    from django.core.cache import cache

    from anchordesk.accounts import two_factor
    from anchordesk.accounts.middleware import mark_second_factor_done
    from anchordesk.accounts.models import SecurityPolicy

    SecurityPolicy.objects.update_or_create(pk=1, defaults={"require_2fa_agent": True})
    cache.delete(two_factor.POLICY_CACHE_KEY)
    client = Client()
    client.force_login(people.agent)
    assert client.get("/", follow=False).status_code == 302  # sent to enrolment
    request = HttpRequest()
    request.session = session = client.session
    mark_second_factor_done(request, "sso")  # what the SSO callback does after login()
    session.save()
    assert client.get("/").status_code == 200


def test_security_page_says_whether_single_sign_on_is_on_and_how_it_maps(
    client: Client, people: Personas, settings: Any
) -> None:
    client.force_login(people.admin)
    page = client.get("/settings/security/").content.decode()
    assert "Single sign-on" in page and "Off." in page
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = (
        "https://idp.test",
        "c",
        "s3cret",
    )
    settings.OIDC_AGENT_GROUPS, settings.OIDC_LEAD_GROUPS = ["support"], ["support-leads"]
    settings.OIDC_TEAM_GROUPS = "billing-team=Billing"
    settings.SCIM_TOKEN = "scim-token-value"
    page = client.get("/settings/security/").content.decode()
    assert "https://idp.test" in page and "support-leads" in page and "billing-team → Billing" in page
    assert "/scim/v2/" in page
    assert "s3cret" not in page and "scim-token-value" not in page  # never a secret
