from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from anchordesk.tickets.actions import do_assign_ticket
from anchordesk.wellbeing.models import Exposure
from tests.factories import make_ticket
from tests.wellbeing.conftest import ABUSIVE, CALM, HOSTILE


def test_abusive_and_hostile_messages_count_toward_the_receiving_agent(people, write):
    ticket = write(ABUSIVE)
    write(HOSTILE, ticket=ticket)
    write(CALM, ticket=ticket)
    assert sorted(Exposure.objects.filter(agent=people.agent).values_list("kind", flat=True)) == [
        "abusive",
        "hostile",
    ]
    assert not Exposure.objects.exclude(agent=people.agent).exists()


def test_a_message_that_came_in_unassigned_counts_for_whoever_picks_it_up(people):
    from anchordesk.tickets.actions import do_add_customer_message

    ticket = make_ticket(people.customer, team=people.support, body=CALM)
    do_add_customer_message(ticket, ABUSIVE, customer=people.customer)
    assert not Exposure.objects.exists()
    do_assign_ticket(ticket, people.agent2, actor=people.lead)
    assert Exposure.objects.get().agent == people.agent2
    do_assign_ticket(ticket, people.agent, actor=people.lead)  # a hand-over does not count it twice
    assert Exposure.objects.count() == 1
    do_add_customer_message(ticket, HOSTILE, customer=people.customer)
    assert sorted(Exposure.objects.values_list("agent__username", "kind")) == [
        ("alice", "hostile"),
        ("bob", "abusive"),
    ]


def test_exposure_counts_per_the_agents_own_day(people, write):
    people.agent.timezone = "Pacific/Auckland"  # UTC+13 in December
    people.agent.save()
    with time_machine.travel(datetime(2026, 12, 1, 12, 30, tzinfo=UTC), tick=False):
        write(ABUSIVE)
    assert str(Exposure.objects.get().day) == "2026-12-02"


def test_a_lead_sees_exposure_per_agent_today_and_per_week_in_name_order(people, client, write):
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=False):
        write(HOSTILE)  # two weeks ago
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=UTC), tick=False):
        write(ABUSIVE)
        write(HOSTILE)
        bob_ticket = make_ticket(
            people.other_customer, team=people.support, assignee=people.agent2, body=CALM
        )
        write(ABUSIVE, ticket=bob_ticket, customer=people.other_customer)
        client.force_login(people.lead)
        page = client.get("/wellbeing/exposure/").content.decode()
    alice_row = page[page.index(f'data-agent="{people.agent.pk}"') :].split("</tr>")[0]
    bob_row = page[page.index(f'data-agent="{people.agent2.pk}"') :].split("</tr>")[0]
    assert '<td class="abusive-today">1</td><td class="hostile-today">1</td>' in alice_row
    assert '<td class="abusive-today">1</td><td class="hostile-today">0</td>' in bob_row
    weeks = [cell.split("<")[0] for cell in alice_row.split('<td class="week">')[1:]]
    assert weeks[-1] == "2" and weeks[-3] == "1" and len(weeks) == 8
    # Name order, whoever had the hardest day: Alice before Bob, Bob before Lena.
    table = page[page.index("<tbody>") :]
    assert table.index("Alice") < table.index("Bob") < table.index("Lena")


def test_only_leads_see_the_exposure_of_others(people, client):
    client.force_login(people.agent)
    assert client.get("/wellbeing/exposure/").status_code == 403
    client.force_login(people.collaborator)
    assert client.get("/wellbeing/exposure/").status_code == 403
    assert client.get("/wellbeing/").status_code == 403
    client.logout()
    assert client.get("/wellbeing/exposure/").status_code == 302


def test_an_agent_sees_their_own_exposure(people, client, write):
    write(ABUSIVE)
    client.force_login(people.agent)
    page = client.get("/wellbeing/").content.decode()
    assert '<strong id="exposure-today">1</strong>' in page


def test_a_bad_team_filter_is_a_404_not_a_500(people, client):
    client.force_login(people.lead)
    assert client.get("/wellbeing/exposure/?team=abc").status_code == 404
    assert client.get(f"/wellbeing/exposure/?team={people.support.pk}").status_code == 200


UPSET = "This is RIDICULOUS!!! Third time I write about this refund and NOBODY answers. Worst company ever."
SWEARING_AT_THE_PRODUCT = "This fucking router is shit, third one this year!!!"


def test_an_upset_customer_who_is_not_abusive_is_no_exposure_for_the_agent(people, write):
    from anchordesk.recovery.models import MessageSignal

    ticket = write(UPSET)
    write(SWEARING_AT_THE_PRODUCT, ticket=ticket)
    assert MessageSignal.objects.filter(ticket=ticket, frustration=2).count() == 2  # angry, and hot...
    assert not Exposure.objects.exists()  # ...but at the product, not at the person answering


def test_abuse_and_swearing_at_the_agent_are_exposure(people, write):
    ticket = write(ABUSIVE)
    write("Are you fucking kidding me? Still no refund.", ticket=ticket)
    assert sorted(Exposure.objects.filter(agent=people.agent).values_list("kind", flat=True)) == [
        "abusive",
        "hostile",
    ]


def test_an_upset_message_waiting_unassigned_counts_for_nobody_who_picks_it_up(people):
    from anchordesk.tickets.actions import do_add_customer_message

    ticket = make_ticket(people.customer, team=people.support, body=UPSET)
    do_add_customer_message(ticket, ABUSIVE, customer=people.customer)
    do_assign_ticket(ticket, people.agent, actor=people.lead)
    assert list(Exposure.objects.values_list("kind", flat=True)) == ["abusive"]


def test_the_hard_conversation_panel_is_for_abuse_not_for_an_upset_customer(people, client, write):
    client.force_login(people.agent)
    upset = write(UPSET)
    assert "Hand over" not in client.get(f"/wellbeing/tickets/{upset.pk}/panel").content.decode()
    abusive = write(ABUSIVE)
    assert "Hand over" in client.get(f"/wellbeing/tickets/{abusive.pk}/panel").content.decode()
