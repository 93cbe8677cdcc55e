"""What people plugs into the foundation's extension points (docs/ARCHITECTURE.md); registered by
PeopleConfig.ready()."""

from __future__ import annotations

from anchordesk.core.registry import register_offboard_agent
from anchordesk.people.actions import do_offboard_agent


def register() -> None:
    # accounts.do_deactivate_agent (the admin, single sign-on) hands over the agent's work this way.
    register_offboard_agent(do_offboard_agent)
