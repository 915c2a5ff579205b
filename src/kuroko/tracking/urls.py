from django.urls import path, re_path

from kuroko.tracking.views import costs, timesheets

DAY = r"(?P<{}>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})"
MONTH = r"(?P<month>[0-9]{4}-[0-9]{2})"

urlpatterns = [
    path("projects/<str:code>/costs/", costs.project_costs, name="project-costs"),
    path("projects/<str:code>/costs/budget/", costs.budget_set, name="budget-set"),
    path("projects/<str:code>/costs/expenses/add/", costs.expense_add, name="expense-add"),
    path("expenses/<int:pk>/delete/", costs.expense_delete, name="expense-delete"),
    # Timesheets (工数): the week grid, the daily log, approvals and the month-end close.
    path("timesheets/", timesheets.timesheet_home, name="timesheet-home"),
    re_path(rf"^timesheets/{DAY.format('week')}/$", timesheets.timesheet_week, name="timesheet-week"),
    re_path(rf"^timesheets/{DAY.format('week')}/save/$", timesheets.timesheet_save, name="timesheet-save"),
    re_path(rf"^timesheets/day/{DAY.format('day')}/$", timesheets.timesheet_day, name="timesheet-day"),
    path("timesheets/<int:pk>/reopen/", timesheets.timesheet_reopen, name="timesheet-reopen"),
    path("timesheets/approvals/", timesheets.timesheet_approvals, name="timesheet-approvals"),
    re_path(
        r"^timesheets/approvals/(?P<pk>[0-9]+)/(?P<action>approve|reject)/$",
        timesheets.timesheet_decide,
        name="timesheet-decide",
    ),
    path("timesheets/months/", timesheets.timesheet_months, name="timesheet-months"),
    re_path(
        rf"^timesheets/months/{MONTH}/(?P<action>close|reopen)/$",
        timesheets.timesheet_month_action,
        name="timesheet-month-action",
    ),
    re_path(
        rf"^timesheets/months/{MONTH}/export\.(?P<kind>csv|xlsx)$",
        timesheets.timesheet_month_export,
        name="timesheet-month-export",
    ),
]
