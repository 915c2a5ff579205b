from django.contrib import admin

from kuroko.governance.models import (
    AuditRun,
    Defect,
    Deliverable,
    Finding,
    GateCriterion,
    GateReview,
    HealthSnapshot,
    Lesson,
    Phase,
    ProjectTemplate,
    QualityIndicator,
    QualityRecord,
    RuleSetting,
    TemplateUse,
    TemplateVersion,
)


@admin.register(ProjectTemplate)
class ProjectTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "project_type", "is_active")
    list_filter = ("project_type", "is_active")
    search_fields = ("code", "name")


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ("template", "number", "status", "published_at")
    list_filter = ("status",)


@admin.register(TemplateUse)
class TemplateUseAdmin(admin.ModelAdmin):
    list_display = ("project", "version", "applied_at")
    raw_id_fields = ("project",)


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("project", "number", "name", "gate_date")
    search_fields = ("project__code", "name")
    raw_id_fields = ("project", "task")


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ("project", "phase", "name", "required", "status", "due")
    list_filter = ("status", "required")
    raw_id_fields = ("project", "phase", "owner")


@admin.register(GateCriterion)
class GateCriterionAdmin(admin.ModelAdmin):
    list_display = ("phase", "number", "kind", "text", "metric", "operator", "threshold")
    raw_id_fields = ("phase", "deliverable")


@admin.register(GateReview)
class GateReviewAdmin(admin.ModelAdmin):
    list_display = ("phase", "status", "decision", "planned_date", "decided_at")
    list_filter = ("status", "decision")
    raw_id_fields = ("phase",)
    filter_horizontal = ("actions",)


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ("rule", "project_type", "enabled", "severity")
    list_filter = ("project_type", "enabled")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("project", "rule", "severity", "status", "owner", "due", "opened_at", "closed_at")
    list_filter = ("status", "severity", "rule")
    search_fields = ("project__code", "rule")
    raw_id_fields = ("project", "owner")


@admin.register(AuditRun)
class AuditRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "trigger", "project", "projects", "opened", "closed", "finished_at")
    list_filter = ("trigger",)


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    list_display = ("project", "day", "score")
    raw_id_fields = ("project",)


@admin.register(QualityRecord)
class QualityRecordAdmin(admin.ModelAdmin):
    list_display = ("project", "phase", "size_kloc", "review_findings", "tests_planned", "tests_passed")
    raw_id_fields = ("project", "phase")


@admin.register(Defect)
class DefectAdmin(admin.ModelAdmin):
    list_display = ("project", "key", "title", "severity", "status", "found_on", "fixed_on")
    list_filter = ("status", "severity")
    search_fields = ("project__code", "key", "title")
    raw_id_fields = ("project", "phase_found", "phase_injected", "task")


@admin.register(QualityIndicator)
class QualityIndicatorAdmin(admin.ModelAdmin):
    list_display = ("metric", "project_type", "lower", "upper")


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "project", "created_at")
    list_filter = ("category",)
    search_fields = ("title", "situation", "recommendation", "tags")
    raw_id_fields = ("project",)
