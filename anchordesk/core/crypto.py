"""Secrets at rest: Fernet encryption with keys from the environment, and a model field that uses it.

`ANCHORDESK_ENCRYPTION_KEY` holds one or more Fernet keys separated by commas. The first one
encrypts; every one of them decrypts (MultiFernet), so a key is rotated by putting the new key
first, running `anchordesk rotate_secrets`, and then dropping the old key. When the variable is
unset, a key is derived from SECRET_KEY and `anchordesk check` warns about it (docs/admin.md).

A stored value is "enc:v1:" followed by the Fernet token. A value without the prefix is legacy
plain text (written before the encryption migration) and reads as it is.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models

log = logging.getLogger(__name__)

PREFIX = "enc:v1:"
KEY_VARIABLE = "ANCHORDESK_ENCRYPTION_KEY"


class UnreadableSecret(str):
    """A stored secret that no configured key decrypts. Reads as "" but keeps the ciphertext, so
    saving the row again does not destroy it (a key put back later still opens it)."""

    ciphertext: str

    def __new__(cls, ciphertext: str) -> UnreadableSecret:
        value = super().__new__(cls, "")
        value.ciphertext = ciphertext
        return value


def derived_key(secret_key: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(b"anchordesk-encryption:" + secret_key.encode()).digest())


def configured_keys() -> list[str]:
    return [key.strip() for key in getattr(settings, KEY_VARIABLE, []) if key.strip()]


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(derived_key(secret_key))])
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{KEY_VARIABLE} must be Fernet keys (32 url-safe base64-encoded bytes), separated by commas: {exc}"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()), settings.SECRET_KEY)


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(plain: str) -> str:
    """Encrypt with the first key. "" stays "" (no secret is not a secret)."""
    if not plain:
        return ""
    return PREFIX + fernet().encrypt(plain.encode()).decode()


def reveal(stored: str) -> str:
    """Decrypt a stored value; legacy plain text reads as it is; UnreadableSecret when no key fits."""
    if not stored or not is_sealed(stored):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        log.error("a stored secret cannot be decrypted with %s (was the key changed?)", KEY_VARIABLE)
        return UnreadableSecret(stored)


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the first key (plain text gets encrypted)."""
    if not stored or isinstance(stored, UnreadableSecret):
        return stored.ciphertext if isinstance(stored, UnreadableSecret) else stored
    if not is_sealed(stored):
        return seal(stored)
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField[str, str]):
    """Text kept encrypted in the database and plain in Python. Never filter on it (except == "")."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else reveal(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and is_sealed(value):
            return reveal(value)
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableSecret):
            return value.ciphertext
        value = super().get_prep_value(value)
        if not value or is_sealed(value):
            return value
        return seal(value)


@checks.register(checks.Tags.security, deploy=False)
def check_encryption_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    keys = configured_keys()
    if not keys:
        return [
            checks.Warning(
                f"{KEY_VARIABLE} is not set: mailbox and webhook secrets are encrypted with a key "
                "derived from SECRET_KEY, so changing SECRET_KEY makes them unreadable.",
                hint="Set it to a key from `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'` and run `anchordesk rotate_secrets` (docs/admin.md).",
                id="anchordesk.W001",
            )
        ]
    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="anchordesk.E001")]
    return []
