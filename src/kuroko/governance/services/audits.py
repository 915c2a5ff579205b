"""Audit runs and findings: evaluate the rules over projects and reconcile their findings; the PMO's rule
settings; a finding's owner, due date and waiver.

Health score (also in docs/guide/audits.md): 100 − 20 × critical − 10 × high − 5 × medium − 2 × low, counting
the project's *open* findings (waived ones do not count), never below 0.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.governance import permissions as perms
from kuroko.governance.audit.registry import PACK_FAILED, PACKS, RULES, ProjectData, effective_for
from kuroko.governance.models import (
    AuditRun,
    AuditTrigger,
    Finding,
    FindingStatus,
    HealthSnapshot,
    RuleSetting,
    Severity,
)
from kuroko.people.models import Person
from kuroko.projects.models import Project, ProjectType, Status

log = logging.getLogger(__name__)

BATCH = 50
WEIGHTS = {"critical": 20, "high": 10, "medium": 5, "low": 2}
DUE_DAYS = {"critical": 3, "high": 7, "medium": 14, "low": 30}
AUDITED_STATUSES = (Status.ACTIVE, Status.ON_HOLD)


def health_score(by_severity: Mapping[str, int]) -> Decimal:
    """100 − 20·critical − 10·high − 5·medium − 2·low (open findings), floor 0."""
    penalty = sum(WEIGHTS[s] * int(by_severity.get(s, 0)) for s in WEIGHTS)
    return Decimal(max(0, 100 - penalty))


def audited_projects() -> list[Project]:
    """Every active or on-hold project."""
    return list(Project.objects.filter(status__in=AUDITED_STATUSES).order_by("code"))


class RunStats:
    """Counts and per-pack seconds of one run (the benchmark prints them)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.failed: list[str] = []  # projects whose audit failed (nothing written for them)
        # Packs that failed: "dcma" for a whole batch, "ALPHA: dcma" for one project (its findings kept).
        self.failed_packs: list[str] = []
        self.new_urgent: dict[int, list[Finding]] = defaultdict(list)


def audit_run(
    *,
    trigger: str,
    projects: list[Project] | None = None,
    actor: Any = None,
    today: date,
    notify_owners: bool = True,
    stats: RunStats | None = None,
    preloaded: Mapping[str, Mapping[int, Any]] | None = None,
    status_date: date | None = None,
) -> AuditRun:
    """Evaluate every enabled rule over `projects` (None: every active or on-hold project) as of `today`,
    reconcile their findings and record each project's health snapshot of the day. Given projects must be
    active or on hold (ValidationError on `project` otherwise, nothing written).

    Each project is written in its own transaction: one that fails is logged and skipped. An `actor` must
    be allowed to run the audit (the PMO for all projects, a project's editors for their project). Owners of
    new critical and high findings are notified, once per owner. `preloaded` gives a pack's data (pack
    key → project id → data) instead of loading it: the demo replays earlier days with today's DCMA
    results. `status_date` overrides each project's own status date for the packs that use one (DCMA).
    Failed projects and packs are listed in `stats`."""
    if trigger not in AuditTrigger.values:
        raise ValidationError({"trigger": _("Unknown trigger.")})
    if actor is not None:
        if projects is None:
            require(perms.can_run_audit(actor))
        else:
            for project in projects:
                require(perms.can_run_audit(actor, project))
    targets = audited_projects() if projects is None else list(projects)
    for project in targets if projects is not None else ():
        if project.status not in AUDITED_STATUSES:
            # A closed, cancelled or proposed project is not audited: it would get findings nobody acts on.
            raise ValidationError(
                {
                    "project": _(
                        "Project %(code)s is %(status)s: only active or on-hold projects are audited."
                    )
                    % {"code": project.code, "status": str(Status(project.status).label).lower()}
                }
            )
    single = targets[0] if projects is not None and len(targets) == 1 else None
    run = AuditRun.objects.create(
        trigger=trigger,
        project=single,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        started_at=timezone.now(),
    )
    stats = stats if stats is not None else RunStats()
    settings = list(RuleSetting.objects.all())
    opened = closed = 0
    for start in range(0, len(targets), BATCH):
        batch = targets[start : start + BATCH]
        effective = effective_for(batch, settings)
        loaded: dict[str, dict[int, Any]] = {}
        for key, pack in PACKS.items():
            if not any(
                e.enabled
                for settings_ in effective.values()
                for k, e in settings_.items()
                if RULES[k].pack == key
            ):
                continue
            if preloaded is not None and key in preloaded:
                loaded[key] = {p.pk: preloaded[key].get(p.pk) for p in batch}
                continue
            began = time.perf_counter()
            try:
                if status_date is not None and pack.status_date:
                    loaded[key] = pack.load(batch, today, effective, status_date=status_date)  # type: ignore[call-arg]
                else:
                    loaded[key] = pack.load(batch, today, effective)
            except Exception:  # a broken pack must not stop the other packs
                log.exception("Audit pack %s failed for a batch of %s projects", key, len(batch))
                if key not in stats.failed_packs:
                    stats.failed_packs.append(key)
            stats.seconds[key] += time.perf_counter() - began
        began = time.perf_counter()
        live: dict[int, dict[str, Finding]] = defaultdict(dict)
        for finding in Finding.objects.filter(project__in=batch).exclude(status=FindingStatus.CLOSED):
            live[finding.project_id][finding.rule] = finding
        for project in batch:
            packs = {k: v.get(project.pk) for k, v in loaded.items()}
            broken = sorted(k for k, v in packs.items() if v is PACK_FAILED)
            stats.failed_packs.extend(f"{project.code}: {k}" for k in broken)
            ok = {k: v for k, v in packs.items() if k not in broken}
            data = ProjectData(project, today, ok)
            try:
                with transaction.atomic():
                    o, c = _audit_project(data, effective[project.pk], live[project.pk], set(ok), stats)
            except Exception:
                log.exception("Audit of project %s failed", project.code)
                stats.failed.append(project.code)
                continue
            opened += o
            closed += c
        stats.seconds["reconcile"] += time.perf_counter() - began
    if projects is None:
        # Projects no longer active or on hold are not audited: their findings are moot.
        closed += (
            Finding.objects.exclude(status=FindingStatus.CLOSED)
            .exclude(project__status__in=AUDITED_STATUSES)
            .update(status=FindingStatus.CLOSED, closed_at=timezone.now())
        )
    run.projects = len(targets) - len(stats.failed)
    run.opened, run.closed = opened, closed
    run.finished_at = timezone.now()
    run.save(update_fields=["projects", "opened", "closed", "finished_at"])
    if notify_owners and stats.new_urgent:
        _notify(stats.new_urgent)
    return run


