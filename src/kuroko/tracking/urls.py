from django.urls import path

from kuroko.tracking.views import costs

urlpatterns = [
    path("projects/<str:code>/costs/", costs.project_costs, name="project-costs"),
    path("projects/<str:code>/costs/budget/", costs.budget_set, name="budget-set"),
    path("projects/<str:code>/costs/expenses/add/", costs.expense_add, name="expense-add"),
    path("expenses/<int:pk>/delete/", costs.expense_delete, name="expense-delete"),
]
