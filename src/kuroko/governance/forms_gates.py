"""Forms of the phases-and-gates pages: they parse what people type; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.governance.metrics import metric_choices
from kuroko.governance.models import (
    Deliverable,
    DeliverableStatus,
    GateCriterion,
    GateDecision,
    Operator,
    Phase,
    ResultChoice,
)
from kuroko.people.models import Person
from kuroko.projects.forms import DateInput
from kuroko.projects.models import Program, Project, ProjectType, Status, Task, TaskKind

TEXTAREA = {"rows": 2}


def _people() -> Any:
    return Person.objects.filter(is_active=True).order_by("family_name", "given_name")


class _Base(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, project: Project, **kw: Any):
        super().__init__(*args, **kw)
        self.project = project
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not field.required:
                field.empty_label = "—"

    def _post_clean(self) -> None:
        # The services validate the row (with messages naming the field) and save it; the form only
        # parses, and must not touch its instance.
        pass

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}  # type: ignore[attr-defined]


class PhaseForm(_Base):
    class Meta:
        model = Phase
        fields = ("name", "task", "gate_date")
        widgets = {"gate_date": DateInput}

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["task"].queryset = Task.objects.filter(  # type: ignore[attr-defined]
            project=self.project, kind=TaskKind.SUMMARY
        ).order_by("row")
        self.fields["task"].label_from_instance = lambda t: f"{t.wbs_code} {t.name}"  # type: ignore[attr-defined]


class DeliverableForm(_Base):
    class Meta:
        model = Deliverable
        fields = ("name", "phase", "owner", "due", "required", "reference", "description")
        widgets = {"due": DateInput, "description": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["phase"].queryset = Phase.objects.filter(project=self.project)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]


class CriterionForm(_Base):
    metric = forms.ChoiceField(label=_("Metric"), required=False)

    class Meta:
        model = GateCriterion
        fields = ("kind", "text", "deliverable", "metric", "operator", "threshold", "required")

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["text"].required = False
        self.fields["text"].help_text = _("Empty for a deliverable or metric: worded from it.")
        field = self.fields["deliverable"]
        field.queryset = Deliverable.objects.filter(project=self.project)  # type: ignore[attr-defined]
        # Read once: the gates page renders one blank form in every phase (a query each otherwise).
        field.choices = list(field.choices)  # type: ignore[attr-defined]
        self.fields["metric"].choices = [("", "—"), *metric_choices()]  # type: ignore[attr-defined]
        self.fields["operator"].choices = [("", "—"), *Operator.choices]  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=DeliverableStatus.choices)


class ReviewOpenForm(forms.Form):
    planned_date = forms.DateField(label=_("Review date"), required=False, widget=DateInput)
    approvers = forms.ModelMultipleChoiceField(label=_("Approvers"), queryset=Person.objects.none())

    def __init__(self, *args: Any, project: Project, **kw: Any):
        super().__init__(*args, **kw)
        # The project's people first would be nicer; everyone active keeps the sponsor and PMO in reach.
        # The widget first: setting the queryset hands its choices to the widget in place.
        self.fields["approvers"].widget = forms.SelectMultiple(attrs={"size": 8})
        self.fields["approvers"].queryset = _people()  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ResultChoice.choices)
    comment = forms.CharField(label=_("Comment"), required=False)


class DecisionForm(forms.Form):
    """An approver's decision; up to three actions for a conditional go."""

    ACTIONS = 3
    decision = forms.ChoiceField(
        label=_("Gate decision"), choices=GateDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    approver = forms.ModelChoiceField(
        label=_("For approver"), queryset=Person.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args: Any, approvers: list[Person], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["approver"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in approvers]
        )
        for i in range(1, self.ACTIONS + 1):
            self.fields[f"action_{i}_title"] = forms.CharField(label=_("Action title"), required=False)
            self.fields[f"action_{i}_owner"] = forms.ModelChoiceField(
                label=_("Owner"), queryset=_people(), required=False, empty_label="—"
            )
            self.fields[f"action_{i}_due"] = forms.DateField(label=_("Due"), required=False, widget=DateInput)

    def action_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"action_{i}_title"], self[f"action_{i}_owner"], self[f"action_{i}_due"])
            for i in range(1, self.ACTIONS + 1)
        ]

    def actions(self) -> list[dict[str, Any]]:
        out = []
        for i in range(1, self.ACTIONS + 1):
            title = self.cleaned_data.get(f"action_{i}_title") or ""
            owner = self.cleaned_data.get(f"action_{i}_owner")
            due = self.cleaned_data.get(f"action_{i}_due")
            if title or owner or due:
                out.append({"title": title, "owner": owner, "due_date": due})
        return out


class PortfolioGateFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.order_by("code"), required=False, empty_label="—"
    )
    project_type = forms.ModelChoiceField(
        label=_("Project type"),
        queryset=ProjectType.objects.order_by("code"),
        required=False,
        empty_label="—",
    )
    status = forms.ChoiceField(
        label=_("Project status"), choices=[("", "—"), *Status.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("Gate"),
        required=False,
        choices=[
            ("", "—"),
            ("overdue", _("overdue")),
            ("in_review", _("in review")),
            ("upcoming", _("upcoming")),
            ("passed", _("passed")),
            ("conditional", _("conditional")),
            ("failed", _("failed (no-go)")),
        ],
    )

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
