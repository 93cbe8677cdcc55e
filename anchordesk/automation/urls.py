from django.urls import path

from anchordesk.automation import views

urlpatterns = [path("<str:token>/", views.csat, name="csat")]
