"""Reads of audit findings, rule settings and health scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kuroko.governance import permissions as perms
from kuroko.governance.audit.registry import PACKS, RULES, Effective, Rule, effective
from kuroko.governance.models import Finding, FindingStatus, HealthSnapshot, RuleSetting
from kuroko.governance.services.audits import WEIGHTS
from kuroko.projects.models import Project, ProjectType
from kuroko.projects.permissions import visible_projects

SEVERITY_ORDER = ("critical", "high", "medium", "low")
# The finding's states in words ("Open" alone reads as a timesheet's state in Japanese).
STATUS_LABELS = {
    "open": pgettext_lazy("finding", "Open"),
    "waived": pgettext_lazy("finding", "Waived"),
    "closed": pgettext_lazy("finding", "Closed"),
}


@dataclass(frozen=True, slots=True)
class HealthCell:
    """A project's health for the portfolio."""

    score: Decimal | None  # None: never audited
    live: int  # open and waived findings
    worst: str  # the severity of the worst open finding, "" when none
    url: str  # the project's findings page


def health_summary(projects: list[Project]) -> dict[int, HealthCell]:
    """The health cell of each project (project id → cell), in a fixed number of queries."""
    ids = [p.pk for p in projects]
    if not ids:
        return {}
    latest: dict[int, Decimal] = {}
    for pid, score in (
        HealthSnapshot.objects.filter(project_id__in=ids)
        .order_by("project_id", "day")
        .values_list("project_id", "score")
    ):
        latest[pid] = score
    live: dict[int, int] = defaultdict(int)
    worst: dict[int, int] = {}
    for pid, severity, status in (
        Finding.objects.filter(project_id__in=ids)
        .exclude(status=FindingStatus.CLOSED)
        .values_list("project_id", "severity", "status")
    ):
        live[pid] += 1
        if status == FindingStatus.OPEN:
            rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 3
            worst[pid] = min(worst.get(pid, 9), rank)
    out: dict[int, HealthCell] = {}
    for p in projects:
        if p.pk not in latest and not live.get(p.pk):
            continue
        out[p.pk] = HealthCell(
            latest.get(p.pk),
            live.get(p.pk, 0),
            SEVERITY_ORDER[worst[p.pk]] if p.pk in worst else "",
            reverse("project-findings", args=[p.code]),
        )
    return out


# --- findings ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """The filters of the findings page and API (empty: all)."""

    pack: str = ""
    rule: str = ""
    severity: str = ""
    status: str = "live"  # live (open and waived), open, waived, closed, or "" for all
    project_type: int | None = None
    program: int | None = None
    owner: int | None = None
    project: str = ""


def findings_visible(user: Any, filter_: FindingFilter | None = None) -> QuerySet[Finding]:
    """The findings of the projects the user may read, filtered."""
    f = filter_ or FindingFilter()
    qs = Finding.objects.filter(project__in=visible_projects(user)).select_related("project", "owner")
    if f.pack:
        qs = qs.filter(rule__startswith=f"{f.pack}.")
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.status == "live":
        qs = qs.exclude(status=FindingStatus.CLOSED)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.project_type is not None:
        qs = qs.filter(project__project_type_id=f.project_type)
    if f.program is not None:
        qs = qs.filter(project__program_id=f.program)
    if f.owner is not None:
        qs = qs.filter(owner_id=f.owner)
    if f.project:
        qs = qs.filter(project__code=f.project)
    return qs.order_by("project__code", "rule", "-opened_at")


def finding_get(user: Any, pk: int) -> Finding:
    """A finding the user may read: 404 when it does not exist, 403 when its project is hidden."""
    finding = Finding.objects.select_related("project", "owner", "waived_by").filter(pk=pk).first()
    if finding is None:
        raise Http404(_("No finding with id %(id)s.") % {"id": pk})
    if not perms.can_view_governance(user, finding.project):
        raise PermissionDenied(
            _("You are not a member of project %(code)s.") % {"code": finding.project.code}
        )
    return finding


