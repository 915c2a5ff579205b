from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.tracking.models import CostCategory


class BudgetForm(forms.Form):
    month = forms.DateField(label=_("Month"), help_text=_("Any day of the month."))
    category = forms.ChoiceField(label=_("Category"), choices=CostCategory.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    task = forms.IntegerField(label=_("WBS node"), required=False, widget=forms.Select)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ExpenseForm(forms.Form):
    date = forms.DateField(label=_("Date"))
    category = forms.ChoiceField(
        label=_("Category"), choices=CostCategory.choices, initial=CostCategory.EXPENSES
    )
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Description"), max_length=300)
    task = forms.IntegerField(label=_("Task"), required=False, widget=forms.Select)
