"""Operations URLs, mounted at the root by anchordesk/urls.py: /metrics and /settings/jobs/."""

from django.urls import path

from anchordesk.ops.metrics import metrics_view
from anchordesk.ops.views import job_health

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("settings/jobs/", job_health, name="job-health"),
]
