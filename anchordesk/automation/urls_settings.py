"""Mounted at /automation/: settings pages and the reply box's macro picker."""

from django.urls import path

from anchordesk.automation import views_csat, views_macros, views_settings

urlpatterns = [
    path("", views_settings.automation_home, name="automation-home"),
    path("triggers/new/", views_settings.trigger_edit, name="automation-trigger-new"),
    path("triggers/<int:trigger_id>/", views_settings.trigger_edit, name="automation-trigger-edit"),
    path("triggers/<int:trigger_id>/toggle", views_settings.trigger_toggle, name="automation-trigger-toggle"),
    path("time-rules/new/", views_settings.time_rule_edit, name="automation-time-rule-new"),
    path("time-rules/<int:rule_id>/", views_settings.time_rule_edit, name="automation-time-rule-edit"),
    path(
        "time-rules/<int:rule_id>/toggle", views_settings.time_rule_toggle, name="automation-time-rule-toggle"
    ),
    path("macros/", views_settings.macro_list, name="automation-macros"),
    path("macros/new/", views_settings.macro_edit, name="automation-macro-new"),
    path("macros/<int:macro_id>/", views_settings.macro_edit, name="automation-macro-edit"),
    path("macros/<int:macro_id>/toggle", views_settings.macro_toggle, name="automation-macro-toggle"),
    path("csat/", views_csat.csat_settings, name="automation-csat-settings"),
    path("assignment/", views_settings.assignment, name="automation-assignment"),
    path("assignment/teams/<int:team_id>", views_settings.assignment_team, name="automation-assignment-team"),
    path(
        "assignment/agents/<int:user_id>", views_settings.assignment_agent, name="automation-assignment-agent"
    ),
    path("tickets/<int:ticket_id>/macros", views_macros.macro_search, name="automation-macro-search"),
]
