from __future__ import annotations

from django import forms

from anchordesk.integrations.models import WEBHOOK_EVENTS


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/anchordesk"}),
        help_text="Anchordesk POSTs a signed JSON body here for each chosen event.",
    )
    events = forms.MultipleChoiceField(
        choices=WEBHOOK_EVENTS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    description = forms.CharField(max_length=200, required=False, help_text="What receives these events.")
