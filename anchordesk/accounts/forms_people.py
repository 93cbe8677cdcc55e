"""Forms of invitations, two-factor sign-in and the agents, teams and security settings pages."""

from __future__ import annotations

from typing import Any

from django import forms

from anchordesk.accounts.choices import Role, TeamKind
from anchordesk.accounts.models import Team, User


def _teams_field() -> forms.ModelMultipleChoiceField[Team]:
    return forms.ModelMultipleChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Pick teams from the list.",
            "invalid_pk_value": "Pick teams from the list.",
        },
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "required": "Enter the email address to invite.",
            "invalid": "Enter a valid email address.",
        },
    )
    name = forms.CharField(label="Name", max_length=150, required=False, strip=True)
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.AGENT,
        error_messages={"invalid_choice": "Pick a role."},
    )
    teams = _teams_field()


class AgentForm(forms.Form):
    role = forms.ChoiceField(
        label="Role", choices=Role.choices, error_messages={"invalid_choice": "Pick a role."}
    )
    teams = _teams_field()


class TeamForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=80, strip=True, error_messages={"required": "Give the team a name."}
    )
    kind = forms.ChoiceField(label="Kind", choices=TeamKind.choices, initial=TeamKind.SUPPORT)
    description = forms.CharField(label="Description", max_length=300, required=False, strip=True)
    email = forms.EmailField(label="Team email", max_length=254, required=False)
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Pick members from the list.",
            "invalid_pk_value": "Pick members from the list.",
        },
    )


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        label="Your name", max_length=150, strip=True, error_messages={"required": "Enter your name."}
    )
    password = forms.CharField(
        label="Password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Password again",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password a second time."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "The two passwords are not the same.")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        error_messages={"required": "Enter the code from your authenticator app, or a recovery code."},
    )


class SecurityForm(forms.Form):
    require_2fa_agent = forms.BooleanField(label="Agents", required=False)
    require_2fa_lead = forms.BooleanField(label="Leads", required=False)
    require_2fa_admin = forms.BooleanField(label="Admins", required=False)
