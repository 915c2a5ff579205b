"""Budgets and expenses of projects (issue 5): what a project may spend, by WBS node, category and month,
and the non-labour costs it has spent. Labour cost comes from hours × rates (people.RateCard)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kuroko.projects.models import Project, Task


class CostCategory(models.TextChoices):
    LABOUR = "labour", _("Labour")
    CONTRACTOR = "contractor", _("Contractors")
    EXPENSES = "expenses", _("Expenses")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    """The budget of one category in one month, for the whole project or one WBS node. Changes are kept
    (history): the budget change log."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("WBS node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        help_text=_("Empty: the project as a whole."),
    )
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "task", "category", "month"],
                condition=Q(task__isnull=False),
                name="budget_line_once_per_node",
            ),
            models.UniqueConstraint(
                fields=["project", "category", "month"],
                condition=Q(task__isnull=True),
                name="budget_line_once_per_project",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%Y-%m} {self.category} {self.amount}"


class Expense(models.Model):
    """A non-labour cost spent on a day (a licence, travel, a contractor's invoice)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="expenses"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenses",
    )
    date = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    description = models.CharField(_("description"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["project", "-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_positive")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.date} {self.amount} {self.description}"
