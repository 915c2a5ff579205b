"""Reads of quality management: records per phase, indicator bands and results, the defect register,
defect convergence and lessons learned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kuroko.governance.metrics import METRICS, metric_value
from kuroko.governance.models import Defect, Phase, QualityIndicator, QualityRecord
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


def quality_indicator_results(project: Project, *, as_of: date) -> list[IndicatorResult]:
    """Every indicator that has a band for the project's type, for the whole project and for each phase
    with data, with its value as of `as_of` and its state against the band.

    Whole-project results come first, then each phase in order; within them, metrics in registry order.
    Reads only: the caller decides who may see the project."""
    bands = effective_bands(project.project_type_id)
    if not bands:
        return []
    results: list[IndicatorResult] = []
    scopes: list[Phase | None] = [None, *phases_with_data(project)]
    for phase in scopes:
        for key, band in bands.items():
            value = metric_value(project, key, phase=phase, as_of=as_of)
            results.append(
                IndicatorResult(
                    metric=key,
                    label=str(METRICS[key].label),
                    phase=phase,
                    value=value,
                    lower=band.lower,
                    upper=band.upper,
                    state=band_state(value, band.lower, band.upper),
                )
            )
    return results
