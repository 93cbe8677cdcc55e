"""Validation of custom field values against their admin-defined types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from anchordesk.tickets.choices import FieldType
from anchordesk.tickets.models import CustomField


def clean_field_values(values: dict[str, Any]) -> dict[str, Any]:
    """Return JSON-safe typed values, or raise ValidationError naming each bad field."""
    definitions = {f.key: f for f in CustomField.objects.filter(key__in=list(values), active=True)}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key, raw in values.items():
        field = definitions.get(key)
        if field is None:
            errors[f"fields.{key}"] = "No such custom field."
            continue
        if raw is None or raw == "":
            cleaned[key] = None
            continue
        try:
            cleaned[key] = _coerce(field, raw)
        except (ValueError, InvalidOperation) as exc:
            errors[f"fields.{key}"] = str(exc) or f"Not a valid {field.get_type_display().lower()}."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _coerce(field: CustomField, raw: Any) -> Any:
    if field.type == FieldType.TEXT:
        return str(raw)[:2000]
    if field.type == FieldType.NUMBER:
        if isinstance(raw, bool):
            raise ValueError("Not a number.")
        number = Decimal(str(raw))
        if not number.is_finite():
            raise ValueError("Not a number.")
        return float(number) if number % 1 else int(number)
    if field.type == FieldType.DATE:
        return date.fromisoformat(str(raw)).isoformat()
    if field.type == FieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off"}:
            return False
        raise ValueError("Not yes or no.")
    if field.type == FieldType.CHOICE:
        if str(raw) not in field.choices:
            raise ValueError(f"Must be one of: {', '.join(map(str, field.choices))}.")
        return str(raw)
    raise ValueError("Unknown field type.")
