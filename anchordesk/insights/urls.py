from django.urls import path

from anchordesk.insights import views

urlpatterns = [
    path("insights/", views.home, name="insights-home"),
    path("insights/review/", views.review, name="insights-review"),
    path("insights/review/<int:mistake_id>", views.review_mistake, name="insights-review-mistake"),
    path("insights/training/", views.create_training, name="training-create"),
    path("insights/<slug:dashboard>/", views.dashboard, name="insights-dashboard"),
    path("training/", views.my_training, name="my-training"),
    path("training/<int:assignment_id>/done", views.complete_training, name="training-done"),
]
