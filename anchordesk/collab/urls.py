from django.urls import path

from anchordesk.collab import views

urlpatterns = [
    path("escalations/", views.escalation_queue, name="collab-escalations"),
    path("escalations/<int:escalation_id>/", views.escalation_detail, name="collab-escalation"),
    path("escalations/<int:escalation_id>/take", views.escalation_take, name="collab-escalation-take"),
    path("escalations/<int:escalation_id>/note", views.escalation_note, name="collab-escalation-note"),
    path("escalations/<int:escalation_id>/reply", views.escalation_reply, name="collab-escalation-reply"),
    path(
        "escalations/<int:escalation_id>/resolve", views.escalation_resolve, name="collab-escalation-resolve"
    ),
    path(
        "escalations/<int:escalation_id>/use-wording",
        views.escalation_use_wording,
        name="collab-escalation-use-wording",
    ),
    path("tickets/<int:ticket_id>/escalate", views.ticket_escalate, name="collab-ticket-escalate"),
    path("tickets/<int:ticket_id>/panel", views.ticket_panel, name="collab-ticket-panel"),
    path("tickets/<int:ticket_id>/handoffs/new", views.handoff_new, name="collab-handoff-new"),
    path("handoffs/", views.handoff_queue, name="collab-handoffs"),
    path("handoffs/<int:handoff_id>/", views.handoff_detail, name="collab-handoff"),
    path("handoffs/<int:handoff_id>/comment", views.handoff_comment, name="collab-handoff-comment"),
    path("handoffs/<int:handoff_id>/status", views.handoff_status, name="collab-handoff-status"),
    path("handoffs/<int:handoff_id>/assign", views.handoff_assign, name="collab-handoff-assign"),
]
