"""Quality threshold rules: one per quality indicator (`quality.<metric>`), violated when the project's
value (or a phase's) lies outside the band the PMO set for the project type (`QualityIndicator`)."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.governance.audit.registry import (
    Effective,
    Evidence,
    Pack,
    ProjectData,
    Rule,
    register,
    register_pack,
)
from kuroko.governance.metrics import METRICS, metric_value

PACK = "quality"
# Severe defects left open are worse than a density outside its band.
SEVERITY = {"open_defects_sev1": "high", "open_defects_sev12": "high"}


@dataclass(frozen=True, slots=True)
class _Result:
    """The shape of the quality part's IndicatorResult that the rules read."""

    metric: str
    label: Any
    phase: Any
    value: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    state: str


def _bands(project: Any, indicators: list[Any]) -> dict[str, Any]:
    """The bands that apply to the project: its type's, else the organisation's."""
    bands = {i.metric: i for i in indicators if i.project_type_id is None}
    bands.update(
        {
            i.metric: i
            for i in indicators
            if i.project_type_id == project.project_type_id and i.project_type_id
        }
    )
    return bands


def _computed(project: Any, bands: Mapping[str, Any], as_of: date) -> list[_Result]:
    """Whole-project values against the bands (used when the quality part's selector is not there)."""
    out = []
    for key, band in bands.items():
        if key not in METRICS:
            continue
        value = metric_value(project, key, as_of=as_of)
        if value is None:
            state = "no_data"
        elif band.lower is not None and value < band.lower:
            state = "low"
        elif band.upper is not None and value > band.upper:
            state = "high"
        else:
            state = "ok"
        out.append(_Result(key, METRICS[key].label, None, value, band.lower, band.upper, state))
    return out


def _selector() -> Any:
    try:
        module = importlib.import_module("kuroko.governance.selectors.quality")
    except ImportError:
        return None
    return getattr(module, "quality_indicator_results", None)


def load(
    projects: list[Any], today: date, effective: Mapping[int, Mapping[str, Effective]]
) -> dict[int, Any]:
    """Each project's indicator results (only projects with quality records or defects, and a band)."""
    from kuroko.governance.models import Defect, QualityIndicator, QualityRecord

    pids = [p.pk for p in projects]
    indicators = list(QualityIndicator.objects.all())
    out: dict[int, Any] = {pid: [] for pid in pids}
    if not indicators:
        return out
    measured = set(QualityRecord.objects.filter(project_id__in=pids).values_list("project_id", flat=True))
    measured |= set(Defect.objects.filter(project_id__in=pids).values_list("project_id", flat=True))
    selector = _selector()
    for project in projects:
        if project.pk not in measured:
            continue
        bands = _bands(project, indicators)
        wanted = [
            k
            for k in bands
            if effective[project.pk].get(f"quality.{k}", None)
            and effective[project.pk][f"quality.{k}"].enabled
        ]
        if not wanted:
            continue
        if selector is not None:
            out[project.pk] = list(selector(project, as_of=today))
        else:
            out[project.pk] = _computed(project, {k: bands[k] for k in wanted}, today)
    return out


register_pack(Pack(PACK, gettext_lazy("Quality thresholds"), load))


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _checker(key: str) -> Any:
    def check(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
        outside = [r for r in data.packs[PACK] if r.metric == key and r.state in ("low", "high")]
        if not outside:
            return None
        return {
            "items": [
                {
                    "phase": str(r.phase) if r.phase is not None else "",
                    "value": _plain(r.value),
                    "lower": _plain(r.lower),
                    "upper": _plain(r.upper),
                    "state": r.state,
                }
                for r in outside
            ]
        }

    return check


def _message(evidence: Evidence) -> str:
    parts = []
    for item in evidence["items"]:
        band = f"{item['lower'] or '−∞'} – {item['upper'] or '∞'}"
        where = item["phase"] or _("whole project")
        parts.append(
            _("%(where)s: %(value)s outside %(band)s")
            % {"where": where, "value": item["value"], "band": band}
        )
    return "; ".join(parts)


for _metric in [m for m in METRICS.values() if m.quality]:
    register(
        Rule(
            key=f"quality.{_metric.key}",
            pack=PACK,
            title=_metric.label,
            description=gettext_lazy(
                "The indicator lies within the band the PMO set for the project type on the quality "
                "indicators page (no band, no check). A value outside it — too high or too low — calls for a "
                "look at how the work is reviewed and tested."
            ),
            severity=SEVERITY.get(_metric.key, "medium"),
            check=_checker(_metric.key),
            message=_message,
        )
    )
