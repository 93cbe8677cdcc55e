"""Mounted at /api/v1/ by anchordesk/urls.py (/api/v1/metrics belongs to the operations app)."""

from django.urls import path

from anchordesk.api.api import api
from anchordesk.api.docs import docs_asset

urlpatterns = [
    path("docs-assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("", api.urls),
]
