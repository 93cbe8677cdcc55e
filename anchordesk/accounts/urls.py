from django.urls import path

from anchordesk.accounts import views

urlpatterns = [
    path("signin/", views.sign_in, name="login"),
    path("signout/", views.sign_out, name="logout"),
    path("account/tokens/", views.tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke", views.revoke_token, name="api-token-revoke"),
    path("agents/", views.agents, name="agents"),
]
