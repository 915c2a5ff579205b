"""Quality threshold rules: one per quality indicator (`quality.<metric>`), violated when the project's
whole-project value lies outside the band the PMO set for the project type (`QualityIndicator`).

The band is set for a whole project: a single phase (design, unit test) naturally lies outside it, so
phases are not judged. A defect density of 0 with no test case executed is no data, not "low"."""

from __future__ import annotations

from collections.abc import Mapping
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
from kuroko.governance.metrics import METRICS

PACK = "quality"
# Severe defects left open are worse than a density outside its band.
SEVERITY = {"open_defects_sev1": "high", "open_defects_sev12": "high"}


def load(
    projects: list[Any], today: date, effective: Mapping[int, Mapping[str, Effective]]
) -> dict[int, Any]:
    """Each project's whole-project indicator results (`quality_indicator_results`; only projects with
    quality records or defects, bands, and a quality rule enabled)."""
    from kuroko.governance.models import Defect, QualityIndicator, QualityRecord
    from kuroko.governance.selectors.quality import quality_indicator_results

    pids = [p.pk for p in projects]
    out: dict[int, Any] = {pid: [] for pid in pids}
    if not QualityIndicator.objects.exists():
        return out
    measured = set(QualityRecord.objects.filter(project_id__in=pids).values_list("project_id", flat=True))
    measured |= set(Defect.objects.filter(project_id__in=pids).values_list("project_id", flat=True))
    for project in projects:
        settings = effective[project.pk]
        if project.pk in measured and any(
            setting.enabled for key, setting in settings.items() if key.startswith(f"{PACK}.")
        ):
            out[project.pk] = list(quality_indicator_results(project, as_of=today, phases=False))
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
