"""API docs served entirely from this server: Swagger UI's files come from the installed
django-ninja package, not from a CDN (which self-hosted installs often cannot reach)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class SelfHostedSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}

        def asset(name: str) -> str:
            return escape(reverse("api-docs-asset", kwargs={"name": name}))

        # swagger-ui-init.js reads its settings from the JSON block: no inline script runs.
        settings_json = json.dumps(settings).replace("<", "\\u003c")
        html = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{escape(api.title)} — API docs</title>
  <link rel="stylesheet" href="{asset("swagger-ui.css")}">
  <link rel="icon" href="{asset("favicon.png")}">
</head>
<body data-csrf-token="{escape(get_token(request))}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{settings_json}</script>
  <div id="swagger-ui"></div>
  <script src="{asset("swagger-ui-bundle.js")}"></script>
  <script src="{asset("swagger-ui-init.js")}"></script>
</body>
</html>"""
        return HttpResponse(html)


@require_GET
@cache_control(public=True, max_age=86400)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    content_type = ASSETS.get(name)
    path = ASSET_DIR / name
    if content_type is None or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type=content_type)
