"""Forms for the automation settings pages. They turn rows of plain words into rule data and back;
the actions in actions.py decide what is allowed.

A rule's conditions and actions are edited as rows (a field, an operator and a value; an
action and its value). Values are typed in the words an admin uses: a priority by name
("Urgent"), a team by name, an agent by email, tags separated by commas.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from anchordesk.accounts.models import Organization, Team, User
from anchordesk.automation.choices import ACTIONS, TRIGGER_EVENTS, Strategy
from anchordesk.automation.conditions import FIELDS, OPERATORS
from anchordesk.automation.placeholders import KNOWN
from anchordesk.integrations.models import Webhook
from anchordesk.tickets.choices import Priority, Status

ROWS_EXTRA = 3

ACTION_LABELS = {
    "set_priority": "Set priority",
    "set_status": "Set status",
    "set_team": "Set team",
    "set_assignee": "Assign to",
    "add_tags": "Add tags",
    "remove_tags": "Remove tags",
    "add_note": "Add internal note",
    "email_customer": "Email the customer",
    "call_webhook": "Call webhook",
}
FIELD_LABELS = {
    "event": "Event",
    "status": "Status",
    "priority": "Priority",
    "channel": "Channel",
    "team": "Team",
    "assignee": "Assignee",
    "tags": "Tags",
    "subject": "Subject",
    "organization": "Organization",
    "tier": "Customer tier",
    "hours_since_update": "Hours since last update",
    "hours_since_created": "Hours since created",
    "hours_since_customer_message": "Hours since the customer wrote",
    "temperature": "Temperature",
}
# What kind of value each condition field and action takes, for parsing and showing it.
_FIELD_KINDS = {"priority": "priority", "status": "status", "team": "team", "assignee": "agent"}
_FIELD_KINDS["organization"] = "organization"
_ACTION_KINDS = {
    "set_priority": "priority",
    "set_status": "status",
    "set_team": "team",
    "set_assignee": "agent",
    "add_tags": "list",
    "remove_tags": "list",
    "add_note": "text",
    "email_customer": "text",
    "call_webhook": "webhook",
}
_LIST_OPS = {"in", "not_in"}


def _one(kind: str, text: str) -> Any:
    """One value in an admin's words → the value a rule stores. Raises ValidationError with the reason."""
    text = text.strip()
    if kind == "priority":
        by_name = {label.lower(): value for value, label in Priority.choices}
        if text.lower() in by_name:
            return by_name[text.lower()]
        if text.isdigit() and int(text) in Priority.values:
            return int(text)
        raise forms.ValidationError(f"{text!r} is not a priority: use Low, Normal, High or Urgent.")
    if kind == "status":
        statuses = {str(label).lower(): str(value) for value, label in Status.choices}
        statuses |= {str(v): str(v) for v in Status.values}
        found = statuses.get(text.lower().replace(" ", "_")) or statuses.get(text.lower())
        if found is None:
            raise forms.ValidationError(f"{text!r} is not a status: use {', '.join(Status.labels)}.")
        return found
    if kind == "team":
        team = Team.objects.filter(name__iexact=text).first()
        if team is None:
            raise forms.ValidationError(f"There is no team named {text!r}.")
        return team.pk
    if kind == "organization":
        organization = Organization.objects.filter(name__iexact=text).first()
        if organization is None:
            raise forms.ValidationError(f"There is no organization named {text!r}.")
        return organization.pk
    if kind == "agent":
        agent = User.objects.filter(Q(email__iexact=text) | Q(username__iexact=text), is_active=True).first()
        if agent is None or not agent.works_tickets:
            raise forms.ValidationError(f"There is no agent with the email or user name {text!r}.")
        return agent.pk
    if kind == "webhook":
        webhook = Webhook.objects.filter(Q(url=text) | Q(description__iexact=text)).first()
        if webhook is None:
            raise forms.ValidationError(f"There is no webhook with the URL or description {text!r}.")
        return webhook.pk
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise forms.ValidationError(f"{text!r} is not a number.") from None
        return int(number) if number.is_integer() else number
    return text


def _show_one(kind: str, value: Any) -> str:
    """A stored value back in an admin's words, for the edit form."""
    if value is None:
        return ""
    if kind == "priority" and value in Priority.values:
        return str(Priority(value).label)
    if kind == "status" and value in Status.values:
        return str(Status(value).label)
    if kind == "team":
        return str(Team.objects.filter(pk=value).values_list("name", flat=True).first() or value)
    if kind == "organization":
        return str(Organization.objects.filter(pk=value).values_list("name", flat=True).first() or value)
    if kind == "agent":
        return str(User.objects.filter(pk=value).values_list("email", flat=True).first() or value)
    if kind == "webhook":
        return str(Webhook.objects.filter(pk=value).values_list("url", flat=True).first() or value)
    return str(value)


