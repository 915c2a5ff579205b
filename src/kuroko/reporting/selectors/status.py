"""Reads of weekly status reports: a project's history, one report as shown to its reader, two weeks side
by side, the PMO's week overview, and the RAG rule and report-level settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kuroko.projects.models import Project, ProjectType
from kuroko.projects.permissions import visible_projects
from kuroko.reporting import permissions as perms
from kuroko.reporting import rag
from kuroko.reporting.facts import SECTIONS, ProjectFacts
from kuroko.reporting.levels import DEFAULT_SECTIONS, audience_for, sections_for, shown
from kuroko.reporting.models import (
    Audience,
    Dimension,
    RagRuleSetting,
    ReportComment,
    ReportLevel,
    ReportStatus,
    StatusReport,
)
from kuroko.reporting.weeks import week_label

HISTORY_WEEKS = 26


def project_for(user: Any, code: str) -> Project:
    """The project with `code` if `user` may read it (404 when it does not exist, 403 when not readable)."""
    project = Project.objects.select_related("manager", "program", "project_type").filter(code=code).first()
    if project is None:
        raise Http404(_("No project %(code)s.") % {"code": code})
    if not perms.can_read_status_report(user, project):
        raise PermissionDenied(_("You may not read this project."))
    return project


def project_type_by_code(code: str | None, field: str = "project_type") -> ProjectType | None:
    """The project type of a code (none: all projects); an unknown code is refused naming the field, so
    that a typo never edits the settings of every project."""
    if not code:
        return None
    found = ProjectType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({field: _("No project type %(code)s.") % {"code": code}})
    return found


def project_types() -> QuerySet[ProjectType]:
    return ProjectType.objects.order_by("code")


def project_reports(user: Any, project: Project, *, limit: int = HISTORY_WEEKS) -> list[StatusReport]:
    """The project's reports, newest first (the caller checked the project is readable)."""
    return list(
        StatusReport.objects.filter(project=project)
        .select_related("submitted_by", "reviewed_by")
        .defer("facts")
        .order_by("-week")[:limit]
    )


@dataclass(frozen=True)
class Colour:
    """One dimension of a report as shown: colour in effect, worded reasons, override."""

    key: str
    label: Any
    rag: str
    computed: str
    reasons: list[str]
    overridden: bool
    justification: str


def rule_settings(type_ids: Iterable[int | None]) -> dict[int | None, dict[str, rag.Effective]]:
    """project type id (None: no type) → the rules in force, in one query."""
    wanted = set(type_ids)
    rows = list(
        RagRuleSetting.objects.filter(project_type__isnull=True)
        | RagRuleSetting.objects.filter(project_type_id__in=[t for t in wanted if t is not None])
    )
    return {t: rag.effective_settings(t, rows) for t in wanted}


def settings_for(project_type_id: int | None) -> dict[str, rag.Effective]:
    """The rules in force for projects of one type (None: no type)."""
    return rule_settings([project_type_id])[project_type_id]


def colours_of(report: StatusReport) -> list[Colour]:
    """The six dimensions in effect with their reasons in the active language."""
    settings = settings_for(report.project.project_type_id)
    effective = rag.effective_colours(report.computed or {}, report.overrides or {}, settings)
    labels = dict(Dimension.choices)
    return [
        Colour(
            d,
            labels[d],
            effective[d]["rag"],
            effective[d]["computed"],
            [rag.reason_text(r) for r in effective[d]["reasons"]],
            effective[d]["overridden"],
            effective[d]["justification"],
        )
        for d in rag.ALL_DIMENSIONS
    ]


@dataclass(frozen=True)
class ReportView:
    """A report as one reader sees it: facts, colours, sections of their level, what they may do."""

    report: StatusReport
    facts: ProjectFacts
    colours: list[Colour]
    sections: tuple[str, ...]
    comments: list[ReportComment]
    can_edit: bool
    can_review: bool
    can_comment: bool
    previous: date | None
    following: date | None


def report_view(user: Any, report: StatusReport) -> ReportView:
    project = report.project
    can_write = perms.can_write_status_report(user, project)
    can_review = perms.can_review_status_report(user)
    weeks = list(StatusReport.objects.filter(project=project).values_list("week", flat=True))
    return ReportView(
        report=report,
        facts=ProjectFacts.from_dict(report.facts or {}),
        colours=colours_of(report),
        sections=sections_for(project, audience_for(user)),
        comments=list(report.comments.select_related("author__person").order_by("created_at", "pk")),
        can_edit=can_write and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED),
        can_review=can_review and report.status == ReportStatus.SUBMITTED,
        can_comment=can_write or can_review,
        previous=max((w for w in weeks if w < report.week), default=None),
        following=min((w for w in weeks if w > report.week), default=None),
    )


