from django.urls import path, re_path

from kuroko.tracking.views import attendance, costs, evm, timesheets

DAY = r"(?P<{}>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})"
MONTH = r"(?P<month>[0-9]{4}-[0-9]{2})"

urlpatterns = [
    path("projects/<str:code>/costs/", costs.project_costs, name="project-costs"),
    path("projects/<str:code>/costs/budget/", costs.budget_set, name="budget-set"),
    path("projects/<str:code>/costs/expenses/add/", costs.expense_add, name="expense-add"),
    path("expenses/<int:pk>/delete/", costs.expense_delete, name="expense-delete"),
    # Attendance (勤怠)
    path("attendance/", attendance.attendance_month, name="attendance"),
    re_path(rf"^attendance/{MONTH}/$", attendance.attendance_month, name="attendance-month"),
    path("attendance/clock/<str:action>/", attendance.attendance_clock, name="attendance-clock"),
    path("attendance/day/<int:person_id>/<str:day>/", attendance.attendance_day, name="attendance-day"),
    path("attendance/import/", attendance.attendance_import, name="attendance-import"),
    path(
        "attendance/reconciliation/", attendance.attendance_reconciliation, name="attendance-reconciliation"
    ),
    re_path(
        rf"^attendance/reconciliation/{MONTH}/$",
        attendance.attendance_reconciliation,
        name="attendance-reconciliation-month",
    ),
    path("attendance/overtime/", attendance.attendance_overtime, name="attendance-overtime"),
    path("attendance/overtime/rules/", attendance.attendance_rules, name="attendance-rules"),
    path("attendance/contracts/", attendance.attendance_contracts, name="attendance-contracts"),
    path(
        "attendance/contracts/<int:pk>/edit/",
        attendance.attendance_contract_edit,
        name="attendance-contract-edit",
    ),
    path(
        "attendance/contracts/<int:pk>/delete/",
        attendance.attendance_contract_delete,
        name="attendance-contract-delete",
    ),
    re_path(
        rf"^attendance/contracts/{MONTH}/$", attendance.attendance_statements, name="attendance-statements"
    ),
    re_path(
        rf"^attendance/contracts/{MONTH}/statements\.(?P<export>csv|xlsx)$",
        attendance.attendance_statements,
        name="attendance-statements-export",
    ),
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
    path("projects/<str:code>/evm/", evm.project_evm, name="project-evm"),
    path("projects/<str:code>/evm/status-date/", evm.project_evm_status_date, name="project-evm-status-date"),
    path("projects/<str:code>/evm/milestones/add/", evm.milestone_add, name="evm-milestone-add"),
    path("evm/milestones/<int:pk>/", evm.milestone_achieve, name="evm-milestone-achieve"),
    path("evm/milestones/<int:pk>/delete/", evm.milestone_delete, name="evm-milestone-delete"),
    path("evm/", evm.portfolio_evm, name="evm-portfolio"),
    path("charts/vega.js", evm.chart_bundle, name="chart-bundle"),
]
