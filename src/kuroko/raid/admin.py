from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.raid.models import (
    ActionItem,
    ChangeRequest,
    Decision,
    EscalationEvent,
    EscalationRule,
    Issue,
    Risk,
    RiskMatrix,
    SimulationRun,
)


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "title", "level", "score", "status", "owner", "next_review")
    list_filter = ("status", "level", "category", "kind")
    search_fields = ("project__code", "title")
    raw_id_fields = ("project", "owner", "raised_by")
    filter_horizontal = ("tasks",)


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "title", "severity", "priority", "status", "owner", "due_date")
    list_filter = ("status", "severity", "priority", "escalation_level")
    search_fields = ("project__code", "title")
    raw_id_fields = ("project", "owner", "raised_by", "risk")


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "title", "status", "owner", "due_date")
    list_filter = ("status",)
    search_fields = ("project__code", "title")
    raw_id_fields = ("project", "owner", "risk", "issue", "decision", "change_request")


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "title", "status", "decided_on", "decided_by")
    list_filter = ("status",)
    search_fields = ("project__code", "title")
    raw_id_fields = ("project", "owner")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SimpleHistoryAdmin):
    list_display = ("project", "number", "title", "status", "requested_on", "cost_impact")
    list_filter = ("status",)
    search_fields = ("project__code", "title")
    raw_id_fields = ("project", "owner", "requested_by", "decided_by", "baseline")


admin.site.register(RiskMatrix, SimpleHistoryAdmin)
admin.site.register(EscalationRule, SimpleHistoryAdmin)


@admin.register(EscalationEvent)
class EscalationEventAdmin(admin.ModelAdmin):
    list_display = ("project", "register", "item_id", "level", "escalated_at")
    list_filter = ("register", "level")


@admin.register(SimulationRun)
class SimulationRunAdmin(admin.ModelAdmin):
    list_display = ("project", "number", "status", "iterations", "seed", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("project", "created_by")
