"""Forms of quality management pages: quality records, defects and their filters, bands, lessons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils.translation import gettext_lazy as _

from kuroko.governance.models import (
    Defect,
    DefectSeverity,
    DefectStatus,
    Lesson,
    LessonCategory,
    Phase,
    ProjectTemplate,
    QualityRecord,
)
from kuroko.governance.selectors.quality import RECORD_FIELDS, DefectFilter, LessonFilter, check_record
from kuroko.projects.models import Project, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _dash_empty_choices(form: forms.BaseForm) -> None:
    """Django 6.1's "- Select an option -" has no Japanese yet: an empty choice reads as a dash (as in
    the RAID register forms), in model choice fields and in plain (typed) choice fields alike."""
    blank = str(BLANK_CHOICE_LABEL)
    for field in form.fields.values():
        single = not isinstance(field, forms.ModelMultipleChoiceField)
        if single and isinstance(field, forms.ModelChoiceField):
            if not field.required:
                field.empty_label = "—"
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            field.choices = [
                ("", "—") if value == "" and str(label) == blank else (value, label)
                for value, label in choices
            ]


class RecordForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = QualityRecord
        fields = list(RECORD_FIELDS)
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "step": "any", "class": "num"}) for name in RECORD_FIELDS
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_record(data)  # the service checks again; here the message lands next to its field
        return data


class DefectForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Defect
        fields = [
            "key",
            "title",
            "severity",
            "status",
            "phase_found",
            "phase_injected",
            "task",
            "found_on",
            "fixed_on",
        ]
        widgets = {"found_on": DATE, "fixed_on": DATE}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phases = Phase.objects.filter(project=project).order_by("number", "pk")
        self.fields["phase_found"].queryset = phases  # type: ignore[attr-defined]
        self.fields["phase_injected"].queryset = phases  # type: ignore[attr-defined]
        self.fields["task"].queryset = Task.objects.filter(project=project).order_by("row")  # type: ignore[attr-defined]
        self.fields["found_on"].required = False
        self.fields["found_on"].help_text = _("Empty: today.")
        self.fields["fixed_on"].help_text = _("Set when the status becomes fixed; cleared when reopened.")
        _dash_empty_choices(self)


class DefectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    severity = forms.TypedMultipleChoiceField(
        label=_("Severity"), choices=DefectSeverity.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=DefectStatus.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    phase_found = forms.ModelChoiceField(
        label=_("Phase found"), queryset=Phase.objects.none(), required=False
    )
    phase_injected = forms.ModelChoiceField(
        label=_("Phase injected"), queryset=Phase.objects.none(), required=False
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phases = Phase.objects.filter(project=project).order_by("number", "pk")
        self.fields["phase_found"].queryset = phases  # type: ignore[attr-defined]
        self.fields["phase_injected"].queryset = phases  # type: ignore[attr-defined]
        _dash_empty_choices(self)

    def to_filter(self) -> DefectFilter:
        if not self.is_bound or not self.is_valid():
            return DefectFilter()
        data = self.cleaned_data
        return DefectFilter(
            severity=tuple(data["severity"]),
            status=tuple(data["status"]),
            phase_found=data["phase_found"].pk if data["phase_found"] else None,
            phase_injected=data["phase_injected"].pk if data["phase_injected"] else None,
            q=data["q"],
        )


class LessonForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Lesson
        fields = [
            "title", "category", "positive", "situation", "cause", "recommendation", "project", "phase_name",
            "templates", "tags",
        ]  # fmt: skip
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "templates": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        self.fields["templates"].queryset = ProjectTemplate.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["templates"].required = False
        _dash_empty_choices(self)


class LessonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *list(LessonCategory.choices)], required=False
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=ProjectTemplate.objects.none(), required=False
    )
    positive = forms.TypedChoiceField(
        label=_("Kind"),
        choices=[("", _("All")), ("1", _("Worked well")), ("0", _("To improve"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        self.fields["template"].queryset = ProjectTemplate.objects.order_by("code")  # type: ignore[attr-defined]
        _dash_empty_choices(self)

    def to_filter(self) -> LessonFilter:
        if not self.is_bound or not self.is_valid():
            return LessonFilter()
        data = self.cleaned_data
        return LessonFilter(
            q=data["q"],
            category=data["category"] or "",
            project=data["project"].pk if data["project"] else None,
            template=data["template"].pk if data["template"] else None,
            positive=data["positive"],
        )
