"""Reads of quality management: records per phase, indicator bands and results, the defect register,
defect convergence and lessons learned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.engine.reliability import GrowthFit, fit_growth
from kuroko.governance import permissions as perms
from kuroko.governance.metrics import (
    METRICS,
    QUALITY_FROM_FACTS,
    QualityFacts,
    metric_value,
    quality_facts,
)
from kuroko.governance.models import Defect, DefectSeverity, Lesson, Phase, QualityIndicator, QualityRecord
from kuroko.projects.models import Project, ProjectType


@dataclass(frozen=True, slots=True)
class Band:
    """The effective band of one indicator for a project type (its own row, else the organisation's)."""

    metric: str
    lower: Decimal | None
    upper: Decimal | None
    project_type_id: int | None  # where the band comes from; None: the organisation default


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One quality indicator of a project (phase None) or of one of its phases, against its band."""

    metric: str
    label: str
    phase: Phase | None
    value: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    state: str  # "ok" | "low" | "high" | "no_data"


def band_state(value: Decimal | None, lower: Decimal | None, upper: Decimal | None) -> str:
    """ "no_data" without a value, "low" below the band, "high" above it, "ok" inside (bounds included)."""
    if value is None:
        return "no_data"
    if lower is not None and value < lower:
        return "low"
    if upper is not None and value > upper:
        return "high"
    return "ok"


def effective_bands(project_type: ProjectType | int | None) -> dict[str, Band]:
    """metric key → the band in force for projects of `project_type`: its own row where one exists, the
    organisation default (no type) otherwise. Metrics without either have no band."""
    type_id = project_type.pk if isinstance(project_type, ProjectType) else project_type
    rows = QualityIndicator.objects.filter(project_type__isnull=True)
    if type_id is not None:
        rows = QualityIndicator.objects.filter(project_type_id=type_id) | rows
    bands: dict[str, Band] = {}
    # Defaults first, then the type's rows replace them.
    for row in sorted(rows, key=lambda r: r.project_type_id is not None):
        if row.metric not in METRICS:
            continue
        bands[row.metric] = Band(row.metric, row.lower, row.upper, row.project_type_id)
    return {key: bands[key] for key in METRICS if key in bands}


def phases_with_data(project: Project) -> list[Phase]:
    """The project's phases that have a quality record or defects found in them, in order."""
    ids = set(
        QualityRecord.objects.filter(project=project, phase__isnull=False).values_list("phase_id", flat=True)
    )
    ids |= set(
        Defect.objects.filter(project=project, phase_found__isnull=False).values_list(
            "phase_found_id", flat=True
        )
    )
    return list(Phase.objects.filter(project=project, pk__in=ids).order_by("number", "pk"))


# Densities of defects found: with no test case executed yet, 0 defects says nothing about quality.
DENSITY_METRICS = ("defect_density_kloc", "defect_density_fp")


def _state(key: str, value: Decimal | None, band: Band, facts: QualityFacts) -> str:
    if key in DENSITY_METRICS and value == 0 and not any(r["tests_executed"] for r in facts.records):
        return "no_data"
    return band_state(value, band.lower, band.upper)


def quality_indicator_results(project: Project, *, as_of: date, phases: bool = True) -> list[IndicatorResult]:
    """Every indicator that has a band for the project's type, for the whole project and (unless `phases`
    is False) for each phase with data, with its value as of `as_of` and its state against the band.

    The band is the project's: a phase's value is compared with it as a hint only. A defect density of 0
    with no test case executed is "no_data". Whole-project results come first, then each phase in
    order; within them, metrics in registry order. A fixed number of queries whatever the number of
    phases. Reads only: the caller decides who may see the project."""
    check_as_of(as_of)
    bands = effective_bands(project.project_type_id)
    if not bands:
        return []
    facts = quality_facts(project, as_of=as_of)
    empty = QualityFacts((), 0, {})
    results: list[IndicatorResult] = []
    scopes: list[Phase | None] = [None, *(phases_with_data(project) if phases else [])]
    for phase in scopes:
        scope = facts.get(phase.pk if phase is not None else None, empty)
        for key, band in bands.items():
            from_facts = QUALITY_FROM_FACTS.get(key)
            if from_facts is not None:
                value = from_facts(scope)
            else:
                value = metric_value(project, key, phase=phase, as_of=as_of)
            results.append(
                IndicatorResult(
                    metric=key,
                    label=str(METRICS[key].label),
                    phase=phase,
                    value=value,
                    lower=band.lower,
                    upper=band.upper,
                    state=_state(key, value, band, scope),
                )
            )
    return results


# --- Records ---------------------------------------------------------------------------------------


RECORD_FIELDS = (
    "size_kloc", "size_fp", "size_pages", "review_hours", "review_findings", "reviews_planned",
    "reviews_done", "tests_planned", "tests_executed", "tests_passed",
)  # fmt: skip


def check_record(values: dict[str, Any]) -> None:
    """Reviews held ≤ planned, executed ≤ planned and passed ≤ executed (the message names the field)."""
    planned, executed, passed = (values.get(k) for k in ("tests_planned", "tests_executed", "tests_passed"))
    errors: dict[str, str] = {}
    reviews_planned, reviews_done = values.get("reviews_planned"), values.get("reviews_done")
    if reviews_done is not None and reviews_planned is not None and reviews_done > reviews_planned:
        errors["reviews_done"] = _("Reviews held (%(done)s) cannot exceed those planned (%(planned)s).") % {
            "done": reviews_done,
            "planned": reviews_planned,
        }
    if executed is not None and planned is not None and executed > planned:
        errors["tests_executed"] = _(
            "Test cases executed (%(executed)s) cannot exceed those planned (%(planned)s)."
        ) % {
            "executed": executed,
            "planned": planned,
        }
    if passed is not None and executed is not None and passed > executed:
        errors["tests_passed"] = _(
            "Test cases passed (%(passed)s) cannot exceed those executed (%(executed)s)."
        ) % {
            "passed": passed,
            "executed": executed,
        }
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A phase (None: the whole project) and its quality record (None: none yet)."""

    phase: Phase | None
    record: QualityRecord | None

    @property
    def values(self) -> list[Any]:
        """The record's figures in RECORD_FIELDS order (None where not set or without a record)."""
        return [getattr(self.record, name) if self.record else None for name in RECORD_FIELDS]


def record_rows(project: Project) -> list[RecordRow]:
    """One row per phase of the project, in order, then the whole-project row."""
    records = {r.phase_id: r for r in QualityRecord.objects.filter(project=project)}
    rows = [
        RecordRow(p, records.get(p.pk))
        for p in Phase.objects.filter(project=project).order_by("number", "pk")
    ]
    rows.append(RecordRow(None, records.get(None)))
    return rows


def phase_get(project: Project, pk: int | None) -> Phase | None:
    """The project's phase `pk` (None for None), or a ValidationError on `phase`."""
    if pk is None:
        return None
    phase = Phase.objects.filter(project=project, pk=pk).first()
    if phase is None:
        raise ValidationError({"phase": _("No phase %(id)s in this project.") % {"id": pk}})
    return phase


# --- Defects ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DefectFilter:
    """Filters of the defect register (pages and API)."""

    severity: tuple[int, ...] = ()
    status: tuple[str, ...] = ()
    phase_found: int | None = None
    phase_injected: int | None = None
    q: str = ""


def project_defects(user: Any, project: Project, f: DefectFilter | None = None) -> QuerySet[Defect]:
    """The project's defects matching `f` (the caller has checked the project is visible)."""
    require(perms.can_view_governance(user, project))
    f = f or DefectFilter()
    rows = Defect.objects.filter(project=project).select_related("phase_found", "phase_injected", "task")
    if f.severity:
        rows = rows.filter(severity__in=f.severity)
    if f.status:
        rows = rows.filter(status__in=f.status)
    if f.phase_found is not None:
        rows = rows.filter(phase_found_id=f.phase_found)
    if f.phase_injected is not None:
        rows = rows.filter(phase_injected_id=f.phase_injected)
    if f.q.strip():
        text = f.q.strip()
        rows = rows.filter(Q(title__icontains=text) | Q(key__icontains=text))
    return rows.order_by("-found_on", "-pk")


def defect_get(user: Any, pk: int) -> Defect:
    """The defect `pk` if the user may read its project (404 / 403)."""
    defect = (
        Defect.objects.select_related("project", "phase_found", "phase_injected", "task", "created_by")
        .filter(pk=pk)
        .first()
    )
    if defect is None:
        raise Http404(_("No defect with id %(id)s.") % {"id": pk})
    require(perms.can_view_governance(user, defect.project))
    return defect


@dataclass(frozen=True, slots=True)
class Matrix:
    """Defect counts by row label × column label (with totals)."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    total: int


def _matrix(
    counts: dict[tuple[Any, Any], int], rows: list[tuple[Any, str]], columns: list[tuple[Any, str]]
) -> Matrix:
    """The matrix of `counts` keyed by (row key, column key); `rows` and `columns` are (key, label)."""
    cells = [[counts.get((r, c), 0) for c, _label in columns] for r, _label in rows]
    return Matrix(
        rows=[label for _key, label in rows],
        columns=[label for _key, label in columns],
        cells=cells,
        row_totals=[sum(line) for line in cells],
        column_totals=[sum(line[i] for line in cells) for i in range(len(columns))],
        total=sum(sum(line) for line in cells),
    )


def defect_matrices(project: Project) -> tuple[Matrix, Matrix]:
    """Defects by severity × phase found, and by phase injected × phase found (two grouped queries).

    Cells are keyed by phase id (None: no phase), so two phases of the same name stay apart and the
    "(none)" column never merges with a phase of that name."""
    phases = list(Phase.objects.filter(project=project).order_by("number", "pk"))
    columns: list[tuple[Any, str]] = [(p.pk, p.name) for p in phases] + [(None, str(_("(none)")))]
    by_severity: dict[tuple[Any, Any], int] = {}
    for row in (
        Defect.objects.filter(project=project).values("severity", "phase_found").annotate(n=Count("pk"))
    ):
        key = (row["severity"], row["phase_found"])
        by_severity[key] = by_severity.get(key, 0) + row["n"]
    by_phase: dict[tuple[Any, Any], int] = {}
    for pair in (
        Defect.objects.filter(project=project).values("phase_injected", "phase_found").annotate(n=Count("pk"))
    ):
        key = (pair["phase_injected"], pair["phase_found"])
        by_phase[key] = by_phase.get(key, 0) + pair["n"]
    severities = [(value, str(label)) for value, label in DefectSeverity.choices]
    return _matrix(by_severity, severities, columns), _matrix(by_phase, columns, columns)


# --- Convergence -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConvergencePoint:
    """Cumulative defects found and fixed by the end of one period."""

    end: date
    t: int  # the period's number, 1 for the first
    found: int
    fixed: int


@dataclass(frozen=True, slots=True)
class Convergence:
    """The defect convergence of a project: cumulative counts per period, the fitted growth curve and
    its judgement, or why there is no fit."""

    by: str  # "day" | "week"
    start: date | None
    points: list[ConvergencePoint]
    fit: GrowthFit | None
    reason: str  # why there is no fit ("" with a fit)

    @property
    def found(self) -> int:
        return self.points[-1].found if self.points else 0

    @property
    def fixed(self) -> int:
        return self.points[-1].fixed if self.points else 0

    def day_of(self, t: float) -> date:
        """The calendar day at period time `t` (t = 1 is the end of the first period)."""
        assert self.start is not None
        step = 7 if self.by == "week" else 1
        return self.start + timedelta(days=round((t * step) - 1))

    def _forecast_t(self) -> float | None:
        """The period time at which the fitted curve reaches its convergence ratio (None without)."""
        if self.fit is None:
            return None
        try:
            return self.fit.t_at(min(self.fit.converged_ratio, 0.999))
        except (ValueError, OverflowError):
            return None

    @property
    def estimated_finish(self) -> date | None:
        """The day the fitted curve reaches its convergence ratio, when that lies after the last period
        (None without a fit, or when the curve got there already: see `needs_fewer_new`)."""
        t = self._forecast_t()
        if t is None or not self.points or t <= self.points[-1].t:
            return None
        try:
            return self.day_of(t)
        except OverflowError:
            return None

    @property
    def needs_fewer_new(self) -> bool:
        """True when not converged although the fitted curve reached its convergence ratio by the last
        period: the share found is there, but each period still finds too many new defects."""
        t = self._forecast_t()
        return (
            self.fit is not None
            and not self.fit.converged
            and t is not None
            and bool(self.points)
            and t <= self.points[-1].t
        )


# The convergence chart and fit take at most this many periods (days or weeks).
MAX_PERIODS = 2000
# How far from today a day of reference may lie ("as of").
AS_OF_FIRST = date(1900, 1, 1)
AS_OF_AHEAD = timedelta(days=366)


def check_as_of(as_of: date) -> None:
    """A ValidationError on `as_of` unless it lies between 1900-01-01 and a year from today."""
    last = timezone.localdate() + AS_OF_AHEAD
    if not AS_OF_FIRST <= as_of <= last:
        raise ValidationError(
            {
                "as_of": _("The day must lie between %(first)s and %(last)s.")
                % {"first": AS_OF_FIRST.isoformat(), "last": last.isoformat()}
            }
        )


def defect_convergence(project: Project, *, as_of: date, by: str = "day") -> Convergence:
    """Cumulative found and fixed defects per day or week from the first defect found to `as_of`, with the
    reliability growth curve fitted to the found counts (`engine.reliability.fit_growth`)."""
    if by not in ("day", "week"):
        raise ValidationError({"by": _("Choose day or week.")})
    check_as_of(as_of)
    rows = list(
        Defect.objects.filter(project=project, found_on__lte=as_of).values_list("found_on", "fixed_on")
    )
    if not rows:
        return Convergence(by, None, [], None, str(_("No defects recorded yet.")))
    start = min(found for found, _fixed in rows)
    step = 7 if by == "week" else 1
    periods = (as_of - start).days // step + 1
    if periods > MAX_PERIODS:
        return Convergence(
            by,
            start,
            [],
            None,
            str(
                _(
                    "Too many periods to chart: %(n)s from the first defect found on %(start)s "
                    "(at most %(max)s). Choose weeks."
                )
                % {"n": periods, "start": start.isoformat(), "max": MAX_PERIODS}
            ),
        )
    found_per = [0] * periods
    fixed_per = [0] * periods
    for found, fixed in rows:
        found_per[(found - start).days // step] += 1
        if fixed is not None and fixed <= as_of:
            fixed_per[(fixed - start).days // step] += 1
    points: list[ConvergencePoint] = []
    total_found = total_fixed = 0
    for i in range(periods):
        total_found += found_per[i]
        total_fixed += fixed_per[i]
        end = min(start + timedelta(days=(i + 1) * step - 1), as_of)
        points.append(ConvergencePoint(end, i + 1, total_found, total_fixed))
    try:
        fit = fit_growth([p.t for p in points], [p.found for p in points])
    except ValueError as exc:
        return Convergence(by, start, points, None, _no_fit_reason(str(exc), len(points)))
    return Convergence(by, start, points, fit, "")


def _no_fit_reason(message: str, count: int) -> str:
    """The engine's reason, said in the user's language."""
    if count < 4:
        return str(
            _("At least 4 periods of defect data are needed for a growth curve (%(n)s so far).")
            % {"n": count}
        )
    if "does not grow" in message:
        return str(_("The defect count does not grow: there is no curve to fit."))
    if "not bent" in message:
        return str(
            _(
                "The curve has not bent yet: defects are still being found faster and faster, "
                "so the total cannot be estimated."
            )
        )
    return str(_("No growth curve fits these defect counts."))


# --- Lessons ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LessonFilter:
    """Filters of the lessons-learned register (pages and API)."""

    q: str = ""
    category: str = ""
    project: int | None = None
    template: int | None = None
    positive: bool | None = None


def lessons(user: Any, f: LessonFilter | None = None) -> QuerySet[Lesson]:
    """Lessons matching `f`: every word of `q` in the title, situation, cause, recommendation or tags."""
    require(perms.can_read_lessons(user))
    f = f or LessonFilter()
    rows = Lesson.objects.select_related("project", "created_by")
    for word in f.q.split():
        rows = rows.filter(
            Q(title__icontains=word)
            | Q(situation__icontains=word)
            | Q(cause__icontains=word)
            | Q(recommendation__icontains=word)
            | Q(tags__icontains=word)
        )
    if f.category:
        rows = rows.filter(category=f.category)
    if f.project is not None:
        rows = rows.filter(project_id=f.project)
    if f.template is not None:
        rows = rows.filter(templates__id=f.template)
    if f.positive is not None:
        rows = rows.filter(positive=f.positive)
    return rows.distinct().order_by("-created_at", "-pk")


def lesson_get(user: Any, pk: int) -> Lesson:
    """The lesson `pk` (404), for any signed-in user."""
    require(perms.can_read_lessons(user))
    lesson = Lesson.objects.select_related("project", "created_by").filter(pk=pk).first()
    if lesson is None:
        raise Http404(_("No lesson with id %(id)s.") % {"id": pk})
    return lesson


def indicator_rows(project_type: ProjectType | None) -> dict[str, QualityIndicator]:
    """metric key → the band row set for exactly `project_type` (None: the organisation default)."""
    rows = (
        QualityIndicator.objects.filter(project_type=project_type)
        if project_type
        else (QualityIndicator.objects.filter(project_type__isnull=True))
    )
    return {r.metric: r for r in rows}
