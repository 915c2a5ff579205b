"""Forms of the issue, action-item, decision and change-request pages and of the escalation rules: they
parse what people type; the services decide and write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kuroko.engine.duration import DurationError, format_duration, parse_duration
from kuroko.people.models import Person
from kuroko.projects.forms import DateInput
from kuroko.projects.models import Baseline, Project, Task, TaskKind
from kuroko.raid.models import (
    ActionItem,
    ActionStatus,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionStatus,
    EscalationLevel,
    EscalationRule,
    Issue,
    IssueStatus,
    Priority,
    Severity,
)
from kuroko.raid.selectors.registers import OPEN, RegisterFilter, linkable

TEXTAREA = {"rows": 3}
M2M = ("tasks", "risks", "issues", "change_requests", "decisions")


def _people() -> Any:
    return Person.objects.filter(is_active=True).order_by("family_name", "given_name")


class RegisterForm(forms.ModelForm):  # type: ignore[type-arg]
    """A register item's form: a hidden version, and `changes()` for the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, project: Project, editable: tuple[str, ...] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.project = project
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if "owner" in self.fields:
            self.fields["owner"].queryset = _people()  # type: ignore[attr-defined]
        # Django 6.1's "- Select an option -" has no Japanese yet: an empty choice reads as a dash.
        for form_field in self.fields.values():
            single = not isinstance(form_field, forms.ModelMultipleChoiceField)
            if single and isinstance(form_field, forms.ModelChoiceField) and not form_field.required:
                form_field.empty_label = "—"
        # What the user may not change is shown, disabled (the service refuses changes anyway).
        if editable is not None:
            for name, form_field in self.fields.items():
                if name != "version" and name not in editable:
                    form_field.disabled = True

    def changes(self) -> dict[str, Any]:
        """The model fields as entered (links as instances), without the version and the many-to-many."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "version" and k not in M2M and not self.fields[k].disabled
        }

    def links(self, *names: str) -> dict[str, list[Any]]:
        return {n: list(self.cleaned_data.get(n) or []) for n in names if not self.fields[n].disabled}


def _choices(all_label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", all_label), *choices]


class IssueForm(RegisterForm):
    class Meta:
        model = Issue
        fields = (
            "title",
            "severity",
            "priority",
            "owner",
            "due_date",
            "status",
            "description",
            "resolution",
            "risk",
            "tasks",
        )
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs=TEXTAREA),
            "resolution": forms.Textarea(attrs=TEXTAREA),
            "tasks": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["risk"].queryset = linkable(self.project)["risks"]  # type: ignore[attr-defined]
        tasks = Task.objects.filter(project=self.project).exclude(kind=TaskKind.SUMMARY).order_by("row")
        self.fields["tasks"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["tasks"].help_text = _("Work tasks of the project the issue affects.")


class IssueRowForm(RegisterForm):
    """The fields edited in the register's row."""

    class Meta:
        model = Issue
        fields = ("severity", "priority", "owner", "due_date", "status", "escalation_level", "resolution")
        widgets = {"due_date": DateInput(), "resolution": forms.Textarea(attrs={"rows": 2})}


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    level = forms.TypedChoiceField(
        label=_("Escalate to"),
        choices=EscalationLevel.choices[1:],
        coerce=int,
        required=False,
        empty_value=None,
    )


class ActionForm(RegisterForm):
    class Meta:
        model = ActionItem
        fields = (
            "title",
            "owner",
            "due_date",
            "status",
            "description",
            "risk",
            "issue",
            "decision",
            "change_request",
        )
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        items = linkable(self.project)
        for name, key in (
            ("risk", "risks"),
            ("issue", "issues"),
            ("decision", "decisions"),
            ("change_request", "change_requests"),
        ):
            self.fields[name].queryset = items[key]  # type: ignore[attr-defined]


class ActionRowForm(RegisterForm):
    class Meta:
        model = ActionItem
        fields = ("owner", "due_date", "status")
        widgets = {"due_date": DateInput()}


class DecisionForm(RegisterForm):
    change_requests = forms.ModelMultipleChoiceField(
        label=capfirst(_("related change requests")), queryset=ChangeRequest.objects.none(), required=False
    )

    class Meta:
        model = Decision
        fields = (
            "title",
            "status",
            "decided_on",
            "decided_by",
            "due_date",
            "owner",
            "description",
            "options",
            "rationale",
            "risks",
            "issues",
        )
        widgets = {
            "decided_on": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs=TEXTAREA),
            "options": forms.Textarea(attrs=TEXTAREA),
            "rationale": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        items = linkable(self.project)
        self.fields["risks"].queryset = items["risks"]  # type: ignore[attr-defined]
        self.fields["issues"].queryset = items["issues"]  # type: ignore[attr-defined]
        self.fields["change_requests"].queryset = items["change_requests"]  # type: ignore[attr-defined]
        self.fields["decided_by"].help_text = _("Who decided: a person, a board or a meeting.")
        if self.instance.pk:
            self.fields["change_requests"].initial = list(self.instance.change_requests.all())


class DecisionRowForm(RegisterForm):
    """The fields of a decision edited in the log's row (the decision text and the rest on its page)."""

    class Meta:
        model = Decision
        fields = ("title", "status", "decided_on", "decided_by", "due_date", "owner")
        widgets = {"decided_on": DateInput(), "due_date": DateInput()}