def _audit_project(
    data: ProjectData,
    settings: Mapping[str, Any],
    live: dict[str, Finding],
    packs: set[str],
    stats: RunStats,
) -> tuple[int, int]:
    """Evaluate the rules for one project and reconcile its findings; returns (opened, closed)."""
    now = timezone.now()
    opened = closed = 0
    violated: set[str] = set()
    for key, rule in RULES.items():
        setting = settings[key]
        if not setting.enabled or rule.pack not in packs:
            continue
        evidence = rule.check(data, setting.params)
        if evidence is None:
            continue
        violated.add(key)
        finding = live.get(key)
        if finding is None:
            severity = setting.severity
            finding = Finding.objects.create(
                project=data.project,
                rule=key,
                severity=severity,
                evidence=evidence,
                owner_id=rule.owner_of(data, evidence),
                due=data.today + timedelta(days=DUE_DAYS[severity]),
                opened_at=now,
                last_seen_at=now,
            )
            live[key] = finding
            opened += 1
            if severity in (Severity.CRITICAL, Severity.HIGH) and finding.owner_id:
                stats.new_urgent[finding.owner_id].append(finding)
        else:
            finding.evidence, finding.severity, finding.last_seen_at = evidence, setting.severity, now
            finding.save(update_fields=["evidence", "severity", "last_seen_at"])
    for key in list(live):
        finding = live[key]
        # A rule that was not evaluated (disabled, or its pack failed) leaves its finding alone only when
        # its pack failed; a disabled rule's finding closes: the PMO decided it does not apply.
        if key in violated or (
            RULES.get(key) is not None and RULES[key].pack not in packs and settings[key].enabled
        ):
            continue
        finding.status, finding.closed_at = FindingStatus.CLOSED, now
        finding.save(update_fields=["status", "closed_at"])
        del live[key]
        closed += 1
    _snapshot(data.project, data.today, live.values())
    return opened, closed


def _snapshot(project: Project, day: date, live: Any) -> HealthSnapshot:
    by_severity = {s: 0 for s in WEIGHTS}
    for finding in live:
        if finding.status == FindingStatus.OPEN:
            by_severity[finding.severity] += 1
    rules = sorted(f.rule for f in live)
    snapshot, _created = HealthSnapshot.objects.update_or_create(
        project=project,
        day=day,
        defaults={"score": health_score(by_severity), "by_severity": by_severity, "rules": rules},
    )
    return snapshot


def _notify(new: Mapping[int, list[Finding]]) -> None:
    from django.urls import reverse

    from kuroko.core.notifications import notify
    from kuroko.governance.audit.registry import RULES as rules

    people = {p.pk: p for p in Person.objects.filter(pk__in=list(new)).select_related("user")}
    for person_id, findings in new.items():
        person = people.get(person_id)
        if person is None or person.user is None:
            continue
        projects = sorted({f.project.code for f in findings})

        def title(findings: list[Finding] = findings) -> str:
            return _("%(n)s new urgent audit finding(s): %(projects)s") % {
                "n": len(findings),
                "projects": ", ".join(sorted({f.project.code for f in findings})),
            }

        def body(findings: list[Finding] = findings) -> str:
            return "\n".join(
                f"{f.project.code} · {rules[f.rule].title if f.rule in rules else f.rule}" for f in findings
            )

        url = reverse("project-findings", args=[projects[0]]) if len(projects) == 1 else reverse("findings")
        notify(users=[person.user], kind="audit", title=title, body=body, url=url)


