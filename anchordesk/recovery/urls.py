from django.urls import path

from anchordesk.recovery import views

urlpatterns = [
    path("promises/", views.my_promises, name="my-promises"),
    path("mistakes/review/", views.review, name="mistake-review"),
    path("tickets/<int:ticket_id>/promises", views.add_promise, name="promise-add"),
    path("promises/<int:promise_id>", views.change_promise, name="promise-change"),
    path("tickets/<int:ticket_id>/coach", views.coach, name="reply-coach"),
    path("tickets/<int:ticket_id>/mistakes", views.log_mistake, name="mistake-log"),
    path("mistakes/<int:mistake_id>", views.recovery_step, name="mistake-step"),
]