def rule_title(key: str) -> str:
    rule = RULES.get(key)
    return str(rule.title) if rule is not None else key


def finding_message(finding: Finding) -> str:
    """The finding's evidence in words, in the reader's language."""
    rule = RULES.get(finding.rule)
    if rule is None:
        return ""
    try:
        return rule.message(finding.evidence or {})
    except (KeyError, TypeError, ValueError):  # evidence of an older version of the rule
        return ""


@dataclass(slots=True)
class MatrixRow:
    project: Project
    cells: list[tuple[int, str]]  # per pack: (live findings, worst severity)
    total: int = 0


@dataclass(slots=True)
class Matrix:
    """Projects × rule packs: live findings per cell and the worst open severity."""

    packs: list[tuple[str, str]]
    rows: list[MatrixRow] = field(default_factory=list)


def findings_matrix(findings: Iterable[Finding]) -> Matrix:
    packs = [(key, str(pack.title)) for key, pack in PACKS.items()]
    index = {key: i for i, (key, _title) in enumerate(packs)}
    rows: dict[int, MatrixRow] = {}
    for f in findings:
        if f.status == FindingStatus.CLOSED:
            continue
        row = rows.setdefault(f.project_id, MatrixRow(f.project, [(0, "")] * len(packs)))
        i = index.get(f.rule.split(".", 1)[0])
        if i is None:
            continue
        count, worst = row.cells[i]
        if f.status == FindingStatus.OPEN and (
            not worst or SEVERITY_ORDER.index(f.severity) < SEVERITY_ORDER.index(worst)
        ):
            worst = f.severity
        row.cells[i] = (count + 1, worst)
        row.total += 1
    return Matrix(packs, sorted(rows.values(), key=lambda r: r.project.code))


def trend(projects: QuerySet[Project], *, today: date, days: int = 30) -> list[dict[str, Any]]:
    """Per day of the last `days`: open findings by severity and the average health score over the
    projects audited that day (from the health snapshots)."""
    since = today - timedelta(days=days - 1)
    per_day: dict[date, dict[str, Any]] = {}
    for day, score, by_severity in (
        HealthSnapshot.objects.filter(project__in=projects, day__gte=since, day__lte=today)
        .order_by("day")
        .values_list("day", "score", "by_severity")
    ):
        entry = per_day.setdefault(
            day, {"day": day, "projects": 0, "score_sum": Decimal(0), **{s: 0 for s in WEIGHTS}}
        )
        entry["projects"] += 1
        entry["score_sum"] += score
        for s in WEIGHTS:
            entry[s] += int((by_severity or {}).get(s, 0))
    out = []
    for day in sorted(per_day):
        entry = per_day[day]
        entry["score"] = round(float(entry.pop("score_sum")) / entry["projects"], 1)
        out.append(entry)
    return out


@dataclass(frozen=True, slots=True)
class ProjectHealth:
    score: Decimal | None
    day: date | None
    by_severity: dict[str, int]
    waived: int
    trend: list[dict[str, Any]]


def project_health(user: Any, project: Project, *, today: date, days: int = 30) -> ProjectHealth:
    """The project's latest health score, its live findings by severity and its score per day."""
    if not perms.can_view_governance(user, project):
        raise PermissionDenied
    snapshots = list(
        HealthSnapshot.objects.filter(project=project, day__gte=today - timedelta(days=days - 1)).order_by(
            "day"
        )
    )
    latest = (
        snapshots[-1] if snapshots else HealthSnapshot.objects.filter(project=project).order_by("day").last()
    )
    by_severity = {s: 0 for s in SEVERITY_ORDER}
    waived = 0
    for severity, status in (
        Finding.objects.filter(project=project)
        .exclude(status=FindingStatus.CLOSED)
        .values_list("severity", "status")
    ):
        if status == FindingStatus.WAIVED:
            waived += 1
        else:
            by_severity[severity] += 1
    return ProjectHealth(
        latest.score if latest else None,
        latest.day if latest else None,
        by_severity,
        waived,
        [
            {
                "day": s.day,
                "score": float(s.score),
                **{k: int(s.by_severity.get(k, 0)) for k in SEVERITY_ORDER},
            }
            for s in snapshots
        ],
    )


