from django.contrib import admin

from anchordesk.insights.models import TrainingAssignment, TrainingItem


class AssignmentInline(admin.TabularInline[TrainingAssignment, TrainingItem]):
    model = TrainingAssignment
    extra = 0


@admin.register(TrainingItem)
class TrainingItemAdmin(admin.ModelAdmin[TrainingItem]):
    list_display = ("title", "category", "created_by", "created_at")
    inlines = [AssignmentInline]
