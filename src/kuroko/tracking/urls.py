from django.urls import path

from kuroko.tracking import views

urlpatterns = [
    path("projects/<str:code>/costs/", views.project_costs, name="project-costs"),
    path("projects/<str:code>/costs/budget/", views.budget_set, name="budget-set"),
    path("projects/<str:code>/costs/expenses/add/", views.expense_add, name="expense-add"),
    path("expenses/<int:pk>/delete/", views.expense_delete, name="expense-delete"),
]
