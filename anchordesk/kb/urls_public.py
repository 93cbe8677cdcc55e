"""The help center's addresses, under /portal/help/ (the project urls include them before the portal's)."""

from django.urls import path

from anchordesk.kb import views_public

app_name = "help"

urlpatterns = [
    path("", views_public.root, name="root"),
    path("sitemap.xml", views_public.sitemap, name="sitemap"),
    path("suggest", views_public.suggest, name="suggest"),
    path("<str:lang>/", views_public.home, name="home"),
    path("<str:lang>/search", views_public.search, name="search"),
    path("<str:lang>/articles/<slug:slug>", views_public.article, name="article"),
    path("<str:lang>/articles/<slug:slug>/feedback", views_public.feedback, name="feedback"),
    path("<str:lang>/<slug:category_slug>/", views_public.category, name="category"),
    path("<str:lang>/<slug:category_slug>/<slug:section_slug>/", views_public.section, name="section"),
]