def _field_kind(field: str) -> str:
    return _FIELD_KINDS.get(field) or ("number" if FIELDS.get(field) == "number" else "text")


class ConditionRowForm(forms.Form):
    group = forms.ChoiceField(choices=[("all", "Must hold"), ("any", "One of these")], initial="all")
    field = forms.ChoiceField(choices=[("", "—"), *FIELD_LABELS.items()], required=False)
    op = forms.ChoiceField(choices=[("", "—"), *OPERATORS.items()], required=False, label="Operator")
    value = forms.CharField(required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        field, op, text = cleaned.get("field"), cleaned.get("op"), (cleaned.get("value") or "").strip()
        if not field and not op and not text:
            cleaned["condition"] = None  # an empty row
            return cleaned
        if not field:
            self.add_error("field", "Choose what to test.")
            return cleaned
        if not op:
            self.add_error("op", "Choose how to test it.")
            return cleaned
        if op == "changed":
            cleaned["condition"] = {"field": field, "op": op}
            return cleaned
        if not text:
            self.add_error("value", f"Give the value that {FIELD_LABELS[field].lower()} is compared with.")
            return cleaned
        kind = _field_kind(field)
        if op in {"gt", "lt"} and kind != "number":
            self.add_error("op", f"{FIELD_LABELS[field]} is not a number; use “is” or “contains”.")
            return cleaned
        try:
            if op in _LIST_OPS:
                value: Any = [_one(kind, part) for part in text.split(",") if part.strip()]
            elif field == "tags":
                value = text.lower()
            else:
                value = _one(kind, text)
        except forms.ValidationError as exc:
            self.add_error("value", exc)
            return cleaned
        cleaned["condition"] = {"field": field, "op": op, "value": value}
        return cleaned

    @staticmethod
    def initial_for(group: str, condition: dict[str, Any]) -> dict[str, Any]:
        field = str(condition.get("field", ""))
        value = condition.get("value")
        kind = _field_kind(field)
        shown = (
            ", ".join(_show_one(kind, v) for v in value)
            if isinstance(value, list)
            else _show_one(kind, value)
        )
        return {"group": group, "field": field, "op": condition.get("op", ""), "value": shown}


class ActionRowForm(forms.Form):
    type = forms.ChoiceField(choices=[("", "—"), *ACTION_LABELS.items()], required=False, label="Action")
    value = forms.CharField(required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, text = cleaned.get("type"), (cleaned.get("value") or "").strip()
        if not kind and not text:
            cleaned["action"] = None
            return cleaned
        if not kind:
            self.add_error("type", "Choose an action.")
            return cleaned
        value_kind = _ACTION_KINDS[kind]
        if not text and kind not in {"set_team", "set_assignee"}:
            self.add_error("value", "This action needs a value.")
            return cleaned
        try:
            if value_kind == "list":
                value: Any = sorted({t.strip().lower() for t in text.split(",") if t.strip()})
            elif not text:
                value = None  # "Set team" / "Assign to" with nothing: clear it
            else:
                value = _one(value_kind, text)
        except forms.ValidationError as exc:
            self.add_error("value", exc)
            return cleaned
        cleaned["action"] = {"type": kind, "value": value}
        return cleaned

    @staticmethod
    def initial_for(action: dict[str, Any]) -> dict[str, Any]:
        kind = str(action.get("type", ""))
        value = action.get("value")
        shown = (
            ", ".join(map(str, value))
            if isinstance(value, list)
            else _show_one(_ACTION_KINDS.get(kind, "text"), value)
        )
        return {"type": kind, "value": shown}


ConditionRows = forms.formset_factory(ConditionRowForm, extra=ROWS_EXTRA, max_num=20, absolute_max=40)
ActionRows = forms.formset_factory(ActionRowForm, extra=ROWS_EXTRA, max_num=20, absolute_max=40)


def condition_rows(
    data: Any = None, conditions: dict[str, Any] | None = None
) -> forms.BaseFormSet[ConditionRowForm]:
    initial = [
        ConditionRowForm.initial_for(group, c)
        for group in ("all", "any")
        for c in (conditions or {}).get(group, [])
    ]
    return ConditionRows(data, prefix="cond", initial=initial or None)


def action_rows(
    data: Any = None, actions: list[dict[str, Any]] | None = None
) -> forms.BaseFormSet[ActionRowForm]:
    initial = [ActionRowForm.initial_for(a) for a in actions or []]
    return ActionRows(data, prefix="act", initial=initial or None)


def conditions_from(rows: forms.BaseFormSet[ConditionRowForm]) -> dict[str, Any]:
    conditions: dict[str, Any] = {"all": [], "any": []}
    for row in rows.forms:
        condition = row.cleaned_data.get("condition")
        if condition:
            conditions[row.cleaned_data.get("group") or "all"].append(condition)
    return {group: items for group, items in conditions.items() if items}


def actions_from(rows: forms.BaseFormSet[ActionRowForm]) -> list[dict[str, Any]]:
    return [row.cleaned_data["action"] for row in rows.forms if row.cleaned_data.get("action")]


class TriggerForm(forms.Form):
    name = forms.CharField(max_length=120)
    events = forms.MultipleChoiceField(
        choices=TRIGGER_EVENTS,
        widget=forms.CheckboxSelectMultiple,
        label="When",
        error_messages={"required": "Choose at least one event."},
    )
    position = forms.IntegerField(min_value=0, max_value=10_000, initial=0, help_text="Lower runs first.")
    active = forms.BooleanField(required=False, initial=True)


class TimeRuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    active = forms.BooleanField(required=False, initial=True)


def _placeholder_help() -> str:
    return "Placeholders: " + ", ".join("{{" + key + "}}" for key in KNOWN) + "."


class MacroForm(forms.Form):
    name = forms.CharField(max_length=120)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), label="Reply text", help_text=_placeholder_help()
    )
    scope = forms.ChoiceField(label="Who may use it")
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("personal", "Only me (personal)")]
        if user.is_lead:
            choices.append(("shared", "Everyone"))
            choices += [(f"team:{t.pk}", f"Team {t.name}") for t in Team.objects.all()]
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices

    def scope_values(self) -> tuple[bool, int | None]:
        """(personal, team id) from the chosen scope."""
        scope = self.cleaned_data["scope"]
        if scope == "personal":
            return True, None
        if scope.startswith("team:"):
            return False, int(scope.split(":", 1)[1])
        return False, None


