from django.urls import path

from anchordesk.accounts import views, views_people, views_two_factor

urlpatterns = [
    path("signin/", views.sign_in, name="login"),
    path("signin/code/", views_two_factor.sign_in_code, name="login-2fa"),
    path("signout/", views.sign_out, name="logout"),
    path("account/tokens/", views.tokens, name="api-tokens"),
    path("account/tokens/<int:token_id>/revoke", views.revoke_token, name="api-token-revoke"),
    path("account/two-factor/", views_two_factor.two_factor, name="two-factor"),
    path(
        "account/two-factor/recovery-codes", views_two_factor.recovery_codes, name="two-factor-recovery-codes"
    ),
    path("invitation/<str:token>/", views_people.invitation_accept, name="invitation-accept"),
    path("agents/", views_people.agents_redirect, name="agents"),
    path("settings/agents/", views_people.settings_agents, name="settings-agents"),
    path("settings/agents/<int:user_id>/", views_people.settings_agent, name="settings-agent"),
    path(
        "settings/agents/<int:user_id>/reset-two-factor",
        views_people.settings_agent_reset_two_factor,
        name="settings-agent-reset-2fa",
    ),
    path(
        "settings/invitations/<int:invitation_id>/resend",
        views_people.invitation_resend,
        name="settings-invitation-resend",
    ),
    path(
        "settings/invitations/<int:invitation_id>/revoke",
        views_people.invitation_revoke,
        name="settings-invitation-revoke",
    ),
    path("settings/teams/", views_people.settings_teams, name="settings-teams"),
    path("settings/teams/<int:team_id>/", views_people.settings_team, name="settings-team"),
    path("settings/security/", views_two_factor.security_settings, name="settings-security"),
]
