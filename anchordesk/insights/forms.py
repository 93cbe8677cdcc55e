from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from anchordesk.accounts.models import Team, User
from anchordesk.insights.queries import MAX_DAYS, Filters
from anchordesk.tickets.choices import Channel
from anchordesk.tickets.models import Tag

RANGES = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("365", "Last 12 months"),
    ("custom", "Custom"),
]


class AgentChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class FilterForm(forms.Form):
    """Time range and filters for every dashboard; all optional, the default is the last 30 days."""

    range = forms.ChoiceField(choices=RANGES, required=False)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, empty_label="All teams"
    )
    # A queryset is lazy and read afresh by each form, so people added since start-up are listed.
    agent = AgentChoiceField(
        queryset=User.objects.filter(is_active=True, role__in=["agent", "lead", "admin"]).order_by(
            "first_name", "username"
        ),
        required=False,
        empty_label="All agents",
    )
    channel = forms.ChoiceField(choices=[("", "All channels"), *Channel.choices], required=False)
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"), required=False, empty_label="All tags"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.now().date()
        preset = data.get("range") or ("custom" if data.get("start") or data.get("end") else "30")
        if preset == "custom":
            end = data.get("end") or today
            start = data.get("start") or end - timedelta(days=29)
        else:
            end = today
            start = end - timedelta(days=int(preset) - 1)
        if start > end:
            self.add_error("start", "The start must be on or before the end.")
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", f"Choose at most {MAX_DAYS} days.")
        data["start"], data["end"], data["range"] = start, end, preset
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            team_id=data["team"].pk if data.get("team") else None,
            agent_id=data["agent"].pk if data.get("agent") else None,
            channel=data.get("channel") or "",
            tag_id=data["tag"].pk if data.get("tag") else None,
        )


class ReviewPeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or timezone.now().date()
        start = data.get("start") or end - timedelta(days=29)
        if start > end:
            self.add_error("start", "The start must be on or before the end.")
        data["start"], data["end"] = start, end
        return data
