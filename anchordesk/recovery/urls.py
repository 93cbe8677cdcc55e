from django.urls import path

from anchordesk.recovery import views

urlpatterns = [
    path("promises/", views.my_promises, name="my-promises"),
    path("mistakes/review/", views.review, name="mistake-review"),
    path("tickets/<int:ticket_id>/commitments", views.add_commitment, name="commitment-add"),
    path("commitments/<int:commitment_id>", views.change_commitment, name="commitment-change"),
    path("tickets/<int:ticket_id>/coach", views.coach, name="reply-coach"),
    path("tickets/<int:ticket_id>/mistakes", views.log_mistake, name="mistake-log"),
    path("mistakes/<int:mistake_id>", views.recovery_step, name="mistake-step"),
]
