"""Project metrics that gates, quality indicators and audit rules compare with thresholds.

Each metric is a function of a project (and optionally one of its phases) as of a day, returning a
Decimal or None when Kuroko has no data for it (a gate criterion on such a metric is then answered by the
reviewers). `METRICS` maps a key (`spi`, `open_defects_sev1`, …) to its label, unit and function; gate
criteria and quality indicators store the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from kuroko.governance.models import Defect, DefectSeverity, DefectStatus, Phase, QualityRecord
from kuroko.projects.models import Project

Compute = Callable[[Project, Phase | None, date], Decimal | None]


@dataclass(frozen=True, slots=True)
class Metric:
    """A measurable property of a project or phase."""

    key: str
    label: Any  # a lazy translation
    unit: Any  # shown after the value ("%", "per KLOC"); may be ""
    compute: Compute
    # True when a larger value is better (SPI), False when smaller is (open defects), None when neither
    # (defect density within a band).
    higher_is_better: bool | None
    quality: bool = False  # offered as a quality indicator


METRICS: dict[str, Metric] = {}


def metric(
    key: str, label: Any, *, unit: Any = "", higher_is_better: bool | None = None, quality: bool = False
) -> Callable[[Compute], Compute]:
    """Register the decorated function as metric `key`."""

    def register(fn: Compute) -> Compute:
        METRICS[key] = Metric(key, label, unit, fn, higher_is_better, quality)
        return fn

    return register


def metric_choices(*, quality: bool | None = None) -> list[tuple[str, str]]:
    """(key, label) of every metric (only the quality indicators with `quality=True`), for forms."""
    return [(m.key, str(m.label)) for m in METRICS.values() if quality is None or m.quality == quality]


def metric_value(project: Project, key: str, *, phase: Phase | None = None, as_of: date) -> Decimal | None:
    """The value of metric `key` for `project` (or its `phase`) as of `as_of`; None without data.

    Raises KeyError for an unknown key."""
    return METRICS[key].compute(project, phase, as_of)


def _ratio(
    numerator: Decimal | int | None, denominator: Decimal | int | None, scale: int = 1
) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal("0.0001"))


# --- Schedule and cost ------------------------------------------------------------------------------


def _evm(project: Project, as_of: date) -> Any:
    """The project's earned value in hours as of `as_of` (None without a baseline or with bad data)."""
    from kuroko.engine.evm import EvmError, Unit, earned_value
    from kuroko.tracking.mapping import NoBaseline, project_input

    day = min(as_of, project.status_date) if project.status_date else as_of
    try:
        mapped = project_input(project, status_date=day, unit=Unit.HOURS, with_history=False)
        return earned_value(mapped.project, status_date=day).project
    except (NoBaseline, EvmError):
        return None


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))


