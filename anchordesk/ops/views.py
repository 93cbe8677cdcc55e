"""Operator pages: the health of the background jobs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anchordesk.core.access import require_admin
from anchordesk.core.jobs import job_statuses
from anchordesk.core.leases import ttl_seconds


@login_required
def job_health(request: HttpRequest) -> HttpResponse:
    """Each periodic job: last start, success and error, and who holds its lease for how long."""
    require_admin(request, settings_page=True)
    statuses = job_statuses()
    return render(
        request,
        "ops/jobs.html",
        {
            "statuses": statuses,
            "failing": [s for s in statuses if s.failing],
            "stuck": [s for s in statuses if s.lease_expired],
            "ttl": ttl_seconds(),
        },
    )