class ChangeFieldsForm(RegisterForm):
    """What the change-request page and the register's row share: the schedule impact typed as working
    time (5d, 4h), an empty cost impact as 0 and an empty request date as today (the service's default)."""

    schedule_impact = forms.CharField(
        label=capfirst(_("schedule impact")),
        required=False,
        help_text=_("Working time the change adds, e.g. 5d or 4h (negative if it saves time)."),
    )

    def __init__(self, *args: Any, units: Any = None, **kw: Any):
        super().__init__(*args, **kw)
        self.units = units
        self.fields["requested_on"].required = False
        self.fields["cost_impact"].required = False
        if self.instance.pk:
            self.fields["schedule_impact"].initial = format_duration(
                self.instance.schedule_impact_minutes, units
            )

    def clean_schedule_impact(self) -> int:
        text = (self.cleaned_data.get("schedule_impact") or "").strip()
        if not text:
            return 0
        try:
            return parse_duration(text, self.units, allow_negative=True)
        except DurationError:
            # The engine's message is English only: the form words it in the user's language.
            raise ValidationError(
                _("“%(value)s” is not a duration; write e.g. 3d or 4h.") % {"value": text}
            ) from None

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        if "schedule_impact" in data:
            data["schedule_impact_minutes"] = data.pop("schedule_impact")
        if "cost_impact" in data and data["cost_impact"] is None:
            data["cost_impact"] = 0
        if not data.get("requested_on"):
            data.pop("requested_on", None)
        return data


class ChangeRequestForm(ChangeFieldsForm):
    ORDER = ("title", "requested_by", "requested_on", "owner", "description", "reason", "scope_impact",
             "schedule_impact", "cost_impact", "baseline", "decisions")  # fmt: skip

    class Meta:
        model = ChangeRequest
        fields = (
            "title",
            "requested_by",
            "requested_on",
            "owner",
            "description",
            "reason",
            "scope_impact",
            "cost_impact",
            "baseline",
            "decisions",
        )
        widgets = {
            "requested_on": DateInput(),
            "description": forms.Textarea(attrs=TEXTAREA),
            "reason": forms.Textarea(attrs=TEXTAREA),
            "scope_impact": forms.Textarea(attrs=TEXTAREA),
        }

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["requested_by"].queryset = _people()  # type: ignore[attr-defined]
        self.fields["baseline"].queryset = Baseline.objects.filter(  # type: ignore[attr-defined]
            project=self.project
        ).order_by("number")
        self.fields["decisions"].queryset = linkable(self.project)["decisions"]  # type: ignore[attr-defined]
        self.order_fields(self.ORDER)


class ChangeRowForm(ChangeFieldsForm):
    """The fields of a draft or submitted change request edited in the register's row."""

    class Meta:
        model = ChangeRequest
        fields = ("title", "owner", "requested_on", "cost_impact")
        widgets = {"requested_on": DateInput()}

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.order_fields(("title", "owner", "requested_on", "schedule_impact", "cost_impact"))


class ChangeActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    capture_baseline = forms.BooleanField(label=_("Capture the baseline again"), required=False)
    baseline_number = forms.IntegerField(
        label=_("Baseline number"), min_value=0, max_value=10, required=False
    )


class RegisterFilterForm(forms.Form):
    """A register's filters, read into the `RegisterFilter` the selectors and the API share: each field
    sets the filter attribute of its name (a person as its id)."""

    PEOPLE: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        for name in self.PEOPLE:
            self.fields[name].queryset = _people()  # type: ignore[attr-defined]

    def to_filter(self, today: date, *, default_sort: str = "number", **extra: Any) -> RegisterFilter:
        # A bad value drops only that filter; the form shows the error next to it.
        data = self.cleaned_data if self.is_valid() or hasattr(self, "cleaned_data") else {}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if isinstance(value, Person):
                values[name] = value.pk
            elif isinstance(value, str):
                values[name] = value.strip()
            elif value is not None:
                values[name] = bool(value)
        values["sort"] = values.get("sort") or default_sort
        return RegisterFilter(today=today, **values, **extra)


def _sorts(*extra: tuple[str, Any]) -> list[tuple[str, Any]]:
    return [
        ("number", _("Number")),
        ("due", _("Due date (earliest first)")),
        ("-due", _("Due date (latest first)")),
        *extra,
    ]


class IssueFilterForm(RegisterFilterForm):
    PEOPLE = ("owner",)

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (OPEN, _("Open (any)")), *IssueStatus.choices],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_choices(_("All"), Severity.choices)
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_choices(_("All"), Priority.choices)
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    escalated = forms.BooleanField(label=_("Escalated"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=_sorts(("severity", _("Severity"))))


class ActionFilterForm(RegisterFilterForm):
    PEOPLE = ("owner",)

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (OPEN, _("Open (any)")), *ActionStatus.choices],
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    mine = forms.BooleanField(label=_("Mine"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=_sorts())


class DecisionFilterForm(RegisterFilterForm):
    PEOPLE = ("owner",)

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(_("All"), DecisionStatus.choices)
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Pending past the date needed by"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("number", _("Number")),
            ("due", _("Needed by (earliest first)")),
            ("-due", _("Needed by (latest first)")),
        ],
    )


class ChangeFilterForm(RegisterFilterForm):
    PEOPLE = ("requested_by",)

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (OPEN, _("Undecided (draft or submitted)")), *ChangeStatus.choices],
    )
    requested_by = forms.ModelChoiceField(
        label=_("Requested by"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class EscalationRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = EscalationRule
        fields = ("name", "register", "severity", "risk_level", "days", "escalate_to", "active")

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Leave empty to name the rule after what it does.")
        self.fields["severity"].widget = forms.Select(choices=_choices("—", Severity.choices))
        self.fields["severity"].help_text = _("For issue rules.")
        self.fields["risk_level"].help_text = _("For risk rules.")
