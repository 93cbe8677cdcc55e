"""Re-encrypt every stored secret with the first key of ANCHORDESK_ENCRYPTION_KEY (docs/admin.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from anchordesk.core.crypto import EncryptedTextField, UnreadableSecret


class Command(BaseCommand):
    help = "Re-encrypt mailbox and webhook secrets with the first ANCHORDESK_ENCRYPTION_KEY (after adding a key)."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = unreadable = 0
        for model in apps.get_models():
            names = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            if not names:
                continue
            with transaction.atomic():
                for row in model._default_manager.select_for_update().only("pk", *names):
                    values = [getattr(row, name) for name in names]
                    unreadable += sum(isinstance(v, UnreadableSecret) for v in values)
                    # Read decrypted with any key; saving encrypts with the first one.
                    row.save(update_fields=names)
                    rotated += sum(bool(v) for v in values)
        self.stdout.write(f"Re-encrypted {rotated} secret(s) with the first key.")
        if unreadable:
            self.stderr.write(
                f"{unreadable} secret(s) could not be decrypted with any configured key and were left "
                "as they are: put the old key back (after the new one) and run this again, or enter them anew."
            )
