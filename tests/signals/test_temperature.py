"""Ticket temperature and de-escalation hints."""

from __future__ import annotations

from anchordesk.signals import analyze_message, deescalation_hint, message_heat, temperature


def test_no_messages_is_calm() -> None:
    t = temperature([])
    assert (t.score, t.level) == (0, "calm")


def test_levels_follow_the_latest_messages() -> None:
    calm = analyze_message("Hi, what are your opening hours?")
    annoyed = analyze_message("Still waiting for my refund, this is ridiculous")
    angry = analyze_message("THIS IS UNACCEPTABLE, I'M CANCELLING MY ACCOUNT!!!")
    assert temperature([calm]).level == "calm"
    assert temperature([calm, annoyed]).level == "warm"
    assert temperature([calm, annoyed, angry]).level == "hot"


def test_recent_messages_weigh_more_than_old_ones() -> None:
    angry = analyze_message("THIS IS UNACCEPTABLE!!!")
    thanks = analyze_message("Thank you, that fixed it!")
    cooling = temperature([angry, angry, thanks])
    heating = temperature([thanks, thanks, angry])
    assert heating.score > cooling.score
    assert heating.level == "hot"


def test_repeat_contact_and_waiting_raise_the_temperature() -> None:
    msg = analyze_message("Any update on my order?")
    base = temperature([msg])
    assert temperature([msg], repeat_contacts=2).score > base.score
    waited = temperature([msg], waiting_hours=48)
    assert waited.score > base.score
    assert any("waiting" in r for r in waited.reasons)
    assert temperature([msg], repeat_contacts=3, waiting_hours=72).level in ("warm", "hot")


def test_plain_numbers_are_accepted_and_clamped() -> None:
    assert temperature([250.0]).score == 100
    assert temperature([-5.0]).score == 0


def test_message_heat_is_bounded_and_abuse_is_hottest() -> None:
    abusive = analyze_message("you are useless idiots, I want your manager")
    assert 0 <= message_heat(abusive) <= 100
    assert message_heat(abusive) > message_heat(analyze_message("this is ridiculous"))


def test_deescalation_hints() -> None:
    assert deescalation_hint(analyze_message("What time do you open?")) == ""
    assert "manager" in deescalation_hint(analyze_message("I want to speak to a manager"))
    assert "abusive" in deescalation_hint(analyze_message("you are useless idiots"))
    assert "angry" in deescalation_hint(analyze_message("I'M CANCELLING MY ACCOUNT!!!"))


def test_the_levels_are_one_set_of_thresholds() -> None:
    from anchordesk.signals import HOT_AT, WARM_AT, level_of

    assert [level_of(s) for s in (0, WARM_AT - 1, WARM_AT, HOT_AT - 1, HOT_AT, 100)] == [
        "calm",
        "calm",
        "warm",
        "warm",
        "hot",
        "hot",
    ]
    assert temperature([float(HOT_AT)]).level == "hot"
    assert temperature([float(WARM_AT)]).level == "warm"


def test_an_old_angry_message_cools_with_its_age_in_hours() -> None:
    angry = analyze_message("THIS IS UNACCEPTABLE, I'M CANCELLING MY ACCOUNT!!!")
    assert temperature([(angry, 0.0)]).level == "hot"
    assert temperature([(angry, 0.0)]).score == temperature([angry]).score  # no age: just written
    a_day = temperature([(angry, 24.0)])
    assert a_day.score < temperature([(angry, 0.0)]).score
    assert temperature([(angry, 96.0)]).level == "calm"


def test_chasing_an_answer_is_named_in_the_reasons() -> None:
    chaser = analyze_message("Any news on this?")
    result = temperature([(chaser, 40.0), (chaser, 16.0), (chaser, 0.0)], repeat_contacts=2, waiting_hours=40)
    assert result.level == "warm"
    assert "wrote 3 times without an answer" in result.reasons
    assert "waiting 40 h for a reply" in result.reasons
