"""Durations as people type and read them: "2 h", "1 h 30 min", "90 min", "3 days", "1d 4h".

Settings store whole minutes; forms show and take durations with units, so nobody works out
that a two-day target is 2880. A bare number is minutes, as the fields were before.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

_UNITS = {
    "d": 1440,
    "day": 1440,
    "days": 1440,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)?")
_UNIT_WORDS = "days (d), hours (h) or minutes (min)"


def parse_duration(text: str) -> int:
    """Whole minutes in `text`, or ValueError with the reason in words."""
    cleaned = text.strip().lower().replace(" and ", " ")
    if not cleaned:
        raise ValueError("Enter a duration, for example 2 h or 1 h 30 min.")
    total = 0.0
    position = 0
    for match in _PART.finditer(cleaned):
        if cleaned[position : match.start()].strip(" ,"):
            break
        number, unit = match.group(1), match.group(2) or "min"
        if unit not in _UNITS:
            raise ValueError(f"“{unit}” is not a unit: use {_UNIT_WORDS}.")
        total += float(number.replace(",", ".")) * _UNITS[unit]
        position = match.end()
    if position == 0 or cleaned[position:].strip(" ,"):
        raise ValueError(f"“{text.strip()}” is not a duration: use {_UNIT_WORDS}, for example 1 h 30 min.")
    minutes = round(total)
    if minutes < 1:
        raise ValueError("A duration is at least 1 minute.")
    return minutes


def format_duration(minutes: int) -> str:
    """`minutes` in the largest whole units: 2880 → "2 days", 90 → "1 h 30 min"."""
    days, rest = divmod(int(minutes), 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day" if days == 1 else f"{days} days")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


class DurationField(forms.Field):
    """A duration typed with units, cleaned to whole minutes (an int), shown the same way."""

    widget = forms.TextInput

    def __init__(self, *, min_minutes: int = 1, max_minutes: int = 525_600, **kwargs: Any) -> None:
        self.min_minutes, self.max_minutes = min_minutes, max_minutes
        kwargs.setdefault("help_text", "For example 30 min, 4 h, 1 h 30 min or 2 days.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_duration(value)
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            minutes = parse_duration(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if minutes < self.min_minutes:
            raise forms.ValidationError(f"At least {format_duration(self.min_minutes)}.", code="min_value")
        if minutes > self.max_minutes:
            raise forms.ValidationError(f"At most {format_duration(self.max_minutes)}.", code="max_value")
        return minutes

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "text", "autocomplete": "off", "size": "12"}
