"""Operations URLs, mounted at the root by anchordesk/urls.py before the API, so the API imports
nothing of operations: /metrics (also at /api/v1/metrics, where scrapers were pointed) and
/settings/jobs/."""

from django.urls import path

from anchordesk.ops.metrics import metrics_view
from anchordesk.ops.views import job_health

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/metrics", metrics_view, name="api-metrics"),
    path("settings/jobs/", job_health, name="job-health"),
]
