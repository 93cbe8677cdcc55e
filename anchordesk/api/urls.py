"""Mounted at /api/v1/ by anchordesk/urls.py."""

from django.urls import path

from anchordesk.api.api import api
from anchordesk.api.docs import docs_asset
from anchordesk.ops.metrics import metrics_view

urlpatterns = [
    path("metrics", metrics_view, name="api-metrics"),
    path("docs-assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("", api.urls),
]
