"""Forms of the agent UI. They check the shape of the input; the ticket rules live in actions.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import Team, User
from anchordesk.core.access import validation_errors
from anchordesk.tickets.actions import MAX_BODY
from anchordesk.tickets.choices import FieldType, Priority, Status
from anchordesk.tickets.models import CustomField

# Statuses an agent can choose when sending a reply ("closed" is set by the system later).
REPLY_STATUSES = [
    (Status.OPEN.value, "Open"),
    (Status.PENDING.value, "Pending"),
    (Status.ON_HOLD.value, "On hold"),
    (Status.SOLVED.value, "Solved"),
]
_BODY_ERRORS = {"required": "Write something first."}


def assignable_agents() -> Any:
    return User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.LEAD, Role.ADMIN]).order_by(
        "first_name", "last_name", "username"
    )


error_dict = validation_errors  # the name the ticket views use


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


class ReplyForm(forms.Form):
    body = forms.CharField(max_length=MAX_BODY, strip=True, error_messages=_BODY_ERRORS)
    status = forms.ChoiceField(choices=REPLY_STATUSES, required=False)
    version = forms.IntegerField(required=False, min_value=0)
    force = forms.BooleanField(required=False)


class NoteForm(forms.Form):
    body = forms.CharField(max_length=MAX_BODY, strip=True, error_messages=_BODY_ERRORS)


class PropertiesForm(forms.Form):
    """Status, priority, assignee and team from the ticket sidebar, saved together."""

    status = forms.ChoiceField(choices=Status.choices)
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)

    def __init__(self, *args: Any, current_assignee_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agents = assignable_agents()
        if current_assignee_id is not None:
            # The ticket's own assignee stays a valid choice even once deactivated, so saving
            # another field (the priority) never unassigns the ticket behind the agent's back.
            agents = (agents | User.objects.filter(pk=current_assignee_id)).distinct()
        cast("forms.ModelChoiceField[User]", self.fields["assignee"]).queryset = agents


class SubjectForm(forms.Form):
    subject = forms.CharField(
        max_length=250, strip=True, error_messages={"required": "A subject is required."}
    )


class TagForm(forms.Form):
    op = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
    tag = forms.CharField(max_length=200, strip=True, error_messages={"required": "Type a tag."})


class TicketNumberForm(forms.Form):
    """A ticket given by its number, as agents say it: "#123" or "123"."""

    number = forms.CharField(max_length=20, strip=True, error_messages={"required": "Enter a ticket number."})

    def clean_number(self) -> int:
        raw = self.cleaned_data["number"].lstrip("#").strip()
        if not raw.isdigit():
            raise ValidationError("Enter a ticket number such as 1234.")
        return int(raw)


class MergeForm(TicketNumberForm):
    confirm = forms.BooleanField(required=False)


class LinkForm(TicketNumberForm):
    op = forms.ChoiceField(choices=[("link", "link"), ("unlink", "unlink")], required=False)


class BulkForm(forms.Form):
    OPS = [("assign", "Assign"), ("status", "Set status"), ("tag", "Add tag")]

    op = forms.ChoiceField(choices=OPS, error_messages={"required": "Choose what to change."})
    ticket = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={"required": "Select tickets first."}
    )
    assignee = forms.CharField(required=False)  # an agent id, or "none" to unassign
    status = forms.ChoiceField(choices=[("", "—"), *Status.choices], required=False)
    tag = forms.CharField(max_length=50, required=False, strip=True)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Ids are checked against what the agent may see in the view, not against a fixed list.
        ticket_field = self.fields["ticket"]
        # Field.valid_value exists only on choice fields, which the stubs' Field type does not know.
        ticket_field.valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        op = data.get("op")
        if op == "status" and not data.get("status"):
            self.add_error("status", "Choose a status.")
        if op == "tag" and not data.get("tag"):
            self.add_error("tag", "Type a tag to add.")
        if op == "assign":
            raw = (data.get("assignee") or "").strip()
            if raw == "none":
                data["assignee_user"] = None
            elif raw.isdigit() and (agent := assignable_agents().filter(pk=int(raw)).first()) is not None:
                data["assignee_user"] = agent
            else:
                self.add_error("assignee", "Choose an agent, or nobody.")
        return data


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=80, strip=True, error_messages={"required": "Name the view."})
    shared = forms.BooleanField(required=False)
    params = forms.CharField(required=False, max_length=2000)


def custom_field_inputs(definitions: list[CustomField], values: dict[str, Any]) -> list[dict[str, Any]]:
    """What the template needs to draw a typed input for each custom field."""
    rows = []
    for field in definitions:
        value = values.get(field.key)
        if field.type == FieldType.BOOLEAN:
            shown = "" if value is None else ("true" if value else "false")
        else:
            shown = "" if value is None else str(value)
        rows.append(
            {
                "key": field.key,
                "label": field.label,
                "type": field.type,
                "choices": field.choices,
                "value": shown,
                "input_type": {FieldType.NUMBER: "number", FieldType.DATE: "date"}.get(
                    FieldType(field.type), "text"
                ),
            }
        )
    return rows