def existing_report(project: Project, week: date) -> StatusReport:
    """The project's report of the week, or 404 (the caller checked the project is readable)."""
    found = StatusReport.objects.filter(project=project, week=week).first()
    if found is None:
        raise Http404(
            _("No status report of %(week)s yet: open the week to draft it.") % {"week": week_label(week)}
        )
    return found


# --- compare ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareRow:
    key: str
    label: Any
    a: Any
    b: Any
    kind: str  # "rag", "number", "money", "date", "text"

    @property
    def differs(self) -> bool:
        return bool(self.a != self.b)


def _figure_labels() -> dict[str, str]:
    return {
        "percent_complete": _("% complete"),
        "planned_percent": _("% planned"),
        "spi": "SPI",
        "cpi": "CPI",
        "eac": "EAC",
        "finish": _("Forecast finish"),
        "finish_variance_days": _("Finish variance (working days)"),
        "p80_finish": _("P80 finish"),
        "open_risks": _("Open risks"),
        "high_risks": _("High risks"),
        "open_issues": _("Open issues"),
        "overdue_actions": _("Overdue actions"),
        "health_score": _("Health score"),
    }


def compare(user: Any, project: Project, a: date, b: date) -> dict[str, Any]:
    """Two weeks' reports side by side: colours, key figures and narrative, each row saying whether the
    weeks differ; only the rows of the sections `user`'s report level shows. A week without a report is
    shown empty."""
    reports = {
        r.week: r
        for r in StatusReport.objects.filter(project=project, week__in=[a, b]).select_related("project")
    }
    ra, rb = reports.get(a), reports.get(b)
    fa = ProjectFacts.from_dict(ra.facts) if ra and ra.facts else None
    fb = ProjectFacts.from_dict(rb.facts) if rb and rb.facts else None
    labels = dict(Dimension.choices)
    rows: list[CompareRow] = [
        CompareRow(d, labels[d], getattr(ra, f"rag_{d}", "") if ra else "",
                   getattr(rb, f"rag_{d}", "") if rb else "", "rag")
        for d in rag.ALL_DIMENSIONS
    ]  # fmt: skip
    names = _figure_labels()
    for key, label in names.items():

        def value(f: ProjectFacts | None, key: str = key) -> Any:
            if f is None:
                return None
            v = getattr(f, key)
            if isinstance(v, list):
                return len(v)
            if isinstance(v, float):
                return round(v, 2)
            return v

        kind = "date" if key in ("finish", "p80_finish") else ("money" if key == "eac" else "number")
        rows.append(CompareRow(key, label, value(fa), value(fb), kind))
    narrative_labels = {
        "summary": pgettext("status report", "Summary"),
        "accomplishments": _("Accomplishments"),
        "next_steps": _("Next steps"),
        "help_needed": _("Help needed"),
    }
    for key, label in narrative_labels.items():
        rows.append(
            CompareRow(
                key, label, getattr(ra, key, "") if ra else "", getattr(rb, key, "") if rb else "", "text"
            )
        )
    # Only the rows of the sections the reader's report level shows (colours belong to the summary).
    sections = sections_for(project, audience_for(user))
    rows = [
        row for row in rows if (row.kind == "rag" and "summary" in sections) or (
            row.kind != "rag" and shown(row.key, sections))
    ]  # fmt: skip
    return {"a": a, "b": b, "report_a": ra, "report_b": rb, "rows": rows}


# --- the PMO's week ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRow:
    project: Project
    report: StatusReport | None

    @property
    def state(self) -> str:
        return self.report.status if self.report is not None else "missing"


@dataclass(frozen=True)
class WeekFilter:
    program: str = ""
    project_type: str = ""
    status: str = ""  # draft, submitted, returned, reviewed, missing


