"""Training items from blameless reviews: a lead turns a pattern of mistakes into something to learn."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.core.audit import record_event
from anchordesk.insights.choices import InsightsEvent
from anchordesk.insights.models import TrainingAssignment, TrainingItem
from anchordesk.recovery.choices import MistakeCategory
from anchordesk.recovery.models import Mistake


@transaction.atomic
def do_create_training_item(
    *,
    actor: User,
    title: str,
    description: str = "",
    category: str = "",
    mistakes: Sequence[Mistake] = (),
    agents: Sequence[User] = (),
) -> TrainingItem:
    if not actor.is_lead:
        raise ValidationError({"actor": "Training items are created by a lead."})
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Say what should be learned."
    elif len(title) > 200:
        errors["title"] = "At most 200 characters."
    if category and category not in MistakeCategory.values:
        errors["category"] = "Choose a mistake category."
    if not agents:
        errors["agents"] = "Assign it to at least one agent."
    elif any(not a.works_tickets for a in agents):
        errors["agents"] = "Training is assigned to agents, leads or admins."
    if errors:
        raise ValidationError(errors)
    item = TrainingItem.objects.create(
        title=title, description=(description or "").strip()[:5000], category=category, created_by=actor
    )
    item.mistakes.set(mistakes)
    TrainingAssignment.objects.bulk_create([TrainingAssignment(item=item, agent=a) for a in agents])
    record_event(
        InsightsEvent.TRAINING_CREATED,
        actor=actor,
        obj=item,
        after={
            "title": title,
            "category": category,
            "mistakes": [m.pk for m in mistakes],
            "agents": [a.pk for a in agents],
        },
    )
    return item


@transaction.atomic
def do_complete_training(assignment: TrainingAssignment, *, actor: User) -> TrainingAssignment:
    if assignment.agent_id != actor.pk:
        raise ValidationError({"assignment": "Only the agent it is assigned to marks it done."})
    # Claim it: a double click marks it done once.
    if not TrainingAssignment.objects.filter(pk=assignment.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    ):
        raise ValidationError({"assignment": "This training item is already done."})
    assignment.refresh_from_db()
    record_event(InsightsEvent.TRAINING_DONE, actor=actor, obj=assignment.item, after={"agent": actor.pk})
    return assignment
