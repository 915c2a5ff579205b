from django.urls import path

from kuroko.tracking.views import costs, evm

urlpatterns = [
    path("projects/<str:code>/costs/", costs.project_costs, name="project-costs"),
    path("projects/<str:code>/costs/budget/", costs.budget_set, name="budget-set"),
    path("projects/<str:code>/costs/expenses/add/", costs.expense_add, name="expense-add"),
    path("expenses/<int:pk>/delete/", costs.expense_delete, name="expense-delete"),
    path("projects/<str:code>/evm/", evm.project_evm, name="project-evm"),
    path("projects/<str:code>/evm/status-date/", evm.project_evm_status_date, name="project-evm-status-date"),
    path("projects/<str:code>/evm/milestones/add/", evm.milestone_add, name="evm-milestone-add"),
    path("evm/milestones/<int:pk>/", evm.milestone_achieve, name="evm-milestone-achieve"),
    path("evm/milestones/<int:pk>/delete/", evm.milestone_delete, name="evm-milestone-delete"),
    path("evm/", evm.portfolio_evm, name="evm-portfolio"),
    path("charts/vega.js", evm.chart_bundle, name="chart-bundle"),
]
