"""Forms of the risk register and the risk matrix: parse what people type; the services do the writing
and apply the rules (scales, strategies, min ≤ most likely ≤ max, affected tasks)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kuroko.core.templatetags.kuroko import localise_duration
from kuroko.engine.duration import DurationError, DurationUnits, format_duration, parse_duration
from kuroko.people.models import Person
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid.excel import MAX_BYTES
from kuroko.raid.models import (
    Proximity,
    Risk,
    RiskCategory,
    RiskKind,
    RiskLevel,
    RiskStatus,
    Strategy,
)
from kuroko.raid.models.config import MAX_SCALE, MIN_SCALE
from kuroko.raid.selectors.risks import SORTS, MatrixInfo, RiskFilter


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class RiskFilterForm(forms.Form):
    """The register's filters (GET). An invalid value drops only that filter."""

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.MultipleChoiceField(label=_("Status"), choices=RiskStatus.choices, required=False)
    level = forms.MultipleChoiceField(label=_("Level"), choices=RiskLevel.choices, required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *RiskCategory.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label=_("All owners")
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *RiskKind.choices]
    )
    overdue = forms.BooleanField(label=_("Review overdue"), required=False)
    probability = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_SCALE, widget=forms.HiddenInput
    )
    impact = forms.IntegerField(required=False, min_value=0, max_value=MAX_SCALE, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[(k, k) for k in SORTS])

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def to_filter(self) -> RiskFilter:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # an invalid value drops only its own filter (cleaned_data keeps the rest)
            data = self.cleaned_data
        return RiskFilter(
            status=list(data.get("status") or []),
            level=list(data.get("level") or []),
            category=data.get("category") or None,
            owner=data["owner"].pk if data.get("owner") else None,
            kind=data.get("kind") or None,
            q=(data.get("q") or "").strip(),
            overdue=bool(data.get("overdue")),
            probability=data.get("probability"),
            impact=data.get("impact"),
            sort=data.get("sort") or "-score",
        )


DURATION_HELP = _("A duration, e.g. 3d or 4h.")


