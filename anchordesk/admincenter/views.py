from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anchordesk.admincenter.sections import sections_for
from anchordesk.core.access import require_lead


def settings_home(request: HttpRequest) -> HttpResponse:
    """The settings hub: leads see what leads may change, admins everything."""
    user = require_lead(request)
    return render(request, "admincenter/home.html", {"groups": sections_for(user)})
