from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.tracking.models import BudgetLine, Expense


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
