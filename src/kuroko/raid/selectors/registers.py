"""Reads of the issue, action-item, decision and change-request registers, per project and across the
portfolio (only projects the user may read), with one filter definition for pages and API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.projects.models import Project
from kuroko.projects.permissions import visible_projects
from kuroko.raid import permissions as perms
from kuroko.raid.models import (
    OPEN_ACTION_STATUSES,
    OPEN_ISSUE_STATUSES,
    SEVERITY_RANK,
    ActionItem,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionStatus,
    EscalationEvent,
    EscalationRule,
    Issue,
    Risk,
)
from kuroko.raid.services.registers import item_url

OPEN = "open"  # the status filter's value for every open status


# A decision is open while pending; a change request while it can still be edited (draft or submitted).
OPEN_DECISION_STATUSES = (DecisionStatus.PENDING,)
OPEN_CHANGE_STATUSES = (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED)


@dataclass(frozen=True)
class RegisterFilter:
    """Filters of the issue, action, decision and change-request registers (page and API alike).
    `status` is one status, "open" (any open status) or empty (all); `owner` and `requested_by` person
    ids; `overdue`: open and past the due date (for decisions: pending past the date a decision is
    needed by); `escalated`: above the project level; `mine`: owned by the user; `q`: text in the title
    or description, or the item's number (`CR-3`, `3`)."""

    status: str = ""
    severity: str = ""
    priority: str = ""
    owner: int | None = None
    requested_by: int | None = None
    overdue: bool = False
    escalated: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "number"
    project: str = ""
    today: date | None = field(default=None, compare=False)


ISSUE_SORTS = ("number", "due", "-due", "severity")
ACTION_SORTS = ("number", "due", "-due")


