"""Writes of the issue register (課題): raising, updating (a resolution is needed to resolve), escalating,
and raising an issue from a risk that occurred."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated
from kuroko.people.models import Person
from kuroko.raid import permissions as perms
from kuroko.raid.models import (
    OPEN_ISSUE_STATUSES,
    OPEN_RISK_STATUSES,
    EscalationLevel,
    Issue,
    IssueStatus,
    Register,
    Risk,
    RiskStatus,
    Severity,
)
from kuroko.raid.services.common import lock_project, next_number, risk_score
from kuroko.raid.services.registers import (
    Refused,
    apply_and_save,
    leaf_tasks,
    limit,
    person_of,
    record_escalation,
    resolve,
    same_project,
    today,
)

ISSUE_FIELDS = (
    "title",
    "description",
    "severity",
    "priority",
    "owner",
    "due_date",
    "status",
    "resolution",
    "risk",
)
# What the issue's owner may change without managing the project.
OWNER_FIELDS = ("description", "status", "resolution")
RESOLVED = (IssueStatus.RESOLVED, IssueStatus.CLOSED)
# A risk's level gives the severity of the issue raised from it.
SEVERITY_OF_LEVEL = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}


def _check(issue: Issue, changed: list[str]) -> None:
    """An issue is resolved or closed only with its resolution; the date is kept automatically."""
    same_project(issue.project, issue.risk, "risk")
    if issue.status in RESOLVED:
        if not issue.resolution.strip():
            raise ValidationError({"resolution": _("Give the resolution before resolving.")})
        if issue.resolved_on is None:
            issue.resolved_on = today()
    else:
        issue.resolved_on = None


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if "risk" in out:
        out["risk"] = resolve(Risk, out["risk"], "risk")
    if "owner" in out:
        out["owner"] = resolve(Person, out["owner"], "owner")
    return out


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    project: Any,
    data: Mapping[str, Any],
    tasks: Iterable[Any] | None = None,
    external_key: str = "",
    raised_on: date | None = None,
) -> Issue:
    """Raise an issue in the project (anyone who reads it but executives), numbered I-001, I-002 …
    `external_key` is its key in the tracker it is imported from, `raised_on` the day it was raised
    there (default today)."""
    require(perms.can_raise(actor, project))
    values = _fields(data)
    project = lock_project(project)
    issue = Issue(
        project=project,
        raised_by=person_of(actor),
        raised_on=raised_on or today(),
        external_key=external_key,
    )
    apply_changes(issue, values, ISSUE_FIELDS)
    issue.title = issue.title.strip()
    _check(issue, [])
    chosen = leaf_tasks(project, tasks or [])
    issue.number = next_number(Issue, project)
    save_validated(issue, actor=actor)
    issue.tasks.set(chosen)
    return issue


@transaction.atomic
def issue_update(
    *,
    actor: Any,
    issue: Issue,
    data: Mapping[str, Any],
    expected_version: int | None,
    tasks: Iterable[Any] | None = None,
    reason: str = "",
) -> Issue:
    """Change an issue: who manages the project changes anything, the owner its status, resolution and
    description. Raising the escalation level here records an escalation as `issue_escalate` does."""
    require(perms.can_edit_item(actor, issue))
    manager = perms.can_manage_raid(actor, issue.project)
    issue = Issue.objects.select_for_update(of=("self",)).select_related("project").get(pk=issue.pk)
    values = _fields(data)
    allowed = (*ISSUE_FIELDS, "escalation_level") if manager else OWNER_FIELDS
    if not manager:
        values = limit(issue, values, allowed)
        if tasks is not None and {t.pk for t in issue.tasks.all()} != {getattr(t, "pk", t) for t in tasks}:
            raise ValidationError({"tasks": _("Only who manages the project can change this.")})
        tasks = None
    before = issue.escalation_level
    apply_and_save(
        issue, actor=actor, data=values, allowed=allowed, expected_version=expected_version, check=_check
    )
    if tasks is not None:
        issue.tasks.set(leaf_tasks(issue.project, tasks))
    if issue.escalation_level > before:
        issue.escalated_at = timezone.now()
        Issue.objects.filter(pk=issue.pk).update(escalated_at=issue.escalated_at)
        record_escalation(
            actor=actor,
            register=Register.ISSUE,
            item=issue,
            level=issue.escalation_level,
            message=reason or _("Escalation level raised in the register."),
        )
    return issue


@transaction.atomic
def issue_escalate(*, actor: Any, issue: Issue, reason: str, level: int | None = None) -> Issue:
    """Escalate an open issue one level (or to `level`) with a reason: the PMO at level 1, the executives
    at level 2 are notified, with the project manager and the issue's owner."""
    require(perms.can_edit_item(actor, issue))
    issue = Issue.objects.select_for_update(of=("self",)).select_related("project").get(pk=issue.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the issue is escalated.")})
    if issue.status not in OPEN_ISSUE_STATUSES:
        raise Refused(_("%(code)s is no longer open: reopen it to escalate it.") % {"code": issue.code})
    target = min(issue.escalation_level + 1, EscalationLevel.EXECUTIVE) if level is None else int(level)
    if target not in EscalationLevel.values or target == EscalationLevel.PROJECT:
        raise ValidationError({"level": _("Escalate to the PMO (1) or the executives (2).")})
    if target <= issue.escalation_level:
        raise Refused(
            _("%(code)s is already escalated to %(level)s.")
            % {"code": issue.code, "level": EscalationLevel(issue.escalation_level).label}
        )
    issue.escalation_level = target
    issue.escalated_at = timezone.now()
    save_validated(issue, actor=actor)
    record_escalation(actor=actor, register=Register.ISSUE, item=issue, level=target, message=reason)
    return issue


@transaction.atomic
def issue_delete(*, actor: Any, issue: Issue) -> None:
    require(perms.can_manage_raid(actor, issue.project))
    issue.delete()


@transaction.atomic
def issue_raise_from_risk(*, actor: Any, risk: Risk, data: Mapping[str, Any] | None = None) -> Issue:
    """The risk happened: raise an issue with its title and effect, the same owner and tasks and a
    severity from its level, linked to it; the risk's status becomes "occurred"."""
    require(perms.can_raise(actor, risk.project) and perms.can_edit_item(actor, risk))
    risk = Risk.objects.select_for_update(of=("self",)).select_related("project").get(pk=risk.pk)
    if risk.status not in OPEN_RISK_STATUSES:
        raise Refused(
            _("%(code)s is %(status)s: only an open risk can turn into an issue.")
            % {"code": risk.code, "status": risk.get_status_display()}
        )
    description = "\n\n".join(text for text in (risk.event, risk.effect) if text.strip())
    values = {
        "title": risk.title,
        "description": description,
        "severity": SEVERITY_OF_LEVEL.get(risk.level, Severity.MEDIUM),
        "owner": risk.owner,
        "risk": risk,
        **(data or {}),
    }
    tasks = [t for t in risk.tasks.all() if t.kind != "summary"]
    issue = issue_create(actor=actor, project=risk.project, data=values, tasks=tasks)
    risk.status = RiskStatus.OCCURRED
    risk_score(risk)
    save_validated(risk, actor=actor)
    return issue