@metric("spi", _("Schedule performance index (SPI)"), higher_is_better=True)
def _spi(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    figures = _evm(project, as_of)
    return _decimal(figures.spi) if figures is not None else None


@metric("cpi", _("Cost performance index (CPI)"), higher_is_better=True)
def _cpi(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    figures = _evm(project, as_of)
    return _decimal(figures.cpi) if figures is not None else None


@metric("percent_complete", _("% complete"), unit="%", higher_is_better=True)
def _percent_complete(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    if phase is not None and phase.task_id is not None:
        return Decimal(phase.task.percent_complete) if phase.task is not None else None
    return Decimal(project.percent_complete)


# --- Risks and actions ------------------------------------------------------------------------------


@metric("open_high_risks", _("Open high and critical risks"), higher_is_better=False)
def _open_high_risks(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    from kuroko.raid.models import Risk
    from kuroko.raid.models.registers import OPEN_RISK_STATUSES

    return Decimal(
        Risk.objects.filter(
            project=project, status__in=OPEN_RISK_STATUSES, level__in=["high", "critical"]
        ).count()
    )


@metric("overdue_actions", _("Overdue actions"), higher_is_better=False)
def _overdue_actions(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    from kuroko.raid.models import ActionItem
    from kuroko.raid.models.registers import OPEN_ACTION_STATUSES

    return Decimal(
        ActionItem.objects.filter(
            project=project, status__in=OPEN_ACTION_STATUSES, due_date__lt=as_of
        ).count()
    )


# --- Quality ----------------------------------------------------------------------------------------


def _defects(project: Project, phase: Phase | None) -> Any:
    rows = Defect.objects.filter(project=project)
    return rows.filter(phase_found=phase) if phase is not None else rows


def _open_defects(project: Project, phase: Phase | None, as_of: date, severities: tuple[int, ...]) -> Decimal:
    rows = _defects(project, phase).filter(found_on__lte=as_of, severity__in=severities)
    # Open on the day: fixed only after it, or not fixed at all and still open.
    return Decimal(
        rows.filter(Q(fixed_on__gt=as_of) | Q(fixed_on__isnull=True, status=DefectStatus.OPEN)).count()
    )


@metric("open_defects_sev1", _("Open severity-1 defects"), higher_is_better=False, quality=True)
def _open_sev1(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    return _open_defects(project, phase, as_of, (DefectSeverity.CRITICAL,))


@metric("open_defects_sev12", _("Open severity-1 and -2 defects"), higher_is_better=False, quality=True)
def _open_sev12(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    return _open_defects(project, phase, as_of, (DefectSeverity.CRITICAL, DefectSeverity.MAJOR))


@metric("open_defects", _("Open defects"), higher_is_better=False, quality=True)
def _open_all(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    return _open_defects(project, phase, as_of, tuple(DefectSeverity.values))


def _record_totals(project: Project, phase: Phase | None) -> dict[str, Any]:
    """Sums of the quality records of the phase, or of the whole project (every phase and the project row)."""
    rows = QualityRecord.objects.filter(project=project)
    if phase is not None:
        rows = rows.filter(phase=phase)
    names = (
        "size_kloc", "size_fp", "size_pages", "review_hours", "review_findings", "reviews_planned",
        "reviews_done", "tests_planned", "tests_executed", "tests_passed",
    )  # fmt: skip
    return rows.aggregate(**{name: Sum(name) for name in names})


def _found(project: Project, phase: Phase | None, as_of: date) -> int:
    return int(_defects(project, phase).filter(found_on__lte=as_of).count())


@metric("defect_density_kloc", _("Defects per KLOC"), unit=_("per KLOC"), quality=True)
def _density_kloc(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    return _ratio(_found(project, phase, as_of), _record_totals(project, phase)["size_kloc"])


@metric("defect_density_fp", _("Defects per 100 function points"), unit=_("per 100 FP"), quality=True)
def _density_fp(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    return _ratio(_found(project, phase, as_of), _record_totals(project, phase)["size_fp"], 100)


@metric("review_findings_per_page", _("Review findings per page"), unit=_("per page"), quality=True)
def _findings_per_page(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["review_findings"], totals["size_pages"])


@metric("review_findings_per_kloc", _("Review findings per KLOC"), unit=_("per KLOC"), quality=True)
def _findings_per_kloc(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["review_findings"], totals["size_kloc"])


@metric("review_hours_per_kloc", _("Review hours per KLOC"), unit=_("per KLOC"), quality=True)
def _review_hours_per_kloc(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["review_hours"], totals["size_kloc"])


@metric("review_coverage", _("Review coverage"), unit="%", higher_is_better=True, quality=True)
def _review_coverage(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["reviews_done"], totals["reviews_planned"], 100)


@metric("tests_per_kloc", _("Test cases per KLOC"), unit=_("per KLOC"), quality=True)
def _tests_per_kloc(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["tests_planned"], totals["size_kloc"])


@metric("test_execution_rate", _("Test cases executed"), unit="%", higher_is_better=True, quality=True)
def _test_execution(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["tests_executed"], totals["tests_planned"], 100)


@metric("test_pass_rate", _("Test cases passed"), unit="%", higher_is_better=True, quality=True)
def _test_pass(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
    totals = _record_totals(project, phase)
    return _ratio(totals["tests_passed"], totals["tests_executed"], 100)
