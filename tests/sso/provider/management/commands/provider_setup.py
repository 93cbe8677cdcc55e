"""Set up the test provider: a confidential client, and users with the groups a test wants.

provider_setup client <client_id> <secret> <redirect_uri>
provider_setup user <username> <password> <email> "<First Last>" [group ...]
provider_setup groups <username> [group ...]
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser
from oidc_provider.models import Client, ResponseType


class Command(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["client", "user", "groups"])
        parser.add_argument("values", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        what, values = options["what"], list(options["values"])
        if what == "client":
            client_id, secret, redirect_uri = values
            client, _ = Client.objects.update_or_create(
                client_id=client_id,
                defaults={
                    "name": "Anchordesk",
                    "client_type": "confidential",
                    "client_secret": secret,
                    "jwt_alg": "RS256",
                    "require_consent": True,
                    "reuse_consent": False,
                },
            )
            client.redirect_uris = [redirect_uri]
            client.scope = ["openid", "email", "profile", "groups"]
            client.save()
            client.response_types.set([ResponseType.objects.get(value="code")])
        elif what == "user":
            username, password, email, name, *groups = values
            first, _, last = name.partition(" ")
            user, _ = User.objects.update_or_create(
                username=username, defaults={"email": email, "first_name": first, "last_name": last}
            )
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])
        else:
            username, *groups = values
            User.objects.get(username=username).groups.set(
                [Group.objects.get_or_create(name=g)[0] for g in groups]
            )
