"""The blameless review: mistakes of a period grouped by category, with what came of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Q

from anchordesk.accounts.models import User
from anchordesk.insights.models import TrainingAssignment, TrainingItem
from anchordesk.recovery.choices import MistakeCategory
from anchordesk.recovery.models import Mistake


@dataclass
class CategoryGroup:
    category: str
    label: str
    mistakes: list[Mistake]
    training: list[TrainingItem] = field(default_factory=list)

    @property
    def recovered(self) -> int:
        return sum(1 for m in self.mistakes if m.recovered_at is not None)

    @property
    def reviewed(self) -> int:
        return sum(1 for m in self.mistakes if m.learning)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def get_review(start: date, end: date) -> list[CategoryGroup]:
    """Largest groups first: a pattern shows as a category with many mistakes."""
    lo, hi = _bounds(start, end)
    mistakes = list(
        Mistake.objects.filter(created_at__gte=lo, created_at__lt=hi)
        .select_related("ticket", "logged_by", "reviewed_by")
        .prefetch_related("training_items")
        .order_by("-created_at")[:1000]
    )
    labels = dict(MistakeCategory.choices)
    groups: dict[str, CategoryGroup] = {}
    for m in mistakes:
        group = groups.setdefault(
            m.category, CategoryGroup(m.category, labels.get(m.category, m.category), [])
        )
        group.mistakes.append(m)
    items = (
        TrainingItem.objects.filter(category__in=list(groups))
        .annotate(
            assigned=Count("assignments"),
            done=Count("assignments", filter=Q(assignments__done_at__isnull=False)),
        )
        .order_by("-created_at")
    )
    for item in items:
        groups[item.category].training.append(item)
    return sorted(groups.values(), key=lambda g: (-len(g.mistakes), g.label))


def training_for(agent: User) -> list[TrainingAssignment]:
    return list(
        TrainingAssignment.objects.filter(agent=agent)
        .select_related("item", "item__created_by")
        .prefetch_related("item__mistakes")
        .order_by("done_at", "-created_at")
    )
