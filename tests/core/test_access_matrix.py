"""Who gets what at every address: every URL pattern and every API operation, for every role.

One seeded desk (a ticket, a customer, a policy, a mailbox, a webhook, a promise, a handoff, an
escalation, an invitation, ...) fills the path parameters with real objects; each address is asked
with GET and, where it changes things, POST with an empty body, by anonymous, a customer signed in
to the portal, a collaborator, an agent, a lead and an admin. The answers are checked against the
tables below, written down from who may do what (docs/access.md):

- below the least role allowed, an object (a ticket, a handoff, ...) answers 404, the same as a
  missing one, and a settings page answers 403; a signed-out visitor is sent to sign in (pages)
  or gets 401 (API);
- from the least role up, the answer is whatever the page does with an empty form: never a 500,
  never the refusal given to those below.

Each request runs in a savepoint that is rolled back, so what one role's POST changed is not seen
by the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.accounts.models import User
from anchordesk.portal.auth import SESSION_KEY
from tests import factories

TAG = [{"type": "add_tags", "value": ["vip"]}]
PENDING = {
    "all": [
        {"field": "status", "op": "is", "value": "pending"},
        {"field": "hours_since_update", "op": "gt", "value": 48},
    ]
}
ROLES = ("anonymous", "customer", "collaborator", "agent", "lead", "admin")
STAFF = ("collaborator", "agent", "lead", "admin")


# --- the seeded desk ---------------------------------------------------------------------------


@dataclass
class Desk:
    users: dict[str, User]
    customer_id: int
    ids: dict[str, int | str] = field(default_factory=dict)


def _seed() -> Desk:
    from anchordesk.accounts.actions import do_create_api_token
    from anchordesk.accounts.invitations import do_invite_agent
    from anchordesk.automation.actions import do_save_macro, do_save_time_rule, do_save_trigger
    from anchordesk.collab.actions import do_open_escalation, do_open_handoff
    from anchordesk.insights.actions import do_create_training_item
    from anchordesk.insights.models import TrainingAssignment
    from anchordesk.integrations.actions import do_create_webhook
    from anchordesk.integrations.models import WebhookDelivery
    from anchordesk.kb import actions as kb_actions
    from anchordesk.mail.models import InboundEmail, InboundState, Mailbox, OutboundEmail, OutboundState
    from anchordesk.people.actions import do_start_absence
    from anchordesk.people.models import Absence
    from anchordesk.policies import actions as policy_actions
    from anchordesk.policies.choices import ExceptionState
    from anchordesk.policies.models import ApprovalRequest, Policy, PolicyException
    from anchordesk.recovery.actions import do_add_promise, do_log_mistake
    from anchordesk.sla.actions import CalendarData, PolicyData, do_save_calendar, do_save_policy
    from anchordesk.sso.models import Deprovisioning, DeprovisionSource
    from anchordesk.tickets.actions import do_add_customer_message, do_save_view
    from anchordesk.tickets.models import Attachment
    from anchordesk.wellbeing.models import Break, BreakState, RestrictedMessage

    support = factories.make_team("Support")
    engineering = factories.make_team("Engineering", kind=TeamKind.ENGINEERING)
    acme = factories.make_organization("Acme")
    users = {
        "agent": factories.make_user(Role.AGENT, username="m-agent", teams=[support]),
        "lead": factories.make_user(Role.LEAD, username="m-lead", teams=[support]),
        "admin": factories.make_user(Role.ADMIN, username="m-admin"),
        "collaborator": factories.make_user(Role.COLLABORATOR, username="m-collab", teams=[engineering]),
    }
    away = factories.make_user(Role.AGENT, username="m-away", teams=[support])
    agent, lead, admin = users["agent"], users["lead"], users["admin"]
    customer = factories.make_customer("carol@acme.test", organization=acme, name="Carol Customer")
    ticket = factories.make_ticket(customer=customer, team=support, assignee=agent)
    other = factories.make_ticket(customer=customer, team=support)
    message = do_add_customer_message(ticket, "Please help, the router is down again.", customer=customer)
    attachment = Attachment(message=message, filename="log.txt", content_type="text/plain", size=5)
    attachment.file.save("log.txt", ContentFile(b"hello"), save=True)

    draft = policy_actions.PolicyDraft(definition=_policy_definition(), plain_text="Refunds within 30 days.")
    version = policy_actions.do_create_policy(draft, actor=admin)
    announcement = policy_actions.do_publish_version(version, actor=admin)
    policy = Policy.objects.get(pk=version.policy_id)
    decision = policy_actions.do_decide(
        ticket, policy, {"delivered_on": "2026-01-15", "reason": "late", "order_total": "80"}, actor=agent
    )
    exception = PolicyException.objects.create(
        decision=decision,
        ticket=ticket,
        policy=policy,
        reason_code="courier_lost",
        reason_label="The courier lost it",
        outside_customer_control=True,
        state=ExceptionState.PENDING,
        requested_by=agent,
    )
    approval = ApprovalRequest.objects.create(exception=exception, why="Above the agent's limit")
    escalation, _ = do_open_escalation(ticket, requested_by="customer", reason="Wants a manager")
    handoff = do_open_handoff(
        ticket, actor=agent, team=engineering, subject="Router firmware", needed="Is it a known bug?"
    )
    promise = do_add_promise(
        ticket, actor=agent, action="Call back", due_at=timezone.now() + timedelta(days=1)
    )
    mistake = do_log_mistake(
        ticket,
        actor=agent,
        category="wrong_information",
        what_happened="Told the wrong fee",
        impact="Customer overpaid",
        why_it_made_sense="The old price list",
    )
    training = do_create_training_item(actor=lead, title="Fees", agents=[agent])
    assignment = TrainingAssignment.objects.get(item=training, agent=agent)
    invitation, _token = do_invite_agent(email="newbie@desk.test", actor=admin)
    webhook = do_create_webhook(actor=admin, url="https://hooks.example.test/in", events=["ticket.created"])
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="ticket.created", payload={})
    mailbox = Mailbox.objects.create(name="Support", address="help@desk.test", push_secret="s3cret")
    inbound = InboundEmail.objects.create(
        mailbox=mailbox,
        source="push",
        raw=b"Subject: x\r\n\r\nx",
        size=15,
        content_hash="0" * 64,
        state=InboundState.QUARANTINED,
    )
    outbound = OutboundEmail.objects.create(
        from_address="help@desk.test",
        to=["carol@acme.test"],
        subject="x",
        message_id="<matrix@desk.test>",
        body_text="x",
        state=OutboundState.FAILED,
        next_attempt_at=timezone.now(),
    )
    calendar = do_save_calendar(
        CalendarData(name="Office", timezone="UTC", hours={"mon": [["09:00", "17:00"]]}), actor=admin
    )
    sla_policy = do_save_policy(
        PolicyData(name="Fast", first_response_minutes=60, business_hours=False), actor=admin
    )
    trigger = do_save_trigger(
        actor=admin, name="Tag VIP", events=["ticket.created"], conditions={}, actions=TAG
    )
    time_rule = do_save_time_rule(actor=admin, name="Nudge", conditions=PENDING, actions=TAG)
    macro = do_save_macro(actor=admin, name="Thanks", body="Thank you!")
    brk = Break.objects.create(agent=agent, state=BreakState.SUGGESTED, suggested_at=timezone.now())
    restricted = RestrictedMessage.objects.create(ticket=ticket, message=message, customer=customer)
    view = do_save_view("Mine", {"assignee": "me"}, shared=False, actor=agent)
    token, _key = do_create_api_token(agent, "laptop", actor=agent)
    deprovisioning = Deprovisioning.objects.create(user=away, source=DeprovisionSource.SCIM)
    do_start_absence(away, actor=lead, ends_at=timezone.now() + timedelta(days=3))
    absence = Absence.objects.get(agent=away)

    kb_category = kb_actions.do_save_category(actor=agent, name="Billing")
    kb_section = kb_actions.do_save_section(actor=agent, category=kb_category, name="Refunds")
    kb_article = kb_actions.do_create_article(
        kb_actions.ArticleData(title="Refunds", body_md="Within 30 days.", section_id=kb_section.pk),
        actor=agent,
    )
    kb_actions.do_publish_article(kb_article, actor=lead)

    ids: dict[str, int | str] = {
        "article_id": kb_article.pk,
        "revision_id": kb_article.revisions.get().pk,
        "lang": "en",
        "slug": kb_article.slug,
        "category_slug": kb_category.slug,
        "section_slug": kb_section.slug,
        "ticket_id": ticket.pk,
        "other_id": other.pk,
        "attachment_id": attachment.pk,
        "customer_id": customer.pk,
        "org_id": acme.pk,
        "team_id": support.pk,
        "user_id": agent.pk,
        "policy_id": version.policy.pk,
        "version_id": version.pk,
        "announcement_id": announcement.pk,
        "decision_id": decision.pk,
        "approval_id": approval.pk,
        "escalation_id": escalation.pk,
        "handoff_id": handoff.pk,
        "promise_id": promise.pk,
        "mistake_id": mistake.pk,
        "assignment_id": assignment.pk,
        "invitation_id": invitation.pk,
        "webhook_id": webhook.pk,
        "delivery_id": delivery.pk,
        "mailbox_id": mailbox.pk,
        "inbound_id": inbound.pk,
        "outbound_id": outbound.pk,
        "calendar_id": calendar.pk,
        "rule_id": time_rule.pk,
        "trigger_id": trigger.pk,
        "macro_id": macro.pk,
        "break_id": brk.pk,
        "item_id": restricted.pk,
        "view_id": view.pk,
        "token_id": token.pk,
        "deprovisioning_id": deprovisioning.pk,
        "absence_id": absence.pk,
        "dashboard": "overview",
        "step": "take",
        "name": "swagger-ui.css",
        "filename": "log.txt",
        "token": "not-a-real-token",
        "sla_policy_id": sla_policy.pk,
    }
    return Desk(users=users, customer_id=customer.pk, ids=ids)


def _policy_definition() -> dict[str, Any]:
    from tests.policies.conftest import refunds_definition

    return refunds_definition()


@pytest.fixture(scope="module")
def desk(django_db_setup: None, django_db_blocker: Any) -> Iterator[Desk]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


def _client(desk: Desk, role: str) -> Client:
    client = Client()
    if role == "customer":
        session = client.session
        session[SESSION_KEY] = desk.customer_id
        session.save()
    elif role != "anonymous":
        client.force_login(desk.users[role])
    return client


# --- every address -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # URL name, or "api:<operationId>"
    path: str  # with {param} placeholders
    methods: tuple[str, ...]
    body: bool = False  # an API operation that reads a JSON body


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}:{entry.namespace}".lstrip(":") if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".lstrip(":") if entry.name else prefix + str(entry.pattern)
            yield name, prefix + str(entry.pattern), entry.callback


def url_routes() -> list[Route]:
    routes = []
    for name, pattern, view in _walk(get_resolver()):
        if pattern.startswith("admin/") or view.__module__ == "ninja.operation":
            continue  # Django's own admin (is_staff, not ours) and the API operations (from the schema)
        path = "/" + _CONVERTER.sub(r"{\1}", pattern).lstrip("^").rstrip("$")
        routes.append(Route(name=name, path=path, methods=("GET", "POST")))
    return routes


def api_routes() -> list[Route]:
    from anchordesk.api.api import api

    schema = api.get_openapi_schema()
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = "api:" + operation["operationId"].removeprefix("anchordesk_api_")
            routes.append(
                Route(name=name, path=path, methods=(method.upper(),), body="requestBody" in operation)
            )
    return routes


def _fill(path: str, desk: Desk) -> str:
    # /sla/policies/<policy_id> is an SLA policy; every other policy_id a business policy.
    ids = {**desk.ids, "policy_id": desk.ids["sla_policy_id"]} if path.startswith("/sla/") else desk.ids
    return re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)


def _ask(desk: Desk, role: str, method: str, path: str) -> tuple[int, str]:
    cache.clear()  # sign-in and link rate limits are counted in the cache
    client = _client(desk, role)
    with transaction.atomic():
        response = (
            client.generic(method, path, data=b"", content_type="application/x-www-form-urlencoded")
            if method != "GET"
            else client.get(path)
        )
        transaction.set_rollback(True)
    return response.status_code, response.headers.get("Location", "")


# --- the matrix --------------------------------------------------------------------------------
# Each address: who may use it (the least role, from collaborator < agent < lead < admin up), and
# what a signed-in person below that gets. Pages: 404 on an object's address, 403 on a settings page
# or any other page, and 403 where they may see the object but not act on it ("agent:403" names
# such a role). The API: 403 for a role refused, 404 for an object the caller may not see. Signed-
# out visitors (and a customer, who has no staff session) are sent to sign in, or get 401 from the
# API. Other kinds of address:
#   public  - anyone: health, metrics, the sign-in pages, the API's documentation assets
#   token   - the address carries a secret or needs an outside system (portal and CSAT links,
#             invitation links, mail push, SCIM, single sign-on); a wrong one is the same 404 or
#             401 for everyone, signed in or not
#   portal  - the customer portal: the customer's own session; everyone else is sent to its sign-in
#   owner   - one person's own thing (their break, training, saved view, token): only its owner (the
#             agent here) gets through; everyone else signed in gets 404
#   a/b     - role a may read (GET), role b may change (POST)
#   body    - an API operation whose JSON body is checked before the role: an empty body is 422 for
#             everyone signed in (the role gates are tested with real bodies in tests/api/)

MATRIX = """
healthz                          public
metrics                          public
api-metrics                      public
api-docs-asset                   public
api-v1:openapi-json              public
api-v1:openapi-view              public
api-v1:api-root                  public
login                            public
login-2fa                        public
logout                           public
portal:home                      public
portal:sign-out                  public
portal:sign-in                   token
csat                             token
invitation-accept                token
mail-push                        token
scim-users                       token
scim-user                        token
sso-login                        token
sso-callback                     token
help:root                        public         # the help center: anyone reads what is public
help:sitemap                     public
help:suggest                     public
help:home                        public
help:search                      public
help:article                     public
help:feedback                    public
help:category                    public
help:section                     public
portal:tickets                   portal
portal:new-ticket                portal
portal:ticket                    portal
portal:reply                     portal
portal:attachment                portal