def _severity_order() -> Case:
    return Case(
        *(When(severity=value, then=Value(-rank)) for value, rank in SEVERITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _filtered(qs: QuerySet[Any], f: RegisterFilter, user: Any, open_statuses: tuple[str, ...]) -> Any:
    if f.status == OPEN:
        qs = qs.filter(status__in=open_statuses)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.mine:
        person = getattr(user, "person", None)
        qs = qs.filter(owner_id=person.pk) if person is not None else qs.none()
    if f.overdue and f.today is not None:
        qs = qs.filter(status__in=open_statuses, due_date__lt=f.today)
    if f.escalated:
        qs = qs.filter(escalation_level__gt=0)
    if f.project:
        qs = qs.filter(project__code=f.project)
    return qs


def _search(qs: QuerySet[Any], text: str, prefix: str, fields: tuple[str, ...]) -> QuerySet[Any]:
    """Rows with `text` in one of `fields`, or numbered as `text` says (D-004, d4, 4)."""
    text = text.strip()
    if not text:
        return qs
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": text})
    number = re.fullmatch(rf"(?:{prefix}-?)?0*(\d{{1,9}})", text, re.IGNORECASE)
    if number:
        condition |= Q(number=int(number.group(1)))
    return qs.filter(condition)


def _due_order(qs: QuerySet[Any], sort: str) -> QuerySet[Any]:
    from django.db.models import F

    if sort == "due":
        return qs.order_by(F("due_date").asc(nulls_last=True), "project__code", "number")
    if sort == "-due":
        return qs.order_by(F("due_date").desc(nulls_last=True), "project__code", "number")
    return qs.order_by("project__code", "number")


def issues(user: Any, f: RegisterFilter, *, project: Project | None = None) -> QuerySet[Issue]:
    """Issues of one project (which the caller has checked the user may read) or of every project the
    user may read, filtered and sorted."""
    qs = Issue.objects.select_related("project", "owner", "risk")
    qs = qs.filter(project=project) if project is not None else qs.filter(project__in=visible_projects(user))
    qs = cast(QuerySet[Issue], _filtered(qs, f, user, OPEN_ISSUE_STATUSES))
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.sort == "severity":
        return qs.order_by(_severity_order(), "due_date", "project__code", "number")
    if f.sort == "escalated":
        return qs.order_by("-escalation_level", _severity_order(), "project__code", "number")
    return _due_order(qs, f.sort)


def actions(user: Any, f: RegisterFilter, *, project: Project | None = None) -> QuerySet[ActionItem]:
    """Action items of one project or of every project the user may read, filtered and sorted."""
    qs = ActionItem.objects.select_related("project", "owner", "risk", "issue", "decision", "change_request")
    qs = qs.filter(project=project) if project is not None else qs.filter(project__in=visible_projects(user))
    return _due_order(_filtered(qs, f, user, OPEN_ACTION_STATUSES), f.sort)


def decisions(project: Project, f: RegisterFilter | None = None) -> QuerySet[Decision]:
    """Decisions of one project (which the caller has checked the user may read), filtered by status,
    owner, text and "pending past the date needed by" (`overdue`), sorted by number or that date."""
    f = f or RegisterFilter()
    qs = Decision.objects.filter(project=project).select_related("project", "owner")
    qs = _filtered(qs, f, None, OPEN_DECISION_STATUSES)
    qs = _search(qs, f.q, Decision.PREFIX, ("title", "description", "decided_by"))
    return _due_order(qs, f.sort)


def changes(project: Project, f: RegisterFilter | None = None) -> QuerySet[ChangeRequest]:
    """Change requests of one project (which the caller has checked the user may read), filtered by
    status ("open": draft or submitted), requester and text, by number."""
    f = f or RegisterFilter()
    qs = ChangeRequest.objects.filter(project=project).select_related(
        "project", "requested_by", "baseline", "owner"
    )
    qs = _filtered(qs, f, None, OPEN_CHANGE_STATUSES)
    if f.requested_by:
        qs = qs.filter(requested_by_id=f.requested_by)
    qs = _search(qs, f.q, ChangeRequest.PREFIX, ("title", "description", "reason"))
    return qs.order_by("number")


def change_totals(rows: QuerySet[ChangeRequest]) -> dict[str, Any]:
    """The schedule impact (working minutes) and cost impact summed over the rows (one query)."""
    totals = rows.order_by().aggregate(schedule=Sum("schedule_impact_minutes"), cost=Sum("cost_impact"))
    return {"schedule": totals["schedule"] or 0, "cost": totals["cost"] or 0}


def _get(model: Any, user: Any, pk: int, related: tuple[str, ...] = ()) -> Any:
    item = (
        model.objects.select_related("project", "project__manager", "owner", *related).filter(pk=pk).first()
    )
    if item is None:
        raise Http404(_("No %(what)s with id %(id)s.") % {"what": model._meta.verbose_name, "id": pk})
    if not perms.can_view_raid(user, item.project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": item.project.code})
    return item


def issue_get(user: Any, pk: int) -> Issue:
    """The issue if the user may read its project: 404 if it does not exist, 403 if hidden."""
    return _get(Issue, user, pk, ("risk", "raised_by"))  # type: ignore[no-any-return]


def action_get(user: Any, pk: int) -> ActionItem:
    return _get(ActionItem, user, pk, ("risk", "issue", "decision", "change_request"))  # type: ignore[no-any-return]


def decision_get(user: Any, pk: int) -> Decision:
    return _get(Decision, user, pk)  # type: ignore[no-any-return]


def change_get(user: Any, pk: int) -> ChangeRequest:
    return _get(  # type: ignore[no-any-return]
        ChangeRequest, user, pk, ("requested_by", "decided_by", "baseline", "project__sponsor")
    )


def risk_get(user: Any, pk: int) -> Risk:
    """A risk the user may read (for raising an issue from it)."""
    return _get(Risk, user, pk)  # type: ignore[no-any-return]


def open_risks(project: Project) -> QuerySet[Risk]:
    """Risks of the project that could still occur (to raise an issue from)."""
    from kuroko.raid.models import OPEN_RISK_STATUSES

    return Risk.objects.filter(project=project, status__in=OPEN_RISK_STATUSES).order_by("number")


def linkable(project: Project) -> dict[str, QuerySet[Any]]:
    """The items of the project an action item or decision may link to."""
    return {
        "risks": Risk.objects.filter(project=project).order_by("number"),
        "issues": Issue.objects.filter(project=project).order_by("number"),
        "decisions": Decision.objects.filter(project=project).order_by("number"),
        "change_requests": ChangeRequest.objects.filter(project=project).order_by("number"),
    }


def item_actions(**link: Any) -> QuerySet[ActionItem]:
    """The action items linked to one item (`issue=…`, `risk=…`, `decision=…`, `change_request=…`)."""
    return ActionItem.objects.filter(**link).select_related("owner").order_by("number")


def escalation_rules(user: Any) -> QuerySet[EscalationRule]:
    """The rules (the PMO only), created with the defaults on first use."""
    from kuroko.raid.services.escalation import ensure_default_rules

    require(perms.can_configure_raid(user))
    ensure_default_rules()
    return EscalationRule.objects.all().order_by("register", "name")


def escalation_events(
    user: Any, *, project: Project | None = None, limit: int = 100
) -> list[EscalationEvent]:
    """The latest escalations in projects the user may read, newest first, each with its item's code."""
    qs = EscalationEvent.objects.select_related("project", "rule", "escalated_by")
    qs = qs.filter(project=project) if project is not None else qs.filter(project__in=visible_projects(user))
    return escalation_event_items(list(qs.order_by("-escalated_at", "-pk")[:limit]))


def escalation_event_items(events: list[EscalationEvent]) -> list[EscalationEvent]:
    """The events with `item` (the escalated row, or None if deleted) and `url` (its page) set."""
    models: dict[str, Any] = {
        "risk": Risk,
        "issue": Issue,
        "action": ActionItem,
        "decision": Decision,
        "change": ChangeRequest,
    }
    by_register: dict[str, set[int]] = {}
    for e in events:
        by_register.setdefault(e.register, set()).add(e.item_id)
    items: dict[tuple[str, int], Any] = {}
    for register, ids in by_register.items():
        for item in models[register].objects.filter(pk__in=ids).only("pk", "number", "title", "project_id"):
            items[(register, item.pk)] = item
    for e in events:
        e.item = items.get((e.register, e.item_id))  # type: ignore[attr-defined]
        e.url = item_url(e.register, e.item_id) if e.item is not None else ""  # type: ignore[attr-defined]
    return events


def portfolio_issue_counts(user: Any, today: date) -> dict[str, int]:
    """Open, escalated and overdue issues across the projects the user may read."""
    qs = Issue.objects.filter(project__in=visible_projects(user), status__in=OPEN_ISSUE_STATUSES)
    return {
        "open": qs.count(),
        "escalated": qs.filter(escalation_level__gt=0).count(),
        "overdue": qs.filter(due_date__lt=today).count(),
    }
