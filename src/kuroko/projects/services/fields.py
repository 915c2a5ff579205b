"""Which fields each kind of writer may set."""

from __future__ import annotations

PROGRAM_FIELDS = ("code", "name", "description")
PROJECT_FIELDS = (
    "code",
    "name",
    "description",
    "program",
    "manager",
    "sponsor",
    "project_type",
    "status",
    "priority",
    "planned_start",
    "planned_finish",
    "status_date",
    "calendar",
    "schedule_from_finish",
    "critical_float_days",
    "compared_baseline",
    "progress_method",
    "ev_method",
    "budget",
    "rag_overall",
    "rag_overall_reason",
    "rag_schedule",
    "rag_schedule_reason",
    "rag_cost",
    "rag_cost_reason",
    "rag_scope",
    "rag_scope_reason",
    "rag_quality",
    "rag_quality_reason",
    "rag_risk",
    "rag_risk_reason",
)
TASK_FIELDS = (
    "name",
    "kind",
    "duration_minutes",
    "duration_elapsed",
    "planned_start",
    "planned_finish",
    "percent_complete",
    "owner",
    "notes",
    "constraint_type",
    "constraint_date",
    "deadline",
    "actual_start",
    "actual_finish",
    "manual",
    "manual_start",
    "priority",
)
# What a task's owner may change without editing rights on the project.
PROGRESS_FIELDS = ("percent_complete", "actual_start", "actual_finish")
# Changes that move dates: the project is rescheduled after them.
SCHEDULING_FIELDS = frozenset(
    {
        "percent_complete",
        "duration_minutes",
        "duration_elapsed",
        "planned_start",
        "planned_finish",
        "kind",
        "constraint_type",
        "constraint_date",
        "deadline",
        "actual_start",
        "actual_finish",
        "manual",
        "manual_start",
        "priority",
    }
)
