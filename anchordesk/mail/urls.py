from django.urls import path

from anchordesk.mail import views

urlpatterns = [
    path("inbound/<int:mailbox_id>", views.push, name="mail-push"),
    path("mailboxes/", views.mailboxes, name="mail-mailboxes"),
    path("mailboxes/new/", views.mailbox_edit, name="mail-mailbox-new"),
    path("mailboxes/<int:mailbox_id>/", views.mailbox_edit, name="mail-mailbox-edit"),
    path("mailboxes/<int:mailbox_id>/test", views.mailbox_test, name="mail-mailbox-test"),
    path("quarantine/", views.quarantine, name="mail-quarantine"),
    path("quarantine/<int:inbound_id>/raw", views.raw_message, name="mail-raw"),
    path("quarantine/<int:inbound_id>/retry", views.retry, name="mail-retry"),
    path("quarantine/<int:inbound_id>/discard", views.discard, name="mail-discard"),
    path("outbox/", views.outbox, name="mail-outbox"),
    path("outbox/<int:outbound_id>/retry", views.outbox_retry, name="mail-outbox-retry"),
]
