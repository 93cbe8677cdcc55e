"""The mailbox form for admins. Secrets are write-only: the form shows whether one is set, takes a
replacement, or clears it; it never renders a stored (or a just-typed) secret back to the page."""

from __future__ import annotations

import secrets as _secrets
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from anchordesk.mail.models import Mailbox

# field name -> (label, help) of each write-only secret
SECRETS: dict[str, tuple[str, str]] = {
    "password": ("Password", "The IMAP password (or an app password)."),
    "oauth2_token": ("OAuth2 token", "For providers that need XOAUTH2; used instead of the password."),
    "push_secret": (
        "Push secret",
        "Providers that push mail to /mail/inbound/<id> send it in the X-Anchordesk-Secret header.",
    ),
}
PUSH_SECRET_MIN = 16


class MailboxForm(forms.ModelForm[Mailbox]):
    port = forms.IntegerField(
        initial=993,
        validators=[MinValueValidator(1), MaxValueValidator(65535)],
        help_text="993 for TLS (IMAPS), 143 for STARTTLS or none.",
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "team",
            "host",
            "port",
            "security",
            "username",
            "folder",
            "processed_folder",
            "active",
        ]
        help_texts = {
            "host": "The IMAP server, e.g. imap.example.com. Empty: the mailbox only gets push or pipe mail.",
            "folder": "Where new mail arrives.",
            "processed_folder": "Where processed mail is moved to. Empty: it stays, flagged as processed.",
            "team": "New tickets from this address go to this team.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in SECRETS.items():
            self.fields[f"{name}_new"] = forms.CharField(
                label=f"New {label.lower()}" if self.is_set(name) else label,
                required=False,
                strip=False,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                help_text=help_text,
            )
            self.fields[f"{name}_clear"] = forms.BooleanField(
                label=f"Clear the {label.lower()}", required=False
            )
        self.fields["push_secret_generate"] = forms.BooleanField(
            label="Generate a new push secret (shown once)", required=False
        )
        self.generated_push_secret = ""

    def is_set(self, name: str) -> bool:
        """Whether the stored mailbox has this secret (an undecryptable one counts as set)."""
        if self.instance.pk is None:
            return False
        value = getattr(self.instance, name)
        return bool(value) or bool(getattr(value, "ciphertext", ""))

    def secret_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "label": label,
                "is_set": self.is_set(name),
                "new": self[f"{name}_new"],
                "clear": self[f"{name}_clear"],
            }
            for name, (label, _help) in SECRETS.items()
        ]

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError("Give the mailbox a name.")
        return name

    def clean_host(self) -> str:
        host = (self.cleaned_data.get("host") or "").strip()
        if any(c.isspace() or c in "/:@" for c in host):
            raise forms.ValidationError(
                "Only the server's name, e.g. imap.example.com (no scheme, port or path)."
            )
        return host

    def clean_folder(self) -> str:
        folder = (self.cleaned_data.get("folder") or "").strip()
        if not folder:
            raise forms.ValidationError("Name the folder new mail arrives in (usually INBOX).")
        return folder

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, (label, _help) in SECRETS.items():
            if data.get(f"{name}_new") and data.get(f"{name}_clear"):
                self.add_error(f"{name}_clear", f"Either enter a new {label.lower()} or clear it, not both.")
        push = data.get("push_secret_new") or ""
        if push and len(push) < PUSH_SECRET_MIN:
            self.add_error("push_secret_new", f"Use at least {PUSH_SECRET_MIN} characters, or generate one.")
        if data.get("push_secret_generate") and (push or data.get("push_secret_clear")):
            self.add_error("push_secret_generate", "Generate, enter or clear the push secret: one of them.")
        if data.get("host"):
            if not (data.get("username") or "").strip():
                self.add_error("username", "Enter the user name to sign in to the IMAP server with.")
            will_have = {
                name: bool(data.get(f"{name}_new")) or (self.is_set(name) and not data.get(f"{name}_clear"))
                for name in ("password", "oauth2_token")
            }
            if not any(will_have.values()):
                self.add_error("password_new", "Enter the password (or an OAuth2 token) to sign in with.")
        return data

    def secret_changes(self) -> dict[str, str]:
        """{field: new value} for the secrets to replace ("" clears); the others stay as they are."""
        changes: dict[str, str] = {}
        for name in SECRETS:
            if self.cleaned_data.get(f"{name}_clear"):
                changes[name] = ""
            elif self.cleaned_data.get(f"{name}_new"):
                changes[name] = self.cleaned_data[f"{name}_new"]
        if self.cleaned_data.get("push_secret_generate"):
            self.generated_push_secret = _secrets.token_urlsafe(32)
            changes["push_secret"] = self.generated_push_secret
        return changes
