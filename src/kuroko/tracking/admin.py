from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.tracking.models import (
    AttendanceDay,
    AttendanceMapping,
    BudgetLine,
    Contract,
    Expense,
    OvertimeRuleSet,
)


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("project", "task", "category", "month", "amount")
    list_filter = ("category",)
    search_fields = ("project__code", "task__name")
    raw_id_fields = ("project", "task")


@admin.register(Expense)
class ExpenseAdmin(SimpleHistoryAdmin):
    list_display = ("project", "date", "category", "amount", "description")
    list_filter = ("category",)
    search_fields = ("project__code", "description")
    raw_id_fields = ("project", "task")


@admin.register(AttendanceDay)
class AttendanceDayAdmin(SimpleHistoryAdmin):
    list_display = (
        "person",
        "date",
        "clock_in",
        "clock_out",
        "break_minutes",
        "leave",
        "worked_minutes",
        "source",
    )
    list_filter = ("source", "leave")
    search_fields = ("person__family_name", "person__given_name", "person__email")
    raw_id_fields = ("person",)
    date_hierarchy = "date"
    readonly_fields = ("worked_minutes",)


@admin.register(AttendanceMapping)
class AttendanceMappingAdmin(SimpleHistoryAdmin):
    list_display = ("name", "person_key", "date_format")


@admin.register(OvertimeRuleSet)
class OvertimeRuleSetAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "is_default",
        "monthly_limit_hours",
        "yearly_limit_hours",
        "special_clause",
        "warn_percent",
    )
    filter_horizontal = ("people",)


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ("person", "vendor", "start", "end", "monthly_fee", "lower_hours", "upper_hours")
    search_fields = ("vendor", "reference", "person__family_name")
    raw_id_fields = ("person",)