class RiskForm(forms.Form):
    """A risk, all fields or a subset (`only`): the add form, the inline row and the detail page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Type"), choices=RiskKind.choices, initial=RiskKind.THREAT)
    category = forms.ChoiceField(
        label=_("Category"), choices=RiskCategory.choices, initial=RiskCategory.OTHER
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label="—"
    )
    cause = forms.CharField(
        label=_("Cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Because of …"),
    )
    event = forms.CharField(
        label=_("Risk event"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("… this may happen …"),
    )
    effect = forms.CharField(
        label=_("Effect"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("… with this effect on the project."),
    )
    raised_on = forms.DateField(label=_("Raised on"), required=False, widget=DateInput())
    probability = forms.TypedChoiceField(label=_("Probability"), coerce=int, choices=())
    impact_cost = forms.TypedChoiceField(label=_("Cost impact"), coerce=int, choices=(), initial=0)
    impact_schedule = forms.TypedChoiceField(label=_("Schedule impact"), coerce=int, choices=(), initial=0)
    impact_quality = forms.TypedChoiceField(label=_("Quality impact"), coerce=int, choices=(), initial=0)
    proximity = forms.ChoiceField(
        label=_("Proximity"), required=False, choices=[("", "—"), *Proximity.choices]
    )
    strategy = forms.ChoiceField(
        label=_("Response strategy"), required=False, choices=[("", "—"), *Strategy.choices]
    )
    response = forms.CharField(
        label=_("Response actions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    trigger = forms.CharField(label=_("Trigger"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    residual_probability = forms.TypedChoiceField(
        label=_("Residual probability"), coerce=int, empty_value=None, required=False, choices=()
    )
    residual_impact = forms.TypedChoiceField(
        label=_("Residual impact"), coerce=int, empty_value=None, required=False, choices=()
    )
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices, initial=RiskStatus.OPEN)
    next_review = forms.DateField(label=_("Next review"), required=False, widget=DateInput())
    probability_percent = forms.DecimalField(
        label=_("Probability (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    cost_min = forms.DecimalField(label=_("Cost impact (min)"), required=False, min_value=0, decimal_places=2)
    cost_most_likely = forms.DecimalField(
        label=_("Cost impact (most likely)"), required=False, min_value=0, decimal_places=2
    )
    cost_max = forms.DecimalField(label=_("Cost impact (max)"), required=False, min_value=0, decimal_places=2)
    schedule_min = forms.CharField(
        label=_("Schedule impact (min)"), required=False, max_length=30, help_text=DURATION_HELP
    )
    schedule_most_likely = forms.CharField(
        label=_("Schedule impact (most likely)"), required=False, max_length=30, help_text=DURATION_HELP
    )
    schedule_max = forms.CharField(
        label=_("Schedule impact (max)"), required=False, max_length=30, help_text=DURATION_HELP
    )
    tasks = forms.TypedMultipleChoiceField(
        label=_("Affected tasks"),
        coerce=int,
        required=False,
        choices=(),
        help_text=_("Tasks (not summary tasks) the risk would delay or make cost more."),
    )

    GROUPS: dict[str, tuple[str, ...]] = {
        "description": ("title", "kind", "category", "owner", "raised_on", "cause", "event", "effect"),
        "assessment": ("probability", "impact_cost", "impact_schedule", "impact_quality", "proximity"),
        "response": ("strategy", "response", "trigger"),
        "residual": ("residual_probability", "residual_impact"),
        "tracking": ("status", "next_review"),
        "quantitative": (
            "probability_percent",
            "cost_min",
            "cost_most_likely",
            "cost_max",
            "schedule_min",
            "schedule_most_likely",
            "schedule_max",
            "tasks",
        ),
    }
    ADD = (
        "title",
        "kind",
        "category",
        "owner",
        "probability",
        "impact_cost",
        "impact_schedule",
        "impact_quality",
    )
    ROW = (
        "version",
        "title",
        "category",
        "owner",
        "probability",
        "impact_cost",
        "impact_schedule",
        "impact_quality",
        "status",
        "next_review",
    )

    def __init__(
        self,
        *args: Any,
        matrix: MatrixInfo,
        project: Project,
        units: DurationUnits,
        only: tuple[str, ...] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.units = units
        self.matrix = matrix
        if only is not None:
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]
        choices = {
            "probability": matrix.probability_choices(),
            "impact_cost": matrix.impact_choices(),
            "impact_schedule": matrix.impact_choices(),
            "impact_quality": matrix.impact_choices(),
            "residual_probability": [("", "—"), *matrix.probability_choices()],
            "residual_impact": [("", "—"), *matrix.impact_choices()],
        }
        for name, options in choices.items():
            if name in self.fields:
                self.fields[name].choices = options  # type: ignore[attr-defined]
        if "owner" in self.fields:
            self.fields["owner"].queryset = Person.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if "tasks" in self.fields:
            leaves = Task.objects.filter(project=project).exclude(kind=TaskKind.SUMMARY).order_by("row")
            self.fields["tasks"].choices = [  # type: ignore[attr-defined]
                (t.pk, f"{t.wbs_code} {t.name}") for t in leaves.only("pk", "wbs_code", "name")
            ]
            self.fields["tasks"].widget.attrs["size"] = 6
        if "strategy" in self.fields:
            # The page hides the strategies that do not fit the chosen type (the service refuses them).
            self.fields["strategy"].widget.attrs["data-threat"] = ",".join(("", *_threat()))
            self.fields["strategy"].widget.attrs["data-opportunity"] = ",".join(("", *_opportunity()))

    @classmethod
    def initial_for(cls, risk: Risk, units: DurationUnits) -> dict[str, Any]:
        def span(minutes: int | None) -> str:
            return "" if minutes is None else localise_duration(format_duration(minutes, units))

        values: dict[str, Any] = {
            name: getattr(risk, name)
            for name in (
                "version",
                "title",
                "kind",
                "category",
                "cause",
                "event",
                "effect",
                "raised_on",
                "probability",
                "impact_cost",
                "impact_schedule",
                "impact_quality",
                "proximity",
                "strategy",
                "response",
                "trigger",
                "residual_probability",
                "residual_impact",
                "status",
                "next_review",
                "probability_percent",
                "cost_min",
                "cost_most_likely",
                "cost_max",
            )
        }
        values["owner"] = risk.owner_id
        values["schedule_min"] = span(risk.schedule_min_minutes)
        values["schedule_most_likely"] = span(risk.schedule_most_likely_minutes)
        values["schedule_max"] = span(risk.schedule_max_minutes)
        if risk.pk:
            values["tasks"] = [t.pk for t in risk.tasks.all()]
        return values

    def _duration(self, name: str) -> int | None:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return parse_duration(text, self.units)
        except DurationError:
            raise ValidationError(
                _("“%(text)s” is not a duration: type a number and a unit, e.g. 3d or 4h.") % {"text": text}
            ) from None

    def clean_schedule_min(self) -> int | None:
        return self._duration("schedule_min")

    def clean_schedule_most_likely(self) -> int | None:
        return self._duration("schedule_most_likely")

    def clean_schedule_max(self) -> int | None:
        return self._duration("schedule_max")

    def changes(self) -> dict[str, Any]:
        """The model fields the form holds (schedule impacts in working minutes); tasks apart."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in self.fields:
            if name in ("version", "tasks"):
                continue
            if name.startswith("schedule_"):
                out[f"{name}_minutes"] = data.get(name)
            elif name == "raised_on" and data.get(name) is None:
                continue
            else:
                out[name] = data.get(name)
        return out

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's errors next to their fields (schedule_min_minutes → schedule_min); errors on
        fields the form does not hold go on top, named."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, messages in exc.message_dict.items():
            field = name.removesuffix("_minutes")
            if field in self.fields and field != "version":
                for message in messages:
                    self.add_error(field, message)
            else:
                label = getattr(Risk._meta.get_field(name), "verbose_name", name) if name != "__all__" else ""
                for message in messages:
                    self.add_error(None, f"{label}: {message}" if label else message)

    def task_ids(self) -> list[int] | None:
        return list(self.cleaned_data.get("tasks") or []) if "tasks" in self.fields else None

    @property
    def groups(self) -> dict[str, list[Any]]:
        """The bound fields of each group of the detail page (description, assessment …)."""
        return {
            group: [self[name] for name in names if name in self.fields]
            for group, names in self.GROUPS.items()
        }


