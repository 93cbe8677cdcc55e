"""What happens to promises when their ticket is merged or split, or their owner leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anchordesk.accounts.actions import do_deactivate_agent
from anchordesk.collab.models import Escalation
from anchordesk.core.models import AuditEvent
from anchordesk.recovery import actions, queries
from anchordesk.recovery.choices import PromiseState
from anchordesk.recovery.models import Promise
from anchordesk.tickets.actions import do_add_customer_message, do_merge_tickets, do_reply, do_split_ticket
from anchordesk.tickets.models import Ticket
from tests.factories import make_ticket


def _promise(ticket: Ticket, owner, *, hours: int | None = 24, action: str = "Refund the second charge"):
    due = None if hours is None else timezone.now() + timedelta(hours=hours)
    return actions.do_add_promise(ticket, actor=owner, action=action, due_at=due)


def test_a_merged_tickets_promise_is_escalated_on_the_ticket_that_survives(people):
    source = make_ticket(people.customer, subject="Charged twice", team=people.support, assignee=people.agent)
    target = make_ticket(people.customer, subject="Refund?", team=people.support, assignee=people.agent)
    promise = _promise(source, people.agent, hours=1)

    do_merge_tickets(source, target, actor=people.agent)

    promise.refresh_from_db()
    assert promise.ticket_id == target.pk
    assert [c.action for c in queries.open_promises(target)] == ["Refund the second charge"]
    actions.do_scan_promises(now=timezone.now() + timedelta(hours=2))
    assert Escalation.objects.filter(ticket=target).count() == 1
    assert not Escalation.objects.filter(ticket=source).exists()
    moved = AuditEvent.objects.get(kind="promise.moved", object_id=promise.pk)
    assert moved.ticket_id == target.pk and moved.before == {"ticket": source.pk}


def test_a_reply_from_a_stale_tab_on_a_merged_ticket_promises_on_the_surviving_one(people):
    source = make_ticket(people.customer, subject="Charged twice")
    target = make_ticket(people.customer, subject="Refund?")
    do_merge_tickets(source, target, actor=people.agent)

    do_reply(source, "I will refund the second charge by Friday.", actor=people.agent)

    promise = Promise.objects.get()
    assert promise.ticket_id == target.pk and promise.due_at is not None


def test_splitting_a_ticket_takes_the_promises_made_in_the_moved_replies(people):
    ticket = make_ticket(people.customer, subject="Two questions", team=people.support, assignee=people.agent)
    do_reply(ticket, "I will refund the second charge by Friday.", actor=people.agent)
    by_hand = _promise(ticket, people.agent, action="Call the bank")
    do_add_customer_message(ticket, "Also, my parcel is late.", customer=people.customer)
    do_reply(ticket, "I'll send you a replacement by tomorrow.", actor=people.agent)
    later = list(ticket.messages.order_by("pk").values_list("pk", flat=True))[-2:]

    new = do_split_ticket(ticket, later, actor=people.agent)

    assert new.customer_id == people.customer.pk and new.assignee_id == people.agent.pk
    assert [c.action for c in queries.open_promises(new)] == ["send you a replacement"]
    assert {c.action for c in queries.open_promises(ticket)} == {
        "refund the second charge",
        by_hand.action,
    }
    ticket.refresh_from_db()
    assert ticket.message_count == 2 and new.message_count == 2


def test_splitting_off_every_message_is_refused(people):
    ticket = make_ticket(people.customer)
    with pytest.raises(ValidationError) as refused:
        do_split_ticket(ticket, [m.pk for m in ticket.messages.all()], actor=people.agent)
    assert "message_ids" in refused.value.message_dict


def test_offboarding_hands_each_promise_to_someone_who_can_keep_it(people):
    # On a ticket someone else works: that person keeps it.
    bobs = make_ticket(people.customer, subject="Bob's ticket", team=people.support, assignee=people.agent2)
    # On the leaver's own ticket of the support team: it goes back to the queue, the team lead keeps it.
    own = make_ticket(people.customer, subject="Alice's ticket", team=people.support, assignee=people.agent)
    # On a ticket of no team and no assignee: whoever deactivated them keeps it.
    loose = make_ticket(people.customer, subject="Unrouted")
    on_bobs = _promise(bobs, people.agent)
    on_own = _promise(own, people.agent, hours=None)
    on_loose = _promise(loose, people.agent)
    missed = _promise(own, people.agent, hours=-1, action="Call back")
    actions.do_scan_promises()
    kept = _promise(own, people.agent, action="Already done")
    actions.do_complete_promise(kept, actor=people.agent)

    do_deactivate_agent(people.agent, actor=people.admin)

    people.agent.refresh_from_db()
    assert not people.agent.is_active
    owners = {c.pk: c.owner_id for c in Promise.objects.all()}
    assert owners[on_bobs.pk] == people.agent2.pk
    assert owners[on_own.pk] == people.lead.pk
    assert owners[missed.pk] == people.lead.pk  # missed is late, not let off
    assert owners[on_loose.pk] == people.admin.pk
    assert owners[kept.pk] == people.agent.pk  # history stays as it was
    own.refresh_from_db()
    assert own.assignee_id is None
    handed = AuditEvent.objects.filter(kind="promise.handed_over").order_by("object_id")
    assert [(e.object_id, e.before, e.after["owner"]) for e in handed] == [
        (on_bobs.pk, {"owner": people.agent.pk}, people.agent2.pk),
        (on_own.pk, {"owner": people.agent.pk}, people.lead.pk),
        (on_loose.pk, {"owner": people.agent.pk}, people.admin.pk),
        (missed.pk, {"owner": people.agent.pk}, people.lead.pk),
    ]
    assert AuditEvent.objects.get(kind="agent.deactivated").after["promises_handed_over"] == 4


def test_only_a_lead_can_deactivate_and_not_themselves(people):
    with pytest.raises(ValidationError) as refused:
        do_deactivate_agent(people.agent2, actor=people.agent)
    assert "actor" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        do_deactivate_agent(people.lead, actor=people.lead)
    assert "user" in refused.value.message_dict
    people.agent2.refresh_from_db()
    assert people.agent2.is_active


def test_unticking_active_in_the_admin_hands_the_promises_over(people, client):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent)
    promise = _promise(ticket, people.agent)
    client.force_login(people.admin)
    url = f"/admin/accounts/user/{people.agent.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
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

    saved = client.post(url, data)

    assert saved.status_code == 302, saved.content[:2000]
    promise.refresh_from_db()
    assert promise.owner_id == people.lead.pk
    assert promise.state == PromiseState.OPEN


def test_each_reminder_and_due_moment_gets_a_run_of_its_own_that_acts_once(people, settings):
    settings.PROMISE_REMIND_BEFORE = 1
    ticket = make_ticket(people.customer, team=people.support, assignee=people.agent)
    now = timezone.now()
    soon = _promise(ticket, people.agent, hours=None)
    actions.do_update_promise(soon, actor=people.agent, due_at=now + timedelta(seconds=90))
    later = _promise(ticket, people.agent, hours=2)

    moments = queries.upcoming_moments(now, within=timedelta(seconds=75))

    assert moments == [(soon.pk, now + timedelta(seconds=30))]  # its reminder; not yet its due moment
    assert actions.do_fire_promise(soon.pk, now + timedelta(seconds=29)) == ""  # too early
    assert actions.do_fire_promise(soon.pk, now + timedelta(seconds=30)) == "reminded"
    assert actions.do_fire_promise(soon.pk, now + timedelta(seconds=31)) == ""  # once
    assert queries.upcoming_moments(now + timedelta(seconds=31), within=timedelta(seconds=75)) == [
        (soon.pk, now + timedelta(seconds=90))
    ]
    assert actions.do_fire_promise(soon.pk, now + timedelta(seconds=90)) == "missed"
    assert actions.do_scan_promises(now + timedelta(seconds=91)) == {"reminded": 0, "missed": 0}
    assert Escalation.objects.filter(ticket=ticket).count() == 1
    # A promise kept, or given a later date, since its run was scheduled: the run does nothing.
    actions.do_update_promise(later, actor=people.agent, due_at=now + timedelta(hours=5))
    assert actions.do_fire_promise(later.pk, now + timedelta(hours=2)) == ""
    actions.do_complete_promise(later, actor=people.agent)
    assert actions.do_fire_promise(later.pk, now + timedelta(hours=6)) == ""
    assert AuditEvent.objects.filter(kind="promise.reminder").count() == 1
    assert AuditEvent.objects.filter(kind="promise.missed").count() == 1


def test_a_promise_cannot_be_given_to_someone_who_cannot_keep_it(people):
    ticket = make_ticket(people.customer, team=people.engineering)
    with pytest.raises(ValidationError) as refused:
        actions.do_add_promise(
            ticket, actor=people.agent, owner=people.collaborator, action="Fix the bug", due_at=None
        )
    assert "owner" in refused.value.message_dict
    assert not Promise.objects.exists()
