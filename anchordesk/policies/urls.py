from django.urls import path

from anchordesk.policies import views

urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("new", views.policy_edit, name="policy-new"),
    path("<int:policy_id>/", views.policy_detail, name="policy-detail"),
    path("<int:policy_id>/edit", views.policy_edit, name="policy-edit"),
    path("versions/<int:version_id>/publish", views.version_publish, name="policy-publish"),
    path("announcements/<int:announcement_id>/", views.announcement_detail, name="policy-announcement"),
    path("announcements/<int:announcement_id>/acknowledge", views.acknowledge, name="policy-acknowledge"),
    path("tickets/<int:ticket_id>/decide", views.decide, name="policy-decide"),
    path("tickets/<int:ticket_id>/panel", views.ticket_panel, name="policy-ticket-panel"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="policy-decision"),
    path("decisions/<int:decision_id>/exceptions", views.request_exception, name="policy-exception-request"),
    path("decisions/<int:decision_id>/use-wording", views.use_wording, name="policy-use-wording"),
    path("approvals/", views.approvals, name="policy-approvals"),
    path("approvals/<int:approval_id>", views.decide_approval, name="policy-approval-decide"),
    path("exceptions/", views.exception_report, name="policy-exception-report"),
    path("limits", views.authority_limits, name="policy-limits"),
]