def _threat() -> tuple[str, ...]:
    from kuroko.raid.models import THREAT_STRATEGIES

    return THREAT_STRATEGIES


def _opportunity() -> tuple[str, ...]:
    from kuroko.raid.models import OPPORTUNITY_STRATEGIES

    return OPPORTUNITY_STRATEGIES


def _numbers(text: str, name: str, *, count: int, integer: bool = False) -> list[float]:
    parts = [p for p in text.replace("、", ",").replace(";", ",").split(",") if p.strip()]
    try:
        values = [float(p.strip()) for p in parts]
    except ValueError:
        raise ValidationError(_("Write numbers separated by commas, e.g. 10, 30, 50, 70, 100.")) from None
    if values and len(values) != count:
        raise ValidationError(_("Give %(count)d numbers.") % {"count": count})
    return [int(v) if v.is_integer() else v for v in values]


class MatrixForm(forms.Form):
    """The risk matrix: scale, labels, bounds, review interval and the level of each cell (`cell_P_I`)."""

    size = forms.TypedChoiceField(
        label=_("Scale"),
        coerce=int,
        choices=[(n, f"{n}×{n}") for n in range(MIN_SCALE, MAX_SCALE + 1)],
        help_text=_("Number of probability and impact levels (3 to 7)."),
    )
    probability_labels = forms.CharField(
        label=_("Probability labels"),
        required=False,
        help_text=_("One per level, lowest first, separated by commas."),
    )
    impact_labels = forms.CharField(
        label=_("Impact labels"),
        required=False,
        help_text=_("One per level, lowest first, separated by commas."),
    )
    probability_percents = forms.CharField(
        label=_("Probability bounds (%)"),
        required=False,
        help_text=_("The upper bound of each probability level, ascending, ending at 100."),
    )
    cost_thresholds = forms.CharField(
        label=_("Cost impact bounds"),
        required=False,
        help_text=_("The upper bound of each cost impact level but the highest (one fewer than the scale)."),
    )
    schedule_threshold_days = forms.CharField(
        label=_("Schedule impact bounds (days)"),
        required=False,
        help_text=_("The upper bound in working days of each schedule impact level but the highest."),
    )
    review_days = forms.IntegerField(
        label=_("Review interval (days)"),
        min_value=1,
        max_value=366,
        help_text=_("An open risk not reviewed for this long is overdue for review."),
    )

    def __init__(self, *args: Any, size: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.grid_size = size
        for p in range(1, size + 1):
            for i in range(1, size + 1):
                self.fields[f"cell_{p}_{i}"] = forms.ChoiceField(
                    label=_("Level"), choices=RiskLevel.choices, required=False
                )

    @classmethod
    def initial_for(cls, info: MatrixInfo) -> dict[str, Any]:
        def joined(values: list[Any]) -> str:
            return ", ".join(str(int(v) if float(v).is_integer() else v) for v in values)

        m = info.matrix
        initial: dict[str, Any] = {
            "size": info.size,
            "probability_labels": ", ".join(m.probability_labels),
            "impact_labels": ", ".join(m.impact_labels),
            "probability_percents": joined(m.probability_percents),
            "cost_thresholds": joined(m.cost_thresholds),
            "schedule_threshold_days": joined(m.schedule_threshold_days),
            "review_days": info.review_days,
        }
        for p in range(1, info.size + 1):
            for i in range(1, info.size + 1):
                initial[f"cell_{p}_{i}"] = info.cells[p - 1][i - 1]
        return initial

    def cleaned_matrix(self) -> dict[str, Any]:
        """The service's input; raises ValidationError naming the field."""
        data = self.cleaned_data
        size = data["size"]

        def labels(name: str) -> list[str]:
            parts = [p.strip() for p in (data.get(name) or "").replace("、", ",").split(",")]
            parts = [p for p in parts if p]
            if parts and len(parts) != size:
                raise ValidationError({name: _("Give one label per level (%(size)d).") % {"size": size}})
            return parts

        out: dict[str, Any] = {"size": size, "review_days": data["review_days"]}
        out["probability_labels"] = labels("probability_labels")
        out["impact_labels"] = labels("impact_labels")
        for name, count in (
            ("probability_percents", size),
            ("cost_thresholds", size - 1),
            ("schedule_threshold_days", size - 1),
        ):
            try:
                out[name] = _numbers(data.get(name) or "", name, count=count)
            except ValidationError as exc:
                raise ValidationError({name: exc.messages}) from None
        if size == self.grid_size:
            out["cells"] = [
                [data.get(f"cell_{p}_{i}") or RiskLevel.LOW for i in range(1, size + 1)]
                for p in range(1, size + 1)
            ]
        return out


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        help_text=_("A sheet with a header row, as the export writes it."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload
