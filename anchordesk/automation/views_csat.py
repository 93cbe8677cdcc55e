"""The CSAT settings page: on or off, how long after solving the survey goes out, and its question."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anchordesk.automation.csat import do_save_csat_settings
from anchordesk.automation.models import CSAT_MAX_DELAY_MINUTES, CsatSettings, CsatSurvey
from anchordesk.core.access import require_lead, validation_errors
from anchordesk.sla.views import lead_required


class CsatSettingsForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Send a satisfaction survey when a ticket is solved")
    delay_minutes = forms.IntegerField(
        min_value=0,
        max_value=CSAT_MAX_DELAY_MINUTES,
        label="Delay (minutes)",
        help_text="0 sends it at once. If the ticket is reopened before then, no survey goes out.",
    )
    question = forms.CharField(max_length=200, help_text="The email's subject and the survey page's heading.")


@lead_required
def csat_settings(request: HttpRequest) -> HttpResponse:
    user = require_lead(request)
    config = CsatSettings.current()
    status = 200
    if request.method == "POST":
        form = CsatSettingsForm(request.POST)
        if form.is_valid():
            try:
                do_save_csat_settings(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                for field, reasons in validation_errors(exc).items():
                    form.add_error(field if field in form.fields else None, reasons)
            else:
                messages.success(request, "CSAT settings saved.")
                return redirect("automation-csat-settings")
        status = 400
    else:
        form = CsatSettingsForm(
            initial={
                "enabled": config.enabled,
                "delay_minutes": config.delay_minutes,
                "question": config.question,
            }
        )
    waiting = CsatSurvey.objects.filter(send_after__isnull=False).count()
    return render(
        request,
        "automation/settings/csat.html",
        {"form": form, "config": config, "waiting": waiting},
        status=status,
    )
