"""Create an agent, lead or admin from the command line."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anchordesk.accounts.actions import do_create_agent
from anchordesk.accounts.choices import Role


class Command(BaseCommand):
    help = "Create a user who signs in to the agent side."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--role", choices=Role.values, default=Role.AGENT)
        parser.add_argument("--team", action="append", default=[], help="team name (repeatable)")
        parser.add_argument("--password", help="omit to be asked for it")

    def handle(
        self,
        *args: Any,
        email: str,
        name: str,
        role: str,
        team: list[str],
        password: str | None,
        **options: Any,
    ) -> None:
        if password is None:
            password = getpass.getpass("Password: ")
        try:
            user = do_create_agent(
                email=email, name=name, role=role, password=password, team_names=team, actor=None
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {user.get_role_display().lower()} {user.email} (sign in with the email address)"
            )
        )
