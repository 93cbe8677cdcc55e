from django.contrib import admin

from anchordesk.collab.models import Escalation, Handoff, HandoffComment


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin[Escalation]):
    list_display = ("id", "ticket", "state", "requested_by", "lead", "due_at", "created_at")
    list_filter = ("state", "requested_by")
    raw_id_fields = ("ticket", "message", "lead", "opened_by")
    # State changes go through actions (audited, notified): the admin only reads.
    readonly_fields = ("state", "lead", "mode", "taken_at", "resolved_at", "outcome")


class HandoffCommentInline(admin.TabularInline[HandoffComment, Handoff]):
    model = HandoffComment
    extra = 0
    readonly_fields = ("author", "body", "created_at")
    can_delete = False


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin[Handoff]):
    list_display = ("id", "subject", "team", "status", "assignee", "due_on", "ticket")
    list_filter = ("status", "team")
    raw_id_fields = ("ticket", "assignee", "created_by")
    filter_horizontal = ()
    readonly_fields = ("status", "closed_at")
    inlines = [HandoffCommentInline]