settings-home                    lead          403
job-health                       admin         403
mail-mailboxes                   admin         403
mail-mailbox-new                 admin         403
mail-mailbox-edit                admin         403
mail-mailbox-test                admin         403
mail-quarantine                  admin         403
mail-raw                         admin         403
mail-retry                       admin         403
mail-discard                     admin         403
mail-outbox                      admin         403
mail-outbox-retry                admin         403
sla-home                         lead          403
sla-calendar-new                 lead          403
sla-calendar-edit                lead          403
sla-policy-new                   lead          403
sla-policy-edit                  lead          403
automation-home                  lead          403
automation-trigger-new           lead          403
automation-trigger-edit          lead          403
automation-trigger-toggle        lead          403
automation-time-rule-new         lead          403
automation-time-rule-edit        lead          403
automation-time-rule-toggle      lead          403
automation-csat-settings         lead          403
automation-assignment            lead          403
automation-assignment-team       lead          403
automation-assignment-agent      lead          403
automation-macros                agent         403
automation-macro-new             agent         403
automation-macro-edit            lead          404    # a shared macro: agents edit only their own
automation-macro-toggle          lead          404
automation-macro-search          agent         404
webhook-list                     admin         403
webhook-create                   admin         403
webhook-detail                   admin         403
webhook-toggle                   admin         403
webhook-delete                   admin         403
webhook-test                     admin         403
webhook-rotate-secret            admin         403
webhook-delivery-retry           admin         403
sso-deprovisioned                lead          403
sso-deprovisioning-reviewed      lead          403
settings-agents                  lead/admin    403    # leads see the agents, admins invite
settings-agent                   admin         403
settings-agent-reset-2fa         admin         403
settings-invitation-resend       admin         403
settings-invitation-revoke       admin         403
settings-teams                   lead          403
settings-team                    lead          403
settings-security                admin         403

