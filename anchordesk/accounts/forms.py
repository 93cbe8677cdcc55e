"""Forms of the agent sign-in and account pages."""

from __future__ import annotations

from django import forms


class SignInForm(forms.Form):
    email = forms.CharField(
        label="Email", max_length=254, strip=True, error_messages={"required": "Enter your email address."}
    )
    password = forms.CharField(
        label="Password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password."},
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        strip=True,
        error_messages={"required": "Give the token a name, such as the script that will use it."},
    )
