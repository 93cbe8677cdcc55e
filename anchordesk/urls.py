from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("anchordesk.ops.urls")),  # /metrics, /api/v1/metrics, /settings/jobs/ (operations)
    path("admin/", admin.site.urls),
    path("settings/", include("anchordesk.admincenter.urls")),  # the settings hub, settings-home
    path("api/v1/", include("anchordesk.api.urls")),
    path("portal/help/", include("anchordesk.kb.urls_public")),  # the public help center
    path("portal/", include("anchordesk.portal.urls")),
    path("kb/", include("anchordesk.kb.urls")),  # the agents' knowledge base
    path("mail/", include("anchordesk.mail.urls")),
    path("csat/", include("anchordesk.automation.urls")),
    path("sla/", include("anchordesk.sla.urls")),
    path("automation/", include("anchordesk.automation.urls_settings")),
    path("policies/", include("anchordesk.policies.urls")),
    path("collab/", include("anchordesk.collab.urls")),
    path("wellbeing/", include("anchordesk.wellbeing.urls")),
    path("", include("anchordesk.insights.urls")),
    path("", include("anchordesk.recovery.urls")),
    path("settings/", include("anchordesk.integrations.urls")),
    path("", include("anchordesk.sso.urls")),  # /sso/ sign-in and /scim/v2/ provisioning
    path("", include("anchordesk.people.urls")),
    path("", include("anchordesk.accounts.urls")),
    path("", include("anchordesk.tickets.urls")),
]
