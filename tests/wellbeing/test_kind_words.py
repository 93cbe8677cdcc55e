from __future__ import annotations

from anchordesk.accounts.choices import Role
from anchordesk.automation.csat import do_rate, do_send_survey
from anchordesk.tickets.actions import do_reply
from anchordesk.wellbeing.models import KindWord
from tests.factories import make_team, make_user
from tests.wellbeing.conftest import THANKS


def test_a_thank_you_reaches_the_agent_who_answered(people, client, write):
    ticket = write("Where is my parcel?")
    do_reply(ticket, "It ships today, sorry for the wait.", actor=people.agent2)
    write(THANKS, ticket=ticket)
    word = KindWord.objects.get()
    assert word.agent == people.agent2 and word.source == "thanks" and "really helpful" in word.text
    client.force_login(people.agent2)
    assert "really helpful" in client.get("/wellbeing/kind-words/").content.decode()
    client.force_login(people.agent)
    assert "really helpful" not in client.get("/wellbeing/kind-words/").content.decode()
    team_page = client.get(f"/wellbeing/kind-words/?team={people.support.pk}").content.decode()
    assert "really helpful" in team_page and "Bob" in team_page


def test_a_good_rating_with_a_comment_is_a_kind_word_and_a_bad_one_is_not(people, write):
    ticket = write("Help please")
    survey = do_send_survey(ticket)
    do_rate(survey, "good", "Alice was patient and clear.")
    word = KindWord.objects.get()
    assert (
        word.agent == people.agent and word.source == "csat" and word.text == "Alice was patient and clear."
    )
    do_rate(survey, "bad", "Actually it broke again.")
    assert not KindWord.objects.exists()
    do_rate(survey, "good", "")
    assert not KindWord.objects.exists()  # good, but no words to pass on


def test_another_teams_kind_words_are_not_for_agents(people, client):
    billing = make_team("Billing desk")
    make_user(Role.AGENT, username="bea", teams=[billing])
    client.force_login(people.agent)
    assert client.get(f"/wellbeing/kind-words/?team={billing.pk}").status_code == 404
    client.force_login(people.lead)
    assert client.get(f"/wellbeing/kind-words/?team={billing.pk}").status_code == 200


def test_a_bare_thanks_or_a_greeting_is_not_a_kind_word(people, write):
    ticket = write("Where is my parcel?")
    do_reply(ticket, "It ships today; tracking follows by email.", actor=people.agent)
    for text in ("Thanks, Alice", "ok thanks bye", "Thanks for the reply but it still doesn't work"):
        write(text, ticket=ticket)
    write("Great service, NOT. Three weeks and still no refund.", ticket=ticket)
    assert not KindWord.objects.exists()


def test_praise_reaches_the_agent_who_answered_even_without_a_thank_you(people, client, write):
    ticket = write("Where is my parcel?")
    do_reply(ticket, "Found it: it ships today, tracking follows by email.", actor=people.agent2)
    write("Bob sorted it in minutes. Five stars.", ticket=ticket)
    word = KindWord.objects.get()
    assert word.agent == people.agent2 and "sorted it in minutes" in word.text
    client.force_login(people.agent2)
    assert "sorted it in minutes" in client.get("/wellbeing/kind-words/").content.decode()