policy-list                      agent         403
policy-new                       lead          403
policy-detail                    agent         404
policy-edit                      lead          404
policy-publish                   lead          404
policy-announcement              agent         404
policy-acknowledge               agent         404
policy-decide                    agent         404
policy-ticket-panel              agent         404
policy-decision                  agent         404
policy-exception-request         agent         404
policy-use-wording               agent         404
policy-approvals                 lead          403
policy-approval-decide           lead          404
policy-exception-report          lead          403
policy-limits                    lead/admin    403    # leads read the limits, admins change them
collab-escalations               lead          403
collab-escalation                agent         404
collab-escalation-take           lead          404 agent:403
collab-escalation-note           lead          404 agent:403
collab-escalation-reply          lead          404 agent:403
collab-escalation-resolve        lead          404 agent:403
collab-escalation-use-wording    agent         404
collab-ticket-escalate           agent         404
collab-ticket-panel              agent         404
collab-handoff-new               agent         404
collab-handoffs                  collaborator
collab-handoff                   collaborator
collab-handoff-comment           collaborator
collab-handoff-status            collaborator
collab-handoff-assign            collaborator
collab-handoff-tell-customer     agent         404
wellbeing-home                   agent         403
wellbeing-banner                 agent         403
wellbeing-break-start            agent         403
wellbeing-break-take             owner
wellbeing-break-dismiss          owner
wellbeing-break-end              owner
wellbeing-volunteer              agent         403
wellbeing-exposure               lead          403
wellbeing-kind-words             agent         403
wellbeing-ticket-panel           agent         404
wellbeing-hand-over              agent         404
wellbeing-warn                   agent         404
wellbeing-standing               agent         404
wellbeing-lead-queue             lead          403
wellbeing-lead-queue-take        lead          404
insights-home                    lead          403
insights-review                  lead          403
insights-review-mistake          lead          404
training-create                  lead          403
insights-dashboard               lead          403
my-training                      agent         403
training-done                    owner
my-promises                      agent         403
mistake-review                   lead          403
promise-add                      agent         404
promise-change                   agent         404
reply-coach                      agent         404
mistake-log                      agent         404
mistake-step                     agent         404
people-offboard                  lead          404
people-absence                   lead          404
people-reactivate                lead          404
api-tokens                       collaborator
api-token-revoke                 owner
two-factor                       collaborator
two-factor-recovery-codes        collaborator
agents                           collaborator
inbox                            collaborator   # a collaborator is sent on to their handoffs
inbox-list                       collaborator
inbox-bulk                       collaborator
view-save                        collaborator
view-delete                      owner
ticket                           agent         404
ticket-reply                     agent         404
ticket-note                      agent         404
ticket-properties                agent         404
ticket-subject                   agent         404
ticket-tags                      agent         404
ticket-fields                    agent         404
ticket-merge                     agent         404
ticket-link                      agent         404
ticket-presence-leave            agent         404
attachment                       agent         404
kb-home                          agent         403
kb-new                           agent         403
kb-categories                    agent         403
kb-article                       agent         404
kb-edit                          agent         404
kb-submit                        agent         404
kb-review                        lead          404 agent:403
kb-unpublish                     lead          404 agent:403
kb-translate                     agent         404
kb-revisions                     agent         404
kb-restore                       agent         404

