"""The background worker: Huey's consumer with Anchordesk's settings (SQLite or Redis queue).

Periodic jobs hold leases (anchordesk/core/leases.py) rather than Huey's owner-less locks, so
a worker killed mid-job blocks nothing for longer than JOB_LEASE_TTL. At start the worker
also drops the leases of dead processes of its own machine, so a restart resumes at once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from anchordesk.core import leases
from anchordesk.mail.models import Mailbox

log = logging.getLogger(__name__)

# Keys of Huey's `lock_task` from before leases; a worker killed while holding one left it forever.
_OLD_LOCKS = [
    "mail-sweep",
    "webhook-sweep",
    "sla-scan",
    "commitment-scan",  # the promise scan's name then (now promise-scan, which holds a lease)
    "time-rules",
    "escalation-overdue-scan",
    "handoff-overdue-scan",
    "insights-rollups",
    "insights-weekly-digest",
]


class Command(BaseCommand):
    help = "Run the background worker (periodic tasks, webhooks, mail)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument(
            "--flush-locks",
            action="store_true",
            help="drop every job lease (mailbox polls included) whoever holds it, then start; "
            "only when no other worker runs. Rarely needed: a dead worker's lease lapses by itself.",
        )
        parser.add_argument(
            "--no-reclaim",
            action="store_true",
            help="leave the leases of dead workers on this machine to lapse after JOB_LEASE_TTL "
            "(as a lease of another machine would) instead of dropping them at start",
        )

    def handle(
        self,
        *args: Any,
        workers: int | None = None,
        flush_locks: bool = False,
        no_reclaim: bool = False,
        **options: Any,
    ) -> None:
        from huey.consumer import Scheduler

        if flush_locks:
            dropped = leases.release_all()
            dropped += sorted(_flush_old_huey_locks())
            self.stdout.write(f"flushed {len(dropped)} lock(s): {', '.join(dropped) or '-'}")
            self.stdout.flush()
        elif not no_reclaim:
            reclaimed = leases.reclaim_dead_local()
            if reclaimed:
                log.warning("dropped leases of dead workers on this machine", extra={"jobs": reclaimed})
        # Huey queues periodic tasks once a minute; tests shorten it to see several runs quickly.
        Scheduler.periodic_task_seconds = max(1, settings.WORKER_TICK_SECONDS)
        extra = ["--workers", str(workers)] if workers else []
        call_command("run_huey", *extra)


def _flush_old_huey_locks() -> set[str]:
    from huey.contrib.djhuey import HUEY

    names = _OLD_LOCKS + [f"poll-mailbox-{pk}" for pk in Mailbox.objects.values_list("pk", flat=True)]
    return {f"huey:{name}" for name in HUEY.flush_locks(*names)}
