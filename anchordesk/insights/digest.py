"""The weekly digest to leads: last week's numbers from the dashboards, by email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anchordesk.accounts.models import User
from anchordesk.insights import queries
from anchordesk.insights.queries import Dashboard, Filters
from anchordesk.mail.models import OutboundKind
from anchordesk.mail.outbox import do_queue_email


@dataclass
class DigestResult:
    queued: int  # emails written to the outbox; the worker sends them
    subject: str
    body: str


def _lines(board: Dashboard) -> list[str]:
    out = [board.title, "-" * len(board.title)]
    for stat in board.stats:
        note = f" ({stat.note})" if stat.note else ""
        out.append(f"  {stat.label}: {stat.value}{note}")
    return [*out, ""]


def build_digest(today: date | None = None) -> tuple[str, str, Filters]:
    """Subject and plain-text body for the seven days before today."""
    today = today or timezone.now().date()
    filters = Filters(start=today - timedelta(days=7), end=today - timedelta(days=1))
    lines = [f"Anchordesk weekly digest, {filters.as_text()}", ""]
    for key in ("overview", "temperature", "promises", "mistakes"):
        lines += _lines(queries.DASHBOARDS[key](filters))
    lines.append(
        f"Dashboards: {settings.SITE_URL}/insights/overview/?range=custom&start={filters.start}&end={filters.end}"
    )
    lines.append(
        f"Blameless review: {settings.SITE_URL}/insights/review/?start={filters.start}&end={filters.end}"
    )
    return f"Weekly digest: {filters.as_text()}", "\n".join(lines) + "\n", filters


def lead_addresses() -> list[str]:
    leads = User.objects.filter(is_active=True, role__in=["lead", "admin"]).exclude(email="")
    return sorted({u.email for u in leads})


def send_weekly_digest(today: date | None = None) -> DigestResult:
    """One email per lead (addresses are not shared), queued together in the durable outbox."""
    subject, body, _ = build_digest(today)
    with transaction.atomic():
        rows = [
            row
            for address in lead_addresses()
            for row in do_queue_email(kind=OutboundKind.DIGEST, to=[address], subject=subject, body=body)
        ]
    return DigestResult(queued=len(rows), subject=subject, body=body)
