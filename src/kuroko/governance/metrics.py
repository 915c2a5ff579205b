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

from django.db.models import Count, Q
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

RECORD_NAMES = (
    "size_kloc", "size_fp", "size_pages", "review_hours", "review_findings", "reviews_planned",
    "reviews_done", "tests_planned", "tests_executed", "tests_passed",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class QualityFacts:
    """What the quality metrics of one scope (a phase, or the whole project) are computed from."""

    records: tuple[dict[str, Any], ...]  # the figures of each quality record (RECORD_NAMES → value)
    found: int  # defects found by the day
    open: dict[int, int]  # severity → defects open on the day


FactsCompute = Callable[[QualityFacts], Decimal | None]
QUALITY_FROM_FACTS: dict[str, FactsCompute] = {}


def _open_q(as_of: date) -> Q:
    # Open on the day: found by then, and fixed only after it or not fixed at all and still open.
    return Q(found_on__lte=as_of) & (
        Q(fixed_on__gt=as_of) | Q(fixed_on__isnull=True, status=DefectStatus.OPEN)
    )


def quality_facts(project: Project, *, as_of: date) -> dict[int | None, QualityFacts]:
    """phase id → the facts of that phase, and None → those of the whole project (every record and
    defect), in three grouped queries whatever the number of phases."""
    records: dict[int | None, list[dict[str, Any]]] = {}
    for row in QualityRecord.objects.filter(project=project).values("phase_id", *RECORD_NAMES):
        phase_id = row.pop("phase_id")
        records.setdefault(phase_id, []).append(row)
    found: dict[int | None, int] = {}
    for row in (
        Defect.objects.filter(project=project, found_on__lte=as_of)
        .values("phase_found_id")
        .annotate(n=Count("pk"))
    ):
        found[row["phase_found_id"]] = row["n"]
    open_: dict[int | None, dict[int, int]] = {}
    for row in (
        Defect.objects.filter(_open_q(as_of), project=project)
        .values("phase_found_id", "severity")
        .annotate(n=Count("pk"))
    ):
        open_.setdefault(row["phase_found_id"], {})[row["severity"]] = row["n"]
    facts: dict[int | None, QualityFacts] = {}
    for phase_id in (set(records) | set(found) | set(open_)) - {None}:
        facts[phase_id] = QualityFacts(
            tuple(records.get(phase_id, ())), found.get(phase_id, 0), open_.get(phase_id, {})
        )
    whole_open: dict[int, int] = {}
    for counts in open_.values():
        for severity, n in counts.items():
            whole_open[severity] = whole_open.get(severity, 0) + n
    facts[None] = QualityFacts(
        tuple(row for rows in records.values() for row in rows), sum(found.values()), whole_open
    )
    return facts


def _scope_facts(project: Project, phase: Phase | None, as_of: date) -> QualityFacts:
    facts = quality_facts(project, as_of=as_of)
    empty = QualityFacts((), 0, {})
    return facts.get(phase.pk if phase is not None else None, empty)


def quality_metric(
    key: str, label: Any, *, unit: Any = "", higher_is_better: bool | None = None
) -> Callable[[FactsCompute], FactsCompute]:
    """Register the decorated function of `QualityFacts` as quality metric `key`."""

    def register(fn: FactsCompute) -> FactsCompute:
        QUALITY_FROM_FACTS[key] = fn

        def compute(project: Project, phase: Phase | None, as_of: date) -> Decimal | None:
            return fn(_scope_facts(project, phase, as_of))

        METRICS[key] = Metric(key, label, unit, compute, higher_is_better, quality=True)
        return fn

    return register


def _sum(facts: QualityFacts, name: str) -> Any:
    """The sum of `name` over the records that have it (None when none has)."""
    values = [row[name] for row in facts.records if row[name] is not None]
    return sum(values) if values else None


def _pair_ratio(facts: QualityFacts, numerator: str, denominator: str, scale: int = 1) -> Decimal | None:
    """Σ numerator / Σ denominator over the records where *both* are set: a phase that measured one
    but not the other must not push a share above 100 % (or a density off)."""
    pairs = [
        (row[numerator], row[denominator])
        for row in facts.records
        if row[numerator] is not None and row[denominator] is not None
    ]
    if not pairs:
        return None
    return _ratio(sum(n for n, _d in pairs), sum(d for _n, d in pairs), scale)


def _open_count(facts: QualityFacts, severities: tuple[int, ...]) -> Decimal:
    return Decimal(sum(facts.open.get(s, 0) for s in severities))


@quality_metric("open_defects_sev1", _("Open severity-1 defects"), higher_is_better=False)
def _open_sev1(facts: QualityFacts) -> Decimal | None:
    return _open_count(facts, (DefectSeverity.CRITICAL,))


@quality_metric("open_defects_sev12", _("Open severity-1 and -2 defects"), higher_is_better=False)
def _open_sev12(facts: QualityFacts) -> Decimal | None:
    return _open_count(facts, (DefectSeverity.CRITICAL, DefectSeverity.MAJOR))


@quality_metric("open_defects", _("Open defects"), higher_is_better=False)
def _open_all(facts: QualityFacts) -> Decimal | None:
    return _open_count(facts, tuple(DefectSeverity.values))


@quality_metric("defect_density_kloc", _("Defects per KLOC"), unit=_("per KLOC"))
def _density_kloc(facts: QualityFacts) -> Decimal | None:
    return _ratio(facts.found, _sum(facts, "size_kloc"))


@quality_metric("defect_density_fp", _("Defects per 100 function points"), unit=_("per 100 FP"))
def _density_fp(facts: QualityFacts) -> Decimal | None:
    return _ratio(facts.found, _sum(facts, "size_fp"), 100)


@quality_metric("review_findings_per_page", _("Review findings per page"), unit=_("per page"))
def _findings_per_page(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "review_findings", "size_pages")


@quality_metric("review_findings_per_kloc", _("Review findings per KLOC"), unit=_("per KLOC"))
def _findings_per_kloc(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "review_findings", "size_kloc")


@quality_metric("review_hours_per_kloc", _("Review hours per KLOC"), unit=_("per KLOC"))
def _review_hours_per_kloc(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "review_hours", "size_kloc")


@quality_metric("review_coverage", _("Review coverage"), unit="%", higher_is_better=True)
def _review_coverage(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "reviews_done", "reviews_planned", 100)


@quality_metric("tests_per_kloc", _("Test cases per KLOC"), unit=_("per KLOC"))
def _tests_per_kloc(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "tests_planned", "size_kloc")


@quality_metric("test_execution_rate", _("Test cases executed"), unit="%", higher_is_better=True)
def _test_execution(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "tests_executed", "tests_planned", 100)


@quality_metric("test_pass_rate", _("Test cases passed"), unit="%", higher_is_better=True)
def _test_pass(facts: QualityFacts) -> Decimal | None:
    return _pair_ratio(facts, "tests_passed", "tests_executed", 100)