def week_overview(user: Any, week: date, f: WeekFilter | None = None) -> tuple[list[WeekRow], dict[str, int]]:
    """Every active project `user` reads with its report of the week (None: missing), filtered, and the
    count of each state before the status filter. Two queries whatever the number of projects."""
    f = f or WeekFilter()
    projects: QuerySet[Project] = visible_projects(user).filter(status="active")
    if f.program:
        projects = projects.filter(program__code=f.program)
    if f.project_type:
        projects = projects.filter(project_type__code=f.project_type)
    listed = list(projects.select_related("program", "manager", "project_type").order_by("code"))
    reports = {
        r.project_id: r
        for r in StatusReport.objects.filter(project__in=[p.pk for p in listed], week=week).defer(
            "facts", "computed", "overrides"
        )
    }
    rows = [WeekRow(p, reports.get(p.pk)) for p in listed]
    counts: dict[str, int] = {s: 0 for s in (*ReportStatus.values, "missing")}
    for row in rows:
        counts[row.state] += 1
    if f.status:
        rows = [r for r in rows if r.state == f.status]
    return rows, counts


# --- settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    rule: rag.RagRule
    effective: rag.Effective
    own: RagRuleSetting | None  # this level's row
    inherited: rag.Effective | None  # what applies without this level's row (a type's page)
    # name, label, value in force, inherited value, this level's own value ("" when inherited)
    params: list[tuple[str, Any, Any, Any, str]]


def rule_rows(project_type: ProjectType | None) -> list[RuleRow]:
    """Every rule with the setting in force for the type (None: all projects) and what it inherits."""
    rows = list(RagRuleSetting.objects.filter(project_type=project_type)) + (
        list(RagRuleSetting.objects.filter(project_type__isnull=True)) if project_type is not None else []
    )
    type_id = project_type.pk if project_type is not None else None
    effective = rag.effective_settings(type_id, rows)
    inherited = (
        rag.effective_settings(None, [r for r in rows if r.project_type_id is None]) if type_id else None
    )
    own = {r.rule: r for r in rows if r.project_type_id == type_id}
    out = []
    for key, rule in rag.RULES.items():
        eff = effective[key]
        inh = inherited[key] if inherited else None
        own_params = (own[key].params or {}) if key in own else {}
        params = [
            (
                name,
                p.label,
                _number(eff.params[name]),
                _number(inh.params[name]) if inh else _number(p.default),
                _number(own_params[name]) if name in own_params else "",
            )
            for name, p in rule.params.items()
        ]
        out.append(RuleRow(rule, eff, own.get(key), inh, params))
    return out


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def section_labels() -> dict[str, str]:
    return {
        "summary": _("Summary and colours"),
        "progress": _("Progress and earned value"),
        "milestones": _("Milestones"),
        "forecast": _("Risk-adjusted forecast"),
        "risks": _("Risks"),
        "issues": _("Issues"),
        "actions": _("Overdue actions"),
        "governance": _("Audit findings and gates"),
        "quality": _("Quality"),
        "resources": _("Over-allocations"),
        "narrative": _("Narrative"),
        "charts": _("Charts"),
    }


def level_rows(project_type: ProjectType | None) -> list[dict[str, Any]]:
    """Each audience with the sections it sees for the type (None: all projects) and where that comes
    from ("type", "all" or "default")."""
    rows = {
        (lv.project_type_id, lv.audience): lv.sections
        for lv in ReportLevel.objects.filter(project_type__in=[project_type] if project_type else [])
        | ReportLevel.objects.filter(project_type__isnull=True)
    }
    type_id = project_type.pk if project_type else None
    out = []
    for audience, label in Audience.choices:
        if type_id is not None and (type_id, audience) in rows:
            chosen, source = rows[(type_id, audience)], "type"
        elif (None, audience) in rows:
            chosen, source = rows[(None, audience)], "all"
        else:
            chosen, source = list(DEFAULT_SECTIONS.get(audience, SECTIONS)), "default"
        out.append({"audience": audience, "label": label, "sections": [s for s in SECTIONS if s in chosen],
                    "source": source})  # fmt: skip
    return out


def fact_labels() -> dict[str, dict[str, Any]]:
    """Words for the keys stored in facts (risk levels, issue severities and priorities, finding
    severities, gate states), in the active language."""
    from kuroko.governance.models import Severity as FindingSeverity
    from kuroko.governance.selectors.gates import STATE_LABELS
    from kuroko.raid.models import Priority, RiskLevel, Severity

    return {
        "level_labels": dict(RiskLevel.choices),
        "severity_labels": dict(Severity.choices),
        "priority_labels": dict(Priority.choices),
        "finding_labels": dict(FindingSeverity.choices),
        "gate_labels": dict(STATE_LABELS),
    }
