from django.urls import path

from anchordesk.tickets import views_inbox, views_ticket

urlpatterns = [
    path("", views_inbox.inbox_page, name="inbox"),
    path("inbox/list", views_inbox.inbox_list, name="inbox-list"),
    path("inbox/bulk", views_inbox.bulk_update, name="inbox-bulk"),
    path("inbox/views", views_inbox.save_view, name="view-save"),
    path("inbox/views/<int:view_id>/delete", views_inbox.delete_view, name="view-delete"),
    path("tickets/<int:ticket_id>/", views_ticket.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/reply", views_ticket.reply, name="ticket-reply"),
    path("tickets/<int:ticket_id>/note", views_ticket.note, name="ticket-note"),
    path("tickets/<int:ticket_id>/properties", views_ticket.properties, name="ticket-properties"),
    path("tickets/<int:ticket_id>/subject", views_ticket.subject, name="ticket-subject"),
    path("tickets/<int:ticket_id>/tags", views_ticket.tags, name="ticket-tags"),
    path("tickets/<int:ticket_id>/fields", views_ticket.fields, name="ticket-fields"),
    path("tickets/<int:ticket_id>/merge", views_ticket.merge, name="ticket-merge"),
    path("tickets/<int:ticket_id>/links", views_ticket.link, name="ticket-link"),
    path("tickets/<int:ticket_id>/presence/leave", views_ticket.presence_leave, name="ticket-presence-leave"),
    path("attachments/<int:attachment_id>", views_ticket.attachment, name="attachment"),
]