# --- the PMO's and the owners' changes --------------------------------------------------------------


@transaction.atomic
def finding_update(*, actor: Any, finding: Finding, data: Mapping[str, Any]) -> Finding:
    """Set a finding's owner (the PMO) and due date (the PMO, the project's editors, the owner).

    `data` may hold `owner` (a Person or None) and `due` (a date or None)."""
    require(perms.can_set_finding_due(actor, finding))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError({"status": _("The finding is closed.")})
    fields = []
    if "owner" in data and (data["owner"].pk if data["owner"] else None) != finding.owner_id:
        require(perms.can_configure_standards(actor), _("Only the PMO assigns a finding's owner."))
        owner = data["owner"]
        if owner is not None and not isinstance(owner, Person):
            raise ValidationError({"owner": _("Choose a person.")})
        finding.owner = owner
        fields.append("owner")
    if "due" in data:
        if data["due"] is not None and not isinstance(data["due"], date):
            raise ValidationError({"due": _("Enter a date.")})
        finding.due = data["due"]
        fields.append("due")
    if fields:
        finding.save(update_fields=fields)
    return finding


@transaction.atomic
def finding_waive(*, actor: Any, finding: Finding, reason: str) -> Finding:
    """Waive an open finding with a reason (the PMO): it no longer counts against the health score and
    stays waived while the rule is violated; it closes when the data no longer violates it."""
    require(perms.can_configure_standards(actor), _("Only the PMO waives findings."))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the finding is waived.")})
    if finding.status != FindingStatus.OPEN:
        raise ValidationError({"status": _("Only an open finding can be waived.")})
    finding.status, finding.waive_reason, finding.waived_by = FindingStatus.WAIVED, reason[:2000], actor
    finding.save(update_fields=["status", "waive_reason", "waived_by"])
    _resnapshot(finding.project)
    return finding


@transaction.atomic
def finding_reopen(*, actor: Any, finding: Finding) -> Finding:
    """Withdraw a waiver (the PMO): the finding is open again."""
    require(perms.can_configure_standards(actor), _("Only the PMO waives findings."))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.WAIVED:
        raise ValidationError({"status": _("Only a waived finding can be reopened.")})
    finding.status, finding.waive_reason, finding.waived_by = FindingStatus.OPEN, "", None
    finding.save(update_fields=["status", "waive_reason", "waived_by"])
    _resnapshot(finding.project)
    return finding


def _resnapshot(project: Project) -> None:
    """The project's latest health snapshot (the day it was last audited) after a waiver or its withdrawal:
    the live findings are those of that audit."""
    latest = HealthSnapshot.objects.filter(project=project).order_by("-day").first()
    if latest is not None:
        _snapshot(
            project, latest.day, Finding.objects.filter(project=project).exclude(status=FindingStatus.CLOSED)
        )


@transaction.atomic
def rule_setting_save(
    *,
    actor: Any,
    project_type: ProjectType | None,
    rule: str,
    enabled: bool,
    severity: str = "",
    params: Mapping[str, Any] | None = None,
) -> RuleSetting:
    """Save the PMO's setting of `rule` for `project_type` (None: all projects). Thresholds are checked
    against the rule's bounds (the error names the field); a threshold equal to the inherited value is not
    stored, so later changes of the default still apply."""
    require(perms.can_configure_standards(actor))
    if rule not in RULES:
        raise ValidationError({"rule": _("Unknown rule %(rule)s.") % {"rule": rule}})
    definition = RULES[rule]
    if severity not in ("", *Severity.values):
        raise ValidationError({"severity": _("Choose critical, high, medium, low or nothing.")})
    clean: dict[str, Any] = {}
    for name, raw in (params or {}).items():
        if name not in definition.params:
            raise ValidationError({name: _("The rule has no threshold %(name)s.") % {"name": name}})
        if raw is None or raw == "":
            continue
        clean[name] = definition.params[name].parse(name, raw)
    inherited = definition.defaults()
    if project_type is not None:
        default = RuleSetting.objects.filter(project_type=None, rule=rule).first()
        if default is not None:
            inherited.update({k: v for k, v in default.params.items() if k in inherited})
    clean = {k: v for k, v in clean.items() if v != inherited.get(k)}
    setting, _created = RuleSetting.objects.update_or_create(
        project_type=project_type,
        rule=rule,
        defaults={"enabled": bool(enabled), "severity": severity, "params": clean, "updated_by": actor},
    )
    return setting


@transaction.atomic
def rule_setting_reset(*, actor: Any, project_type: ProjectType | None, rule: str) -> int:
    """Remove the setting of `rule` for `project_type`: the inherited setting applies again."""
    require(perms.can_configure_standards(actor))
    deleted, _detail = RuleSetting.objects.filter(project_type=project_type, rule=rule).delete()
    return deleted
