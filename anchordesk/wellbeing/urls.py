from django.urls import path

from anchordesk.wellbeing import views

urlpatterns = [
    path("", views.home, name="wellbeing-home"),
    path("banner", views.banner, name="wellbeing-banner"),
    path("breaks/start", views.break_start, name="wellbeing-break-start"),
    path("breaks/<int:break_id>/take", views.break_take, name="wellbeing-break-take"),
    path("breaks/<int:break_id>/dismiss", views.break_dismiss, name="wellbeing-break-dismiss"),
    path("breaks/<int:break_id>/end", views.break_end, name="wellbeing-break-end"),
    path("volunteer", views.volunteer, name="wellbeing-volunteer"),
    path("exposure/", views.exposure, name="wellbeing-exposure"),
    path("kind-words/", views.kind_words, name="wellbeing-kind-words"),
    path("tickets/<int:ticket_id>/panel", views.ticket_panel, name="wellbeing-ticket-panel"),
    path("tickets/<int:ticket_id>/hand-over", views.ticket_hand_over, name="wellbeing-hand-over"),
    path("tickets/<int:ticket_id>/warn", views.ticket_warn, name="wellbeing-warn"),
    path("tickets/<int:ticket_id>/standing", views.ticket_standing, name="wellbeing-standing"),
    path("lead-queue/", views.lead_queue, name="wellbeing-lead-queue"),
    path("lead-queue/<int:item_id>/take", views.lead_queue_take, name="wellbeing-lead-queue-take"),
]
