from django.urls import path

from anchordesk.integrations import views

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/new/", views.webhook_create, name="webhook-create"),
    path("webhooks/<int:webhook_id>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:webhook_id>/toggle/", views.webhook_toggle, name="webhook-toggle"),
    path("webhooks/<int:webhook_id>/delete/", views.webhook_delete, name="webhook-delete"),
    path("webhooks/<int:webhook_id>/test/", views.webhook_test, name="webhook-test"),
    path("webhooks/<int:webhook_id>/secret/", views.webhook_rotate_secret, name="webhook-rotate-secret"),
    path(
        "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/retry/",
        views.delivery_retry,
        name="webhook-delivery-retry",
    ),
]
