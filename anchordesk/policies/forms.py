"""Forms: the policy editor, and the decision form generated from a policy's inputs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from anchordesk.accounts.choices import Role
from anchordesk.accounts.models import Team
from anchordesk.policies.actions import MAX_LIMIT_COUNT, MAX_PERIOD_DAYS
from anchordesk.policies.choices import LIMIT_PERIOD_DAYS, LIMITED_ROLES
from anchordesk.policies.engine import CompiledPolicy, InputSpec
from anchordesk.policies.engine_runtime import coerce_input, is_blank
from anchordesk.policies.queries import RoleLimit

_JSON_HELP = 'A JSON list, for example [{"name": "delivered_on", "label": "Delivery date", "type": "date"}]'


class PolicyForm(forms.Form):
    """A policy definition in the fields people write it in; the engine checks it on save."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    plain_text = forms.CharField(
        required=False,
        label="Plain-language text",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The policy as you would explain it to an agent or a customer.",
    )
    inputs = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), help_text=_JSON_HELP, initial="[]")
    rules = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        help_text="One rule per line; see docs/policies-rules.md.",
    )
    exception_reasons = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        initial="[]",
        help_text='[{"code": "carrier_lost", "label": "Carrier lost the parcel", "outside_customer_control": true}]',
    )
    alternatives = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What to offer when the answer is no; one per line.",
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Whose agents it concerns",
        help_text="They are told of each change and asked to acknowledge it. None ticked: every agent. "
        "Leads and admins are always told.",
    )

    def _json_list(self, field: str) -> list[Any]:
        raw = (self.cleaned_data.get(field) or "").strip() or "[]"
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        if not isinstance(value, list):
            raise ValidationError("must be a JSON list")
        return value

    def clean_inputs(self) -> list[Any]:
        return self._json_list("inputs")

    def clean_exception_reasons(self) -> list[Any]:
        return self._json_list("exception_reasons")

    def clean_alternatives(self) -> list[str]:
        raw = self.cleaned_data.get("alternatives") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def definition(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data.get("description") or "",
            "inputs": data["inputs"],
            "rules": (data.get("rules") or "").replace("\r\n", "\n"),
            "exception_reasons": data["exception_reasons"],
            "alternatives": data["alternatives"],
        }

    @classmethod
    def initial_from(
        cls, definition: Mapping[str, Any], plain_text: str, teams: Sequence[Team] = ()
    ) -> dict[str, Any]:
        return {
            "teams": list(teams),
            "name": definition.get("name", ""),
            "description": definition.get("description", ""),
            "plain_text": plain_text,
            "inputs": json.dumps(definition.get("inputs", []), indent=2),
            "rules": definition.get("rules", ""),
            "exception_reasons": json.dumps(definition.get("exception_reasons", []), indent=2),
            "alternatives": "\n".join(definition.get("alternatives", [])),
        }


def _field_for(spec: InputSpec) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": False}
    if spec.type == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.type in ("amount", "count"):
        step = "0.01" if spec.type == "amount" else "1"
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "data-step": step}), **common
        )
    if spec.type == "boolean":
        return forms.ChoiceField(choices=[("", "—"), ("yes", "Yes"), ("no", "No")], **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=[("", "—"), *[(o, o) for o in spec.options]], **common)
    return forms.CharField(max_length=500, **common)


class DecisionForm(forms.Form):
    """One field per policy input. Missing values are allowed (the engine answers "needs ..."),
    values that cannot be read are refused with the engine's reason."""

    def __init__(self, policy: CompiledPolicy, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        for spec in policy.inputs:
            field = _field_for(spec)
            if spec.required:
                field.help_text = "Needed to decide"
            self.fields[spec.name] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.policy.inputs:
            raw = data.get(spec.name)
            if is_blank(raw):
                data[spec.name] = ""
                continue
            _, error = coerce_input(spec, raw)
            if error is not None:
                self.add_error(spec.name, error)
        return data

    def inputs(self) -> dict[str, object]:
        return {spec.name: self.cleaned_data.get(spec.name, "") for spec in self.policy.inputs}


def prefill(policy: CompiledPolicy, known: Mapping[str, object]) -> dict[str, object]:
    """Initial values for inputs whose names the ticket already knows (its custom fields)."""
    return {spec.name: known[spec.name] for spec in policy.inputs if known.get(spec.name) not in (None, "")}


class AuthorityLimitsForm(forms.Form):
    """The agent, lead and admin limits on one form: fields named "<role>-max_amount",
    "<role>-max_count" and "<role>-period_days". Empty amount or count means no limit; the
    action checks the rules across roles."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in LIMITED_ROLES:
            label = Role(role).label
            self.fields[f"{role}-max_amount"] = forms.DecimalField(
                label=f"{label}: amount per exception",
                required=False,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "no limit"}),
            )
            self.fields[f"{role}-max_count"] = forms.IntegerField(
                label=f"{label}: exceptions per period",
                required=False,
                min_value=0,
                max_value=MAX_LIMIT_COUNT,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "no limit"}),
            )
            self.fields[f"{role}-period_days"] = forms.IntegerField(
                label=f"{label}: period in days",
                min_value=1,
                max_value=MAX_PERIOD_DAYS,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )

    @classmethod
    def initial_from(cls, limits: list[RoleLimit]) -> dict[str, object]:
        initial: dict[str, object] = {}
        for limit in limits:
            initial[f"{limit.role}-max_amount"] = limit.max_amount
            initial[f"{limit.role}-max_count"] = limit.max_count
            initial[f"{limit.role}-period_days"] = limit.period_days
        return initial

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields per role, for a table with one row per role."""
        return [
            {
                "role": Role(role).label,
                "fields": [self[f"{role}-{name}"] for name in ("max_amount", "max_count", "period_days")],
            }
            for role in LIMITED_ROLES
        ]

    def limits(self) -> list[RoleLimit]:
        data = self.cleaned_data
        return [
            RoleLimit(
                role,
                data.get(f"{role}-max_amount"),
                data.get(f"{role}-max_count"),
                data.get(f"{role}-period_days") or LIMIT_PERIOD_DAYS,
            )
            for role in LIMITED_ROLES
        ]
