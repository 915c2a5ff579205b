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


# Which facts (keys of `ProjectFacts`) and narrative fields each section shows; the facts naming the
# project and the week are shown to every reader. A reader gets only the keys of their sections — on the
# page, in the API and when two weeks are compared.
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "summary": ("summary",),
    "progress": (
        "percent_complete", "planned_percent", "start", "finish", "baseline_finish", "finish_variance_days",
        "bac", "pv", "ev", "ac", "eac", "vac", "spi", "cpi", "budget", "change_requests_pending",
    ),
    "milestones": ("milestones_this_week", "milestones_next"),
    "forecast": ("p80_finish", "p80_run_at"),
    "risks": ("risks", "open_risks", "high_risks"),
    "issues": ("issues", "open_issues", "escalated_issues"),
    "actions": ("overdue_actions",),
    "governance": ("findings", "findings_by_severity", "health_score", "gate"),
    "quality": ("quality", "severe_defects"),
    "resources": ("overallocations",),
    "narrative": ("accomplishments", "next_steps", "help_needed"),
    "charts": (),
}  # fmt: skip
SECTION_OF: dict[str, str] = {key: section for section, keys in SECTION_KEYS.items() for key in keys}


def shown(key: str, sections: tuple[str, ...] | list[str] | set[str]) -> bool:
    """Whether a fact or narrative field is shown to a reader of `sections` (keys of no section always)."""
    section = SECTION_OF.get(key)
    return section is None or section in sections


def visible_facts(facts: dict[str, Any], sections: tuple[str, ...] | list[str] | set[str]) -> dict[str, Any]:
    """The stored facts without the keys of sections the reader does not see."""
    return {k: v for k, v in facts.items() if shown(k, sections)}


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


def audience_for(user: Any) -> str:
    """The audience a reader belongs to: executives read the executive level, the PMO (and admins) the
    PMO level, everyone else the project team's."""
    from kuroko.core.models import Role
    from kuroko.core.permissions import is_pmo, role_of

    if role_of(user) == Role.EXECUTIVE:
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


def finding_text(rule: str, stored: str) -> str:
    """A stored audit finding in the reader's language: the message as stored when the reader reads the
    organisation's language (the facts are drafted in it), else the audit rule's title (the evidence is
    not kept in the facts, so the message cannot be worded again); the stored message for an unknown
    rule."""
    from django.conf import settings
    from django.utils import translation

    from kuroko.governance.audit.registry import RULES

    found = RULES.get(rule)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if found is None or (stored and language == settings.LANGUAGE_CODE.split("-")[0]):
        return stored
    return str(found.title)
