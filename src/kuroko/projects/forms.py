"""Forms: parse and validate what people type; the services do the writing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuroko.core.templatetags.kuroko import localise_duration
from kuroko.engine.duration import DurationError, DurationUnits, Span, format_span, parse_span
from kuroko.formats.predecessors import PredecessorError, PredecessorRef, parse_predecessors
from kuroko.people.models import Person, Skill, Team
from kuroko.projects.mapping import aware, constraint_moment
from kuroko.projects.models import (
    ConstraintType,
    Program,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectType,
    Rag,
    Status,
    Task,
    TaskKind,
)
from kuroko.projects.selectors import SORTS, ProjectFilter
from kuroko.projects.services import PROJECT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All programs"),
    )
    status = forms.MultipleChoiceField(label=_("Status"), choices=Status.choices, required=False)
    manager = forms.ModelChoiceField(
        label=_("Project manager"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("All managers"),
    )
    project_type = forms.ModelChoiceField(
        label=_("Project type"),
        queryset=ProjectType.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("All types"),
    )
    rag = forms.ChoiceField(
        label=_("RAG"),
        required=False,
        choices=[("", _("All colours")), *Rag.choices, ("none", _("Not assessed"))],
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, *args: Any, managers: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if managers is not None:
            self.fields["manager"].queryset = managers  # type: ignore[attr-defined]

    def to_filter(self) -> ProjectFilter:
        # An invalid value (say, a program that was deleted) drops only that filter, not the others;
        # the form shows its error next to the field.
        data = self.cleaned_data if self.is_valid() or hasattr(self, "cleaned_data") else {}
        return ProjectFilter(
            program=data["program"].code if data.get("program") else None,
            status=list(data.get("status") or []),
            manager=data["manager"].pk if data.get("manager") else None,
            rag=data.get("rag") or None,
            project_type=data["project_type"].code if data.get("project_type") else None,
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "code",
        )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProjectForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        # The compared baseline is chosen on the baselines page.
        fields = tuple(f for f in PROJECT_FIELDS if f != "compared_baseline")
        widgets = {
            "planned_start": DateInput(),
            "planned_finish": DateInput(),
            "status_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            **{
                f"rag_{d}_reason": forms.Textarea(attrs={"rows": 2})
                for d in ("overall", "schedule", "cost", "scope", "quality", "risk")
            },
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        active = Person.objects.filter(is_active=True)
        self.fields["manager"].queryset = active  # type: ignore[attr-defined]
        self.fields["sponsor"].queryset = active  # type: ignore[attr-defined]
        self.fields["critical_float_days"].required = False  # empty: 0, MS Project's default
        # Forms and scripts that do not send the progress and EV methods keep the project's (or the default).
        for name in ("progress_method", "ev_method"):
            self.fields[name].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_critical_float_days(self) -> Any:
        return self.cleaned_data.get("critical_float_days") or Decimal(0)

    def _kept(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        if value:
            return value
        if self.instance.pk:
            return getattr(self.instance, name)
        return Project._meta.get_field(name).get_default()  # type: ignore[union-attr]

    def clean_progress_method(self) -> Any:
        return self._kept("progress_method")

    def clean_ev_method(self) -> Any:
        return self._kept("ev_method")

    def _post_clean(self) -> None:
        # The service validates the model (in its transaction); the form only parses input.
        pass

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROJECT_FIELDS if name in self.cleaned_data}


def _local_day(moment: Any) -> Any:
    return timezone.localtime(moment).date() if moment else None


class TaskForm(forms.Form):
    """Edit one WBS row; duration and predecessors are typed as text (5d, 1.2FS+1d …)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[(TaskKind.TASK, TaskKind.TASK.label), (TaskKind.MILESTONE, TaskKind.MILESTONE.label)],
    )
    duration = forms.CharField(label=_("Duration"), required=False, max_length=30)
    planned_start = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    planned_finish = forms.DateField(label=_("Finish"), required=False, widget=DateInput())
    # xgettext:no-python-format
    percent_complete = forms.IntegerField(label=_("% complete"), min_value=0, max_value=100, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    predecessors = forms.CharField(label=_("Predecessors"), required=False, max_length=500)
    constraint_type = forms.ChoiceField(
        label=_("Constraint"), choices=ConstraintType.choices, required=False, initial=ConstraintType.ASAP
    )
    constraint_date = forms.DateField(label=_("Constraint date"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    manual = forms.BooleanField(
        label=_("Manually scheduled"),
        required=False,
        help_text=_("Keeps the dates you type; links and constraints do not move it."),
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("0–1000 as in MS Project; levelling delays lower priorities first, never 1000."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: DurationUnits, owners: Any, summary: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.units = units
        self.summary = summary
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if summary:
            for name in (
                "kind",
                "duration",
                "planned_start",
                "planned_finish",
                "percent_complete",
                "constraint_type",
                "constraint_date",
                "deadline",
                "manual",
            ):
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, task: Task, predecessors: str, units: DurationUnits) -> dict[str, Any]:
        return {
            "version": task.version,
            "name": task.name,
            "kind": task.kind,
            "duration": localise_duration(format_span(task.duration_minutes, task.duration_elapsed, units)),
            "planned_start": task.planned_start,
            "planned_finish": task.planned_finish,
            "percent_complete": task.percent_complete,
            "owner": task.owner_id,
            "predecessors": predecessors,
            "notes": task.notes,
            "constraint_type": task.constraint_type,
            "constraint_date": _local_day(task.constraint_date),
            "deadline": _local_day(task.deadline),
            "manual": task.manual,
            "priority": task.priority,
        }

    def clean_duration(self) -> Span | None:
        text = self.cleaned_data.get("duration") or ""
        if self.summary or not text.strip():
            return None
        try:
            return parse_span(text, self.units)
        except DurationError as exc:
            raise ValidationError(
                _(
                    "“%(text)s” is not a duration: type a number and a unit, e.g. 5d, 2.5h, 1w or 3日 "
                    "(3ed or 3経過日 for elapsed days)."
                )
                % {"text": text}
            ) from exc

    def clean_predecessors(self) -> list[PredecessorRef]:
        try:
            return parse_predecessors(self.cleaned_data.get("predecessors") or "", self.units)
        except PredecessorError as exc:
            messages = {
                "duplicate": _("“%(item)s” is listed twice."),
                "lag": _("“%(item)s”: the lag is not a duration; write it like +2d or -1d."),
            }
            default = _(
                "“%(item)s” is not a predecessor: write WBS codes with an optional type and lag, "
                "e.g. 1.2, 1.3SS+2d or PRJ-7:4.1FF."
            )
            raise ValidationError(messages.get(exc.kind, default) % {"item": exc.item}) from exc

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {"name": data["name"], "owner": data["owner"], "notes": data["notes"]}
        if data.get("priority") is not None:
            out["priority"] = data["priority"]
        if not self.summary:
            out["kind"] = data["kind"] or TaskKind.TASK
            if data["duration"] is not None:
                out["duration_minutes"] = data["duration"].minutes
                out["duration_elapsed"] = data["duration"].elapsed
            out["planned_start"] = data["planned_start"]
            out["planned_finish"] = data["planned_finish"]
            if data["percent_complete"] is not None:
                out["percent_complete"] = data["percent_complete"]
            # Only what the person changed here (a form posted without these fields changes nothing):
            # otherwise typed dates become constraints.
            before = self.initial
            kind = data["constraint_type"] or ConstraintType.ASAP
            day = data["constraint_date"]
            if (kind, day) != (
                before.get("constraint_type") or ConstraintType.ASAP,
                before.get("constraint_date"),
            ):
                out["constraint_type"] = kind
                out["constraint_date"] = aware(constraint_moment(kind, day)) if day else None
            if bool(data["manual"]) != bool(before.get("manual")):
                out["manual"] = data["manual"]
            if data["deadline"] != before.get("deadline"):
                day = data["deadline"]
                out["deadline"] = aware(constraint_moment("FNLT", day)) if day else None
        return out


class ProgressForm(forms.Form):
    """What a task owner without editing rights may change."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # xgettext:no-python-format
    percent_complete = forms.IntegerField(label=_("% complete"), min_value=0, max_value=100)


class NewTaskForm(forms.Form):
    name = forms.CharField(label=_("New task"), max_length=255)


def _project_file_field(help_text: Any) -> forms.FileField:
    from kuroko.projects.services.import_files import accept_attribute

    return forms.FileField(
        label=_("Project file"),
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )


def _mapping_choices() -> list[tuple[str, Any]]:
    from kuroko.projects.models import ImportMapping

    # Grouped by the kind of file each is for; the import uses the mapping of that name for the file's
    # kind and says so when there is none.
    saved = list(ImportMapping.objects.order_by("kind", "name"))
    groups: list[tuple[str, Any]] = [("", _("Columns found in the file"))]
    for kind in ImportMapping.Kind:
        names = [(m.name, m.name) for m in saved if m.kind == kind]
        if names:
            groups.append((str(kind.label), names))
    return groups


class ImportForm(forms.Form):
    file = forms.FileField()  # set in __init__ (the accepted types come from the import service)
    code = forms.CharField(
        label=_("Code of the new project"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to use the file's name in capitals."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the name in the file."),
    )
    mapping = forms.ChoiceField(
        label=_("Saved column mapping"),
        required=False,
        help_text=_("Only for Excel WBS (.xlsx) and tracker CSV (.csv) files."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"] = _project_file_field(
            _(
                "MS Project (.xml, .mpp, .mpx), Primavera P6 (.xer, P6 XML), GanttProject (.gan), "
                "ProjectLibre (.pod), Planner (.planner), Kuroko plan JSON (.json), PSPLIB (.sm), "
                "Excel WBS (.xlsx) or tracker CSV (.csv); up to 20 MB."
            )
        )
        self.order_fields(["file", "code", "name", "mapping"])
        self.fields["mapping"].choices = _mapping_choices()  # type: ignore[attr-defined]


class UpdateImportForm(forms.Form):
    file = forms.FileField()  # set in __init__
    mapping = forms.ChoiceField(
        label=_("Saved column mapping"),
        required=False,
        help_text=_("Only for Excel WBS (.xlsx) and tracker CSV (.csv) files."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"] = _project_file_field(
            _(
                "A later version of the file this project was imported from, in the same format: MS "
                "Project, Primavera, GanttProject, ProjectLibre, Planner, plan JSON, PSPLIB, Excel WBS or "
                "CSV."
            )
        )
        self.order_fields(["file", "mapping"])
        self.fields["mapping"].choices = _mapping_choices()  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    # No colon after labels, like the rest of the forms.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("Project role"), choices=ProjectRole.choices, initial=ProjectRole.MEMBER)


class FreeSearchForm(forms.Form):
    """Who is free: from a date, for N working days, with a skill at a level, in a team."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=250, initial=10)
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        queryset=Skill.objects.select_related("category"),
        required=False,
        empty_label=_("Any"),
    )
    min_level = forms.IntegerField(label=_("Level at least"), min_value=1, max_value=5, initial=1)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("code"), required=False, empty_label=_("All teams")
    )
    min_free_percent = forms.IntegerField(
        # xgettext:no-python-format
        label=_("Free at least (%)"),
        min_value=0,
        max_value=100,
        initial=50,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The search a bare page shows: from today, for the initial values."""
        names = ("days", "min_level", "min_free_percent")
        return {"start": timezone.localdate().isoformat()} | {n: cls.base_fields[n].initial for n in names}


__all__ = [
    "FreeSearchForm",
    "MemberForm",
    "NewTaskForm",
    "PortfolioFilterForm",
    "ProgressForm",
    "ProjectForm",
    "ProjectMember",
    "TaskForm",
    "UpdateImportForm",
]