# --- rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleRow:
    rule: Rule
    effective: Effective
    setting: RuleSetting | None  # this scope's own setting
    inherited: Effective  # what applies without this scope's setting


def rule_rows(project_type: ProjectType | None) -> list[RuleRow]:
    """Every rule with its effective setting for `project_type` (None: all projects)."""
    settings = list(
        RuleSetting.objects.filter(Q(project_type=None) | Q(project_type=project_type))
        if project_type
        else RuleSetting.objects.filter(project_type=None)
    )
    default = {s.rule: s for s in settings if s.project_type_id is None}
    typed = {s.rule: s for s in settings if s.project_type_id is not None}
    rows = []
    for key, rule in RULES.items():
        own = typed.get(key) if project_type else default.get(key)
        inherited = effective(rule, default=default.get(key)) if project_type else effective(rule)
        rows.append(
            RuleRow(rule, effective(rule, default=default.get(key), typed=typed.get(key)), own, inherited)
        )
    return rows


# --- the command line --------------------------------------------------------------------------------


def _checks(report: Any) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "key": c.key,
            "value": c.value,
            "threshold": c.threshold,
            "passed": c.passed,
            "count": c.count,
            "total": c.total,
        }
        for c in report.checks
    ]


def dcma_file_report(data: bytes, name: str, *, status_date: date | None) -> list[dict[str, Any]]:
    """The DCMA 14 checks of a plan JSON or MS Project XML file, as plain data (no project is stored)."""
    from kuroko.governance.selectors.dcma import dcma_for_file

    return _checks(dcma_for_file(data, name, status_date=status_date))


def cli_report(
    run: Any, projects: list[Project] | None, *, today: date, status_date: date | None = None
) -> dict[str, Any]:
    """What `kuroko audit` prints: the run, and per project its score, live findings and DCMA 14 results
    (on `status_date` when given, else each project's own status date)."""
    from kuroko.governance.audit import dcma as dcma_pack
    from kuroko.governance.audit.registry import effective_for
    from kuroko.governance.services.audits import audited_projects

    targets = projects if projects is not None else audited_projects()
    health = {s.project_id: s.score for s in HealthSnapshot.objects.filter(project__in=targets, day=today)}
    live: dict[int, list[Finding]] = defaultdict(list)
    for f in (
        Finding.objects.filter(project__in=targets)
        .exclude(status=FindingStatus.CLOSED)
        .select_related("owner")
        .order_by("rule")
    ):
        live[f.project_id].append(f)
    from kuroko.engine.dcma import DcmaThresholds
    from kuroko.governance.selectors.dcma import dcma_reports

    effective = effective_for(targets, list(RuleSetting.objects.all()))
    thresholds = {p.pk: DcmaThresholds(**dcma_pack.thresholds_for(effective[p.pk])) for p in targets}
    reports = dcma_reports(
        targets, as_of=today, thresholds=thresholds, critical_path_test=True, status_date=status_date
    )
    return {
        "run": {
            "id": run.pk,
            "trigger": run.trigger,
            "today": today.isoformat(),
            "projects": run.projects,
            "opened": run.opened,
            "closed": run.closed,
        },
        "projects": [
            {
                "code": p.code,
                "name": p.name,
                "score": float(health[p.pk]) if p.pk in health else None,
                "findings": [
                    {
                        "rule": f.rule,
                        "title": rule_title(f.rule),
                        "severity": f.severity,
                        "status": f.status,
                        "message": finding_message(f),
                        "evidence": f.evidence,
                        "owner": str(f.owner) if f.owner else None,
                        "due": f.due.isoformat() if f.due else None,
                    }
                    for f in live[p.pk]
                ],
                "dcma": _checks(reports[p.pk]) if p.pk in reports else [],
            }
            for p in targets
        ],
    }
