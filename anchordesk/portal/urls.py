from django.urls import path

from anchordesk.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/<str:token>", views.sign_in_link, name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    path("tickets/", views.my_tickets, name="tickets"),
    path("tickets/new", views.new_ticket, name="new-ticket"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/reply", views.reply, name="reply"),
    path("files/<int:attachment_id>/<str:filename>", views.attachment, name="attachment"),
]
