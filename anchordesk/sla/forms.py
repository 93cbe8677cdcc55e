"""Forms for the SLA settings pages. They parse and check shapes; the actions decide."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms

from anchordesk import business_clock as clock
from anchordesk.accounts.choices import Tier
from anchordesk.accounts.models import Organization, Team
from anchordesk.core.durations import DurationField
from anchordesk.sla.actions import CalendarData, PolicyData
from anchordesk.sla.models import BusinessCalendar, SlaPolicy
from anchordesk.tickets.choices import Channel, Priority

DAY_LABELS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_RANGE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


def format_day(intervals: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in intervals)


def parse_day(text: str) -> list[list[str]]:
    """'09:00-12:00, 13:00-17:00' → [["09:00", "12:00"], ["13:00", "17:00"]]; empty means closed."""
    intervals = []
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if not match:
            raise forms.ValidationError(
                f"Write hours as 09:00-17:00, separated by commas (got {part.strip()!r})."
            )
        intervals.append([match[1], match[2]])
    try:
        clock.BusinessCalendar.from_dict({"hours": {"mon": intervals}})
    except ValueError as exc:
        raise forms.ValidationError(str(exc).replace(" on mon", "")) from exc
    return intervals


class CalendarForm(forms.Form):
    name = forms.CharField(max_length=80)
    timezone = forms.CharField(max_length=64, initial="UTC", help_text="An IANA zone, such as Europe/Berlin.")
    mon = forms.CharField(required=False, label="Monday", initial="09:00-17:00")
    tue = forms.CharField(required=False, label="Tuesday", initial="09:00-17:00")
    wed = forms.CharField(required=False, label="Wednesday", initial="09:00-17:00")
    thu = forms.CharField(required=False, label="Thursday", initial="09:00-17:00")
    fri = forms.CharField(required=False, label="Friday", initial="09:00-17:00")
    sat = forms.CharField(required=False, label="Saturday")
    sun = forms.CharField(required=False, label="Sunday")
    holidays = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One date a line (2026-12-25); anything after the date is a label for you.",
    )
    is_default = forms.BooleanField(required=False, label="Default calendar for teams without their own")
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)

    @classmethod
    def initial_for(cls, calendar: BusinessCalendar) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": calendar.name,
            "timezone": calendar.timezone,
            "holidays": "\n".join(calendar.holidays),
            "is_default": calendar.is_default,
            "teams": list(calendar.teams.all()),
        }
        for day in DAY_LABELS:
            initial[day] = format_day(calendar.hours.get(day, []))
        return initial

    def clean_timezone(self) -> str:
        zone: str = self.cleaned_data["timezone"].strip()
        try:
            clock.BusinessCalendar(tz=zone)
        except ValueError as exc:
            raise forms.ValidationError(
                f"Unknown time zone {zone!r}; use a name such as Europe/Berlin."
            ) from exc
        return zone

    def clean_holidays(self) -> list[str]:
        days = []
        for number, line in enumerate(self.cleaned_data["holidays"].splitlines(), start=1):
            if not line.strip():
                continue
            first = line.split()[0]
            try:
                days.append(date.fromisoformat(first).isoformat())
            except ValueError as exc:
                raise forms.ValidationError(
                    f"Line {number}: {first!r} is not a date like 2026-12-25."
                ) from exc
        return sorted(set(days))

    def _clean_day(self, day: str) -> list[list[str]]:
        return parse_day(self.cleaned_data.get(day, ""))

    def clean_mon(self) -> list[list[str]]:
        return self._clean_day("mon")

    def clean_tue(self) -> list[list[str]]:
        return self._clean_day("tue")

    def clean_wed(self) -> list[list[str]]:
        return self._clean_day("wed")

    def clean_thu(self) -> list[list[str]]:
        return self._clean_day("thu")

    def clean_fri(self) -> list[list[str]]:
        return self._clean_day("fri")

    def clean_sat(self) -> list[list[str]]:
        return self._clean_day("sat")

    def clean_sun(self) -> list[list[str]]:
        return self._clean_day("sun")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(cleaned.get(day) for day in DAY_LABELS):
            self.add_error("mon", "Give at least one day working hours (00:00-24:00 is the whole day).")
        return cleaned

    def to_data(self) -> CalendarData:
        c = self.cleaned_data
        return CalendarData(
            name=c["name"],
            timezone=c["timezone"],
            hours={day: c[day] for day in DAY_LABELS if c[day]},
            holidays=c["holidays"],
            is_default=c["is_default"],
            teams=list(c["teams"]),
        )


class PolicyForm(forms.Form):
    name = forms.CharField(max_length=80)
    description = forms.CharField(max_length=300, required=False)
    position = forms.IntegerField(
        min_value=0, initial=0, help_text="Lower comes first; the first match wins."
    )
    active = forms.BooleanField(required=False, initial=True)
    priorities = forms.TypedMultipleChoiceField(
        choices=Priority.choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    tiers = forms.MultipleChoiceField(
        choices=Tier.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    organizations = forms.ModelMultipleChoiceField(queryset=Organization.objects.all(), required=False)
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)
    # Typed and shown with units ("4 h", "2 days"), stored as minutes.
    first_response_minutes = DurationField(required=False, label="First response")
    next_reply_minutes = DurationField(required=False, label="Next reply")
    resolution_minutes = DurationField(required=False, label="Resolution")
    business_hours = forms.TypedChoiceField(
        choices=[("1", "Business hours"), ("0", "Calendar time (24/7)")],
        coerce=lambda v: v == "1",
        initial="1",
        label="Count time in",
    )
    calendar = forms.ModelChoiceField(
        queryset=BusinessCalendar.objects.all(),
        required=False,
        help_text="Empty: the ticket team's calendar, else the default calendar.",
    )
    warn_percent = forms.IntegerField(min_value=0, max_value=99, initial=75, label="Warn at (% of target)")

    @classmethod
    def initial_for(cls, policy: SlaPolicy) -> dict[str, Any]:
        return {
            "name": policy.name,
            "description": policy.description,
            "position": policy.position,
            "active": policy.active,
            "priorities": [str(p) for p in policy.priorities],
            "tiers": policy.tiers,
            "channels": policy.channels,
            "organizations": list(policy.organizations.all()),
            "teams": list(policy.teams.all()),
            "first_response_minutes": policy.first_response_minutes,
            "next_reply_minutes": policy.next_reply_minutes,
            "resolution_minutes": policy.resolution_minutes,
            "business_hours": "1" if policy.business_hours else "0",
            "calendar": policy.calendar,
            "warn_percent": policy.warn_percent,
        }

    def to_data(self) -> PolicyData:
        c = self.cleaned_data
        return PolicyData(
            name=c["name"],
            description=c["description"],
            position=c["position"],
            active=c["active"],
            priorities=c["priorities"],
            tiers=c["tiers"],
            channels=c["channels"],
            organizations=list(c["organizations"]),
            teams=list(c["teams"]),
            first_response_minutes=c["first_response_minutes"],
            next_reply_minutes=c["next_reply_minutes"],
            resolution_minutes=c["resolution_minutes"],
            business_hours=c["business_hours"],
            calendar=c["calendar"],
            warn_percent=c["warn_percent"],
        )