def scope_of(personal: bool, team_id: int | None) -> str:
    if personal:
        return "personal"
    return f"team:{team_id}" if team_id else "shared"


class AssignmentForm(forms.Form):
    strategy = forms.ChoiceField(choices=Strategy.choices, label="Assignment")


class AgentRoutingForm(forms.Form):
    on_shift = forms.BooleanField(required=False)
    away = forms.BooleanField(required=False)
    capacity = forms.IntegerField(
        min_value=0,
        max_value=1000,
        help_text="Most open tickets this agent holds before others get new ones.",
    )
    skills = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Comma separated; matched against ticket tags and the customer's language.",
    )

    def clean_skills(self) -> list[str]:
        return [s for s in self.cleaned_data["skills"].split(",") if s.strip()]


_ACTION_WORDS = {
    "set_priority": "Low, Normal, High or Urgent",
    "set_status": ", ".join(str(label) for label in Status.labels),
    "set_team": "a team's name (empty: no team)",
    "set_assignee": "an agent's email (empty: unassign)",
    "add_tags": "tags, comma separated",
    "remove_tags": "tags, comma separated",
    "add_note": "the note's text",
    "email_customer": "the email's text; placeholders such as {{customer.first_name}} and {{ticket.number}} work",
    "call_webhook": "a webhook's URL or description (Settings → Webhooks)",
}


def action_words() -> dict[str, str]:
    """What each action's value is, for the help text beside the rows."""
    return {ACTION_LABELS[kind]: _ACTION_WORDS[kind] for kind in ACTIONS}


def describe_actions(actions: list[dict[str, Any]]) -> str:
    """A rule's or macro's actions in plain words, for lists and the reply box."""
    parts = []
    for action in actions:
        kind = str(action.get("type"))
        value = action.get("value")
        if isinstance(value, list):
            shown = ", ".join(map(str, value))
        elif value is None:
            shown = "none"
        else:
            shown = _show_one(_ACTION_KINDS.get(kind, "text"), value)
        parts.append(f"{ACTION_LABELS.get(kind, kind).lower()}: {shown}")
    return "; ".join(parts)
