"""Portal forms. They check shape only; the ticket rules live in tickets/actions.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from anchordesk.tickets.actions import MAX_BODY

# Field names in action errors → the portal form's field names.
_ACTION_FIELDS = {"body": "message", "subject": "subject", "attachments": "attachments"}


class SignInForm(forms.Form):
    email = forms.CharField(
        max_length=254, strip=True, error_messages={"required": "Enter your email address."}
    )


_MESSAGE_ERRORS = {"required": "Write your message first."}


class NewTicketForm(forms.Form):
    subject = forms.CharField(
        max_length=250, strip=True, error_messages={"required": "Give your request a short subject."}
    )
    message = forms.CharField(
        max_length=MAX_BODY, strip=True, widget=forms.Textarea, error_messages=_MESSAGE_ERRORS
    )


class ReplyForm(forms.Form):
    message = forms.CharField(
        max_length=MAX_BODY, strip=True, widget=forms.Textarea, error_messages=_MESSAGE_ERRORS
    )


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form field it concerns."""
    for field, reasons in exc.message_dict.items():
        name = _ACTION_FIELDS.get(field)
        target = name if name in form.fields or name == "attachments" else None
        for reason in reasons:
            if target == "attachments":
                form.errors.setdefault("attachments", form.error_class()).append(reason)
            else:
                form.add_error(target, reason)


def error_messages(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}
