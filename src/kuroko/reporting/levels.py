"""Report levels: which sections of a status report each audience sees, per project type (set by the
PMO in `ReportLevel`; project type → all projects → the defaults below)."""

from __future__ import annotations

from typing import Any

from kuroko.reporting.facts import SECTIONS
from kuroko.reporting.models import Audience, ReportLevel

DEFAULT_SECTIONS: dict[str, tuple[str, ...]] = {
    Audience.TEAM: SECTIONS,
    Audience.PMO: SECTIONS,
    Audience.EXECUTIVE: ("summary", "progress", "milestones", "forecast", "risks", "narrative"),
}


def sections_for(project: Any, audience: str) -> tuple[str, ...]:
    """The sections of `project`'s report shown to `audience`, in report order."""
    levels = {
        (level.project_type_id, level.audience): level.sections
        for level in ReportLevel.objects.filter(audience=audience)
    }
    chosen = levels.get((getattr(project, "project_type_id", None), audience))
    if chosen is None:
        chosen = levels.get((None, audience))
    if chosen is None:
        return DEFAULT_SECTIONS.get(audience, SECTIONS)
    return tuple(key for key in SECTIONS if key in chosen)


def audience_for(user: Any, project: Any = None) -> str:
    """The audience a reader belongs to: executives read the executive level, the PMO (and admins) the
    PMO level, everyone else the project team's."""
    from kuroko.core.permissions import is_pmo

    if getattr(user, "role", "") == "executive":
        return Audience.EXECUTIVE
    if is_pmo(user):
        return Audience.PMO
    return Audience.TEAM


def quality_label(indicator: str, stored: str) -> str:
    """A quality indicator's name in the reader's language (the facts keep the name in the language they
    were drafted in); the stored name for a metric no longer registered."""
    from kuroko.governance.metrics import METRICS

    metric = METRICS.get(indicator)
    return str(metric.label) if metric is not None else stored


def quality_unit(indicator: str, stored: str) -> str:
    """A quality indicator's unit in the reader's language."""
    from kuroko.governance.metrics import METRICS

    metric = METRICS.get(indicator)
    return str(metric.unit) if metric is not None else stored
