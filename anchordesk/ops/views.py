"""Operator pages: the health of the background jobs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anchordesk.core.jobs import job_statuses
from anchordesk.core.leases import ttl_seconds


@login_required
def job_health(request: HttpRequest) -> HttpResponse:
    """Each periodic job: last start, success and error, and who holds its lease for how long."""
    if not getattr(request.user, "is_admin_role", False):
        raise PermissionDenied("Only admins see the background jobs.")
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
