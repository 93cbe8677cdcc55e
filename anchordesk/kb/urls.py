from django.urls import path

from anchordesk.kb import views

urlpatterns = [
    path("", views.article_list, name="kb-home"),
    path("new", views.article_new, name="kb-new"),
    path("categories", views.categories, name="kb-categories"),
    path("<int:article_id>/", views.article_detail, name="kb-article"),
    path("<int:article_id>/edit", views.article_edit, name="kb-edit"),
    path("<int:article_id>/submit", views.article_submit, name="kb-submit"),
    path("<int:article_id>/review", views.article_review, name="kb-review"),
    path("<int:article_id>/unpublish", views.article_unpublish, name="kb-unpublish"),
    path("<int:article_id>/translate", views.article_translate, name="kb-translate"),
    path("<int:article_id>/revisions", views.article_revisions, name="kb-revisions"),
    path("<int:article_id>/revisions/<int:revision_id>/restore", views.revision_restore, name="kb-restore"),
]
