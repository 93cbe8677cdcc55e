from django.urls import path

from anchordesk.people import views

urlpatterns = [
    path("agents/<int:user_id>/offboard/", views.offboard, name="people-offboard"),
    path("agents/<int:user_id>/absence/", views.absence, name="people-absence"),
    path("agents/<int:user_id>/reactivate", views.reactivate, name="people-reactivate"),
]
