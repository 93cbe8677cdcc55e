from django.urls import path

from anchordesk.sso import scim, views

urlpatterns = [
    path("sso/login/", views.sso_login, name="sso-login"),
    path("sso/callback/", views.sso_callback, name="sso-callback"),
    path("sso/deprovisioned/", views.deprovisioned, name="sso-deprovisioned"),
    path(
        "sso/deprovisioned/<int:deprovisioning_id>/reviewed",
        views.review_deprovisioning,
        name="sso-deprovisioning-reviewed",
    ),
    path("scim/v2/Users", scim.users, name="scim-users"),
    path("scim/v2/Users/<str:user_id>", scim.user, name="scim-user"),
]
