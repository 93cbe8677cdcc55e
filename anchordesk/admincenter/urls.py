from django.urls import path

from anchordesk.admincenter import views

urlpatterns = [path("", views.settings_home, name="settings-home")]