api:tickets_list_tickets         collaborator   # a collaborator sees their handoffs' tickets
api:tickets_get_ticket           agent         404
api:tickets_list_links           agent         404
api:tickets_remove_link          agent         404
api:tickets_ping_presence        agent         404    # the ticket page's collision notice
api:messages_list_messages       agent         404
api:messages_download_attachment agent         404
api:people_list_customers        agent         403
api:people_get_customer          agent         403
api:people_list_organizations    agent         403
api:people_get_organization      agent         403
api:people_list_teams            collaborator
api:people_get_team              collaborator
api:people_list_tags             collaborator
api:people_me                    collaborator
api:webhooks_list_webhooks       admin         403
api:webhooks_get_webhook         admin         403
api:webhooks_delete_webhook      admin         403
api:webhooks_list_deliveries     admin         403
api:webhooks_test_webhook        admin         403
api:webhooks_retry               admin         403
api:policies_list_policies       agent         403
api:policies_get_policy          agent         403
api:policies_list_versions       agent         403
api:policies_publish_version     lead          403
api:policies_list_decisions      agent         404
api:policies_get_decision        agent         403
api:policies_list_approvals      lead          403
api:policies_exception_report    lead          403
api:policies_list_announcements  agent         403
api:policies_get_announcement    agent         403
api:policies_acknowledge         agent         403
api:policies_list_limits         lead          403
api:escalations_list_escalations lead          403
api:escalations_get_escalation   agent         403
api:recovery_list_ticket_promises agent        403
api:recovery_my_promises         agent         403
api:recovery_get_promise         agent         403
api:recovery_complete_promise    agent         403
api:handoffs_list_handoffs       collaborator
api:handoffs_get_handoff         collaborator
api:wellbeing_exposure           lead          403
api:wellbeing_my_break           agent         403
api:wellbeing_break_step         agent         403
api:wellbeing_kind_words         agent         403
api:insights_get_dashboard       lead          403
api:automation_list_macros       agent         403
api:automation_macro_text        agent         403    # the reply box's macro picker
api:automation_apply_macro       agent         403
api:automation_list_triggers     lead          403
api:automation_list_time_rules   lead          403
api:automation_sla_attainment    lead          403
api:invitations_list_invitations lead          403
api:invitations_resend_invitation admin        403
api:invitations_revoke_invitation admin        403
api:offboarding_preview          lead          403
api:offboarding_reactivate       lead          403
api:offboarding_end_absence      lead          403
api:kb_list_articles             public         # everyone reads; visitors and customers public articles only
api:kb_get_article               public
api:kb_search                    public
api:kb_suggest                   public
api:kb_list_revisions            agent         403
"""

STAFF_RANK = {"collaborator": 0, "agent": 1, "lead": 2, "admin": 3}
KINDS = ("public", "token", "portal", "owner", "body")


@dataclass(frozen=True)
class Row:
    who: str  # a kind of address, or the least role allowed ("lead/admin": to read / to change)
    refused: int | None = None  # what signed-in people below get
    refused_by_role: dict[str, int] = field(default_factory=dict)  # exceptions, e.g. agent:403

    def refusal(self, role: str) -> int | None:
        return self.refused_by_role.get(role, self.refused)


def _matrix() -> dict[str, Row]:
    table: dict[str, Row] = {}
    for line in MATRIX.splitlines():
        words = line.split("#")[0].split()
        if not words:
            continue
        assert words[1] in KINDS or all(w in STAFF_RANK for w in words[1].split("/")), line
        overrides = dict(w.split(":") for w in words[3:])
        table[words[0]] = Row(
            who=words[1],
            refused=int(words[2]) if len(words) > 2 else None,
            refused_by_role={role: int(status) for role, status in overrides.items()},
        )
    return table


ALL_ROUTES = url_routes() + api_routes()
TABLE = _matrix()


def test_the_matrix_names_every_address_and_nothing_else():
    names = {r.name for r in ALL_ROUTES if not r.body}
    assert sorted(names - TABLE.keys()) == [], "addresses missing from MATRIX"
    assert sorted(TABLE.keys() - names) == [], "MATRIX names an address that is gone"


def _judge(route: Route, method: str, answers: dict[str, tuple[int, str]]) -> list[str]:
    """What is wrong with these answers, in words; empty when they match the matrix."""
    is_api = route.path.startswith("/api/")
    row = Row(who="body") if route.body else TABLE[route.name]
    kind = row.who
    wrong = []

    def expect(role: str, ok: bool, wanted: str) -> None:
        if not ok:
            status, where = answers[role]
            wrong.append(f"{role}: {status} {where} (wanted {wanted})")

    def sent_to(where: str, prefix: str) -> bool:
        return where.startswith(prefix)

    for role, (status, _where) in answers.items():
        expect(role, status < 500, "no server error")
    if kind == "public":
        return wrong
    if kind == "token":
        if len({s for s, _ in answers.values()}) != 1 or not 400 <= answers["admin"][0] < 500:
            wrong.append(f"a token address must answer everyone the same refusal: {answers}")
        return wrong
    if kind == "portal":
        for role, (status, where) in answers.items():
            if status == 405:
                continue
            to_sign_in = status == 302 and (where == "/portal/" or sent_to(where, "/portal/?"))
            if role == "customer":
                expect(role, status not in (401, 403, 404) and not to_sign_in, "the customer's page")
            else:
                expect(role, to_sign_in, "the portal's sign-in")
        return wrong

    for role in ("anonymous", "customer"):
        status, where = answers[role]
        if is_api:
            expect(role, status == 401, "401")
        else:
            expect(role, status == 405 or (status == 302 and sent_to(where, "/signin/")), "sign in")
    for role in STAFF:
        status, where = answers[role]
        if kind == "body":
            expect(role, status == 422, "422 for an empty body")
            continue
        least = kind.split("/")[0 if method == "GET" else -1]
        allowed = role == "agent" if kind == "owner" else STAFF_RANK[role] >= STAFF_RANK[least]
        wanted_refusal = 404 if kind == "owner" else row.refusal(role)
        if allowed:
            expect(
                role,
                status not in (401, 403, 404) and not sent_to(where, "/signin/"),
                "let through",
            )
        elif status != 405:
            expect(role, status == wanted_refusal, str(wanted_refusal))
    return wrong


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda r: f"{r.name}")
def test_every_role_gets_the_answer_the_matrix_gives(route: Route, desk: Desk, db: None) -> None:
    path = _fill(route.path, desk)
    wrong = []
    for method in route.methods:
        answers = {role: _ask(desk, role, method, path) for role in ROLES}
        wrong += [f"{method} {path} {w}" for w in _judge(route, method, answers)]
    assert not wrong, "\n".join(wrong)
