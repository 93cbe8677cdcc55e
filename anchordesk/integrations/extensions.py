"""What integrations plugs into the foundation's extension points (docs/ARCHITECTURE.md);
registered by IntegrationsConfig.ready()."""

from __future__ import annotations

from anchordesk.core.registry import register_outward_event
from anchordesk.integrations.enqueue import do_queue_webhook_event


def register() -> None:
    register_outward_event(do_queue_webhook_event)
