"""Ticket temperature: per-message scores combined with recency, repeat contact and waiting time.

The one formula and the one set of thresholds: the product stores this temperature on the ticket
(anchordesk/recovery/temperature.py passes message ages and the ticket's history)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .customer import MessageAnalysis

Level = Literal["calm", "warm", "hot"]

WARM_AT = 35
HOT_AT = 65


@dataclass(frozen=True, slots=True)
class Temperature:
    score: int  # 0..100
    level: Level
    reasons: list[str] = field(default_factory=list)


def message_heat(analysis: MessageAnalysis) -> float:
    """0..100 heat of one message."""
    base = {0: 10.0, 1: 45.0, 2: 75.0}[analysis.frustration]
    base += 25.0 * max(0.0, analysis.frustration_score - 0.34 * analysis.frustration)
    if analysis.abusive:
        base += 20.0
    elif analysis.profanity:
        base += 5.0
    if analysis.manager_request == 1:
        base += 15.0
    elif analysis.manager_request == 2:
        base += 10.0
    if analysis.thanks and analysis.frustration == 0:
        base = 0.0
    return min(100.0, base)


Heat = MessageAnalysis | float
# A message with how many hours ago it was written (relative to the moment of the temperature).
AgedMessage = tuple[MessageAnalysis | float, float]

REPEAT_HEAT = 8.0  # per earlier unanswered message, up to three
REPEAT_MAX = 3
WAIT_FROM_HOURS = 4.0
WAIT_FULL_HOURS = 48.0
HALF_LIFE_HOURS = 24.0


def level_of(score: float) -> Level:
    """The one set of thresholds: calm below WARM_AT, warm below HOT_AT, else hot."""
    return "hot" if score >= HOT_AT else "warm" if score >= WARM_AT else "calm"


def _heat(message: Heat) -> float:
    if isinstance(message, MessageAnalysis):
        return message_heat(message)
    return max(0.0, min(100.0, float(message)))


def temperature(
    messages: Sequence[Heat | AgedMessage],
    *,
    repeat_contacts: int = 0,
    waiting_hours: float = 0.0,
    half_life: float = 2.0,
    half_life_hours: float = HALF_LIFE_HOURS,
) -> Temperature:
    """Combine customer messages (oldest first) into a ticket temperature.

    ``messages`` holds analyses or ready 0..100 heats, each optionally paired with its age in
    hours: ``(analysis, 30.0)``. A message's heat cools by half every ``half_life_hours`` of
    age (a message without an age counts as just written). The newest message weighs most: a
    message ``k`` places back counts ``0.5 ** (k / half_life)`` in the average, and the
    latest message alone can make a ticket hot. ``repeat_contacts`` is how many times the
    customer wrote before without an answer (from ticket history) and ``waiting_hours`` how
    long the first of those has waited for a reply.
    """
    reasons: list[str] = []
    latest: Heat | None = None
    heats: list[float] = []
    hl_hours = max(half_life_hours, 0.1)
    for item in messages:
        if isinstance(item, tuple):
            message, age = item
            cooling = 0.5 ** (max(0.0, float(age)) / hl_hours)
        else:
            message, cooling = item, 1.0
        heats.append(_heat(message) * cooling)
        latest = message
    if heats:
        hl = max(half_life, 0.1)
        weights = [0.5 ** ((len(heats) - 1 - i) / hl) for i in range(len(heats))]
        base = sum(h * w for h, w in zip(heats, weights, strict=True)) / sum(weights)
        # The latest message alone can make a ticket hot even after a calm history.
        base = max(base, heats[-1] * 0.9)
    else:
        base = 0.0
    if heats and heats[-1] >= HOT_AT:
        reasons.append("latest message is angry")
    elif heats and heats[-1] >= WARM_AT:
        reasons.append("latest message is frustrated")
    if isinstance(latest, MessageAnalysis):
        if latest.abusive:
            reasons.append("abusive language")
        if latest.manager_request:
            reasons.append("asks for a manager" if latest.manager_request == 1 else "escalation mentioned")
    repeats = max(0, repeat_contacts)
    repeat_bonus = REPEAT_HEAT * min(REPEAT_MAX, repeats)
    if repeat_bonus:
        reasons.append(f"wrote {repeats + 1} times without an answer")
    wait_bonus = 0.0
    if waiting_hours >= WAIT_FROM_HOURS:
        ramp = min(1.0, (waiting_hours - WAIT_FROM_HOURS) / (WAIT_FULL_HOURS - WAIT_FROM_HOURS))
        wait_bonus = min(15.0, 3.0 + 12.0 * ramp)
        reasons.append(f"waiting {waiting_hours:.0f} h for a reply")
    score = int(round(min(100.0, base + repeat_bonus + wait_bonus)))
    return Temperature(score=score, level=level_of(score), reasons=reasons)


def deescalation_hint(analysis: MessageAnalysis) -> str:
    """A short hint for the agent answering this message ("" when the message is calm)."""
    if analysis.abusive:
        return (
            "This message is abusive. You don't have to take it: answer the problem, not the insult, "
            "and ask a lead to take over if it goes on."
        )
    if analysis.manager_request == 1:
        return (
            "They asked for a manager. Say you'll bring one in, and hand over with the full context so they "
            "don't have to repeat themselves."
        )
    if analysis.manager_request == 2:
        return "They have asked to escalate before. Acknowledge it, own the delay, and offer a lead now."
    if analysis.frustration >= 2:
        return (
            "They are angry. Acknowledge the problem in their words, apologize for the specific thing, "
            "skip the policy talk, and give one concrete next step with a time."
        )
    if analysis.frustration == 1:
        return (
            "They are frustrated. Name what went wrong, own it, and say exactly what happens next and when."
        )
    return ""
