"""`anchordesk offboard <email> [--to <email>]`: deactivate an agent after handing over their work."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anchordesk.accounts.models import User
from anchordesk.people.actions import do_offboard_agent
from anchordesk.people.choices import Bucket
from anchordesk.people.work import PERSON_BUCKETS


class Command(BaseCommand):
    help = (
        "Offboard an agent: hand over every bucket of their open work (default decisions, or every "
        "bucket that can go to a person to --to) and deactivate them. Run by the system (no actor)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--to", default="", help="email of the agent who receives their work")
        parser.add_argument(
            "--notify-customers", action="store_true", help="tell customers who their new contact is"
        )

    def handle(self, *args: Any, email: str, to: str, notify_customers: bool, **options: Any) -> None:
        agent = User.objects.filter(email__iexact=email.strip()).first()
        if agent is None:
            raise CommandError(f"No agent with email {email}.")
        plan = None
        if to:
            heir = User.objects.filter(email__iexact=to.strip()).first()
            if heir is None:
                raise CommandError(f"No agent with email {to}.")
            plan = {bucket: "default" for bucket in Bucket.values}
            plan.update({bucket: f"user:{heir.pk}" for bucket in PERSON_BUCKETS})
            # Handoffs stay with their team's queue (the heir may not be a member); escalations go
            # to a lead only.
            plan[Bucket.HANDOFFS] = "default"
            if not heir.is_lead:
                plan[Bucket.ESCALATIONS] = "default"
        try:
            result = do_offboard_agent(
                agent, actor=None, plan=plan, source="command", notify_customers=notify_customers
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        for bucket, n in result.moved.items():
            self.stdout.write(f"{bucket}: {n} ({result.decisions[bucket]})")
        self.stdout.write(self.style.SUCCESS(f"{agent.email} is deactivated."))
