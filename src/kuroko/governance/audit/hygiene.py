"""PMO hygiene rules: the basics every running project keeps up (baseline, manager, weekly status, risk
reviews, actions, timesheets, budget, gates). Their data is loaded for a batch of projects in a fixed number
of queries (`load`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kuroko.governance.audit.registry import (
    Effective,
    Evidence,
    Pack,
    Param,
    ProjectData,
    Rule,
    register,
    register_pack,
)

PACK = "hygiene"
LIST_LIMIT = 20  # items named in a finding's evidence (the count says how many in all)


def status_saved_since(project_ids: Iterable[int], *, since: date) -> set[int]:
    """The projects whose status (overall RAG colour and its reason) was saved on or after `since`, from
    the projects' history records: a record counts only when it has a colour and a reason and one of them
    differs from the record before it (other edits of the project do not report a status). The reporting
    app replaces this source with its weekly status reports (`reporting.hooks` assigns `STATUS_SOURCE`)."""
    from django.db.models import F, OuterRef, Subquery

    from kuroko.projects.models import Project

    history = Project.history.filter(id__in=list(project_ids))
    earlier = history.filter(history_date__date__lt=since)
    # Each project's status just before `since` (its latest earlier record), in one query.
    latest = earlier.filter(id=OuterRef("id")).order_by("-history_date", "-history_id").values("history_id")
    before: dict[int, tuple[str, str]] = {
        pid: (rag, reason)
        for pid, rag, reason in earlier.annotate(latest=Subquery(latest[:1]))
        .filter(history_id=F("latest"))
        .values_list("id", "rag_overall", "rag_overall_reason")
    }
    saved: set[int] = set()
    for pid, rag, reason in (
        history.filter(history_date__date__gte=since)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "rag_overall", "rag_overall_reason")
    ):
        if rag and reason and before.get(pid) != (rag, reason):
            saved.add(pid)
        before[pid] = (rag, reason)
    return saved


# Replaceable: (project ids, since) → ids of projects that reported their status.
STATUS_SOURCE: Callable[..., set[int]] = status_saved_since


def last_complete_week(today: date) -> date:
    """The Monday of the last week (Monday–Sunday) that ended before `today`."""
    return today - timedelta(days=today.weekday() + 7)


def _param(effective: Mapping[int, Mapping[str, Effective]], pid: int, rule: str, name: str) -> Any:
    return effective[pid][rule].params[name]


def load(
    projects: list[Any], today: date, effective: Mapping[int, Mapping[str, Effective]]
) -> dict[int, Any]:
    """Hygiene facts of each project: tasks and baselines, status saved, stale risks, overdue actions,
    timesheet gaps, budget lines, overdue gates."""
    from kuroko.governance.models import GateReviewStatus, Phase
    from kuroko.projects.models import Baseline, Task
    from kuroko.raid.models import ActionItem, Risk
    from kuroko.raid.models.registers import OPEN_ACTION_STATUSES, OPEN_RISK_STATUSES
    from kuroko.tracking.models import TimeEntry, Timesheet, TimesheetApproval
    from kuroko.tracking.models.costs import BudgetLine

    pids = [p.pk for p in projects]
    facts: dict[int, dict[str, Any]] = {
        pid: {"risks": [], "actions": [], "timesheets": [], "gates": []} for pid in pids
    }
    tasks = dict(
        Task.objects.filter(project_id__in=pids)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    baselined = set(Baseline.objects.filter(project_id__in=pids).values_list("project_id", flat=True))
    budgeted = set(
        BudgetLine.objects.filter(project_id__in=pids, amount__gt=0).values_list("project_id", flat=True)
    )
    reported = STATUS_SOURCE(pids, since=today - timedelta(days=6))
    for pid in pids:
        facts[pid].update(
            tasks=tasks.get(pid, 0),
            baseline=pid in baselined,
            budget_lines=pid in budgeted,
            status_saved=pid in reported,
        )
    # Risks: the oldest allowed review date differs per project type, so filter by the smallest interval
    # in the database and by each project's own in Python.
    days = {pid: int(_param(effective, pid, "hygiene.risk_review", "days")) for pid in pids}
    if days:
        cutoff = today - timedelta(days=min(days.values()))
        risks = (
            Risk.objects.filter(project_id__in=pids, status__in=OPEN_RISK_STATUSES)
            .annotate(reviewed=Coalesce("last_reviewed", "raised_on"))
            .filter(reviewed__lt=cutoff)
            .order_by("project_id", "number")
            .values_list("project_id", "number", "title", "last_reviewed", "reviewed")
        )
        for pid, number, title, last, reviewed in risks:
            if reviewed < today - timedelta(days=days[pid]):
                facts[pid]["risks"].append(
                    {
                        "code": f"R-{number:03d}",
                        "title": title,
                        "last_reviewed": last.isoformat() if last else None,
                    }
                )
    actions = (
        ActionItem.objects.filter(project_id__in=pids, status__in=OPEN_ACTION_STATUSES, due_date__lt=today)
        .order_by("project_id", "due_date", "number")
        .values_list("project_id", "number", "title", "due_date")
    )
    for pid, number, title, due in actions:
        grace = int(_param(effective, pid, "hygiene.overdue_actions", "grace_days"))
        if due is not None and due < today - timedelta(days=grace):
            facts[pid]["actions"].append({"code": f"A-{number:03d}", "title": title, "due": due.isoformat()})
    # Timesheets of the last complete week: who logged time on the project, and whether their week is
    # submitted and approved for it.
    week = last_complete_week(today)
    logged = set(
        TimeEntry.objects.filter(
            project_id__in=pids, date__gte=week, date__lte=week + timedelta(days=6)
        ).values_list("project_id", "person_id")
    )
    if logged:
        people = {pid for _p, pid in logged}
        sheets = {
            person: (sheet_id, status)
            for sheet_id, person, status in Timesheet.objects.filter(
                person_id__in=people, week_start=week
            ).values_list("id", "person_id", "status")
        }
        approvals = {
            (sheet, project): status
            for sheet, project, status in TimesheetApproval.objects.filter(
                timesheet_id__in=[s for s, _st in sheets.values()], project_id__in=pids
            ).values_list("timesheet_id", "project_id", "status")
        }
        from kuroko.people.models import Person

        names = {p.pk: str(p) for p in Person.objects.filter(pk__in=people)}
        for project_id, person in sorted(logged, key=lambda pair: (pair[0], names.get(pair[1], ""))):
            sheet = sheets.get(person)
            if sheet is None or sheet[1] == "open":
                state = "not_submitted"
            elif sheet[1] == "approved" or approvals.get((sheet[0], project_id)) == "approved":
                continue
            else:
                state = "not_approved"
            facts[project_id]["timesheets"].append({"person": names.get(person, ""), "state": state})
        for pid in pids:
            facts[pid]["week"] = week.isoformat()
    # Gates: phases whose gate date (or the finish of their summary task) has passed without a decided
    # review.
    phases = (
        Phase.objects.filter(project_id__in=pids)
        .exclude(reviews__status=GateReviewStatus.DECIDED)
        .select_related("task")
        .order_by("project_id", "number", "pk")
    )
    for phase in phases:
        due = phase.gate_date or (phase.task.finish.date() if phase.task and phase.task.finish else None)
        grace = int(_param(effective, phase.project_id, "hygiene.gate_overdue", "grace_days"))
        if due is not None and due < today - timedelta(days=grace):
            facts[phase.project_id]["gates"].append({"phase": phase.name, "gate_date": due.isoformat()})
    return facts


register_pack(Pack(PACK, gettext_lazy("PMO hygiene"), load))


def _facts(data: ProjectData) -> dict[str, Any]:
    return data.packs[PACK]  # type: ignore[no-any-return]


def _listed(items: list[Any], **extra: Any) -> Evidence:
    return {"count": len(items), "items": items[:LIST_LIMIT], **extra}


# --- the rules --------------------------------------------------------------------------------------


def _baseline(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    facts = _facts(data)
    if data.project.status == "active" and facts["tasks"] and not facts["baseline"]:
        return {"task_count": facts["tasks"]}
    return None


register(
    Rule(
        key="hygiene.baseline",
        pack=PACK,
        title=gettext_lazy("Baseline set"),
        description=gettext_lazy(
            "An active project with tasks has saved a baseline. Without one, nobody can say whether it is "
            "late or over budget: earned value, slippage and the DCMA execution index all compare with it."
        ),
        severity="high",
        check=_baseline,
        message=lambda e: (
            ngettext(
                "The project has %(n)s task and no baseline.",
                "The project has %(n)s tasks and no baseline.",
                e["task_count"],
            )
            % {"n": e["task_count"]}
        ),
    )
)


def _manager(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    return {} if data.project.manager_id is None else None


register(
    Rule(
        key="hygiene.manager",
        pack=PACK,
        title=gettext_lazy("Project manager assigned"),
        description=gettext_lazy(
            "Every active or on-hold project has a named project manager: someone answers for it and "
            "receives its findings."
        ),
        severity="high",
        check=_manager,
        message=lambda e: _("Nobody is the project manager."),
        owner=lambda data, evidence: None,  # no manager to own it: the PMO assigns one
    )
)


def _status(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    if data.project.status != "active" or _facts(data)["status_saved"]:
        return None
    return {"since": (data.today - timedelta(days=6)).isoformat(), "rag": data.project.rag_overall}


register(
    Rule(
        key="hygiene.status_report",
        pack=PACK,
        title=gettext_lazy("Status reported this week"),
        description=gettext_lazy(
            "An active project's weekly status report was submitted (or reviewed) for the week: a report of "
            "a week that ends in the last 7 days."
        ),
        severity="medium",
        check=_status,
        message=lambda e: _("No status report submitted since %(since)s.") % {"since": e["since"]},
    )
)


def _risks(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    items = _facts(data)["risks"]
    return _listed(items, days=params["days"]) if items else None


register(
    Rule(
        key="hygiene.risk_review",
        pack=PACK,
        title=gettext_lazy("Risks reviewed"),
        description=gettext_lazy(
            "Every open risk was reviewed within the interval (or, never reviewed, raised within it). A "
            "risk register nobody looks at gives false comfort."
        ),
        severity="medium",
        check=_risks,
        params={"days": Param(gettext_lazy("Review interval (days)"), 30, min=1, max=366)},
        message=lambda e: (
            ngettext(
                "%(n)s open risk not reviewed for more than %(days)s days.",
                "%(n)s open risks not reviewed for more than %(days)s days.",
                e["count"],
            )
            % {"n": e["count"], "days": e["days"]}
        ),
    )
)


def _actions(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    items = _facts(data)["actions"]
    if len(items) <= params["max_overdue"]:
        return None
    return _listed(items, max_overdue=params["max_overdue"])


register(
    Rule(
        key="hygiene.overdue_actions",
        pack=PACK,
        title=gettext_lazy("Actions on time"),
        description=gettext_lazy(
            "Open action items are not past their due date (after the grace days). Overdue actions are "
            "the first sign that risks and issues are not being handled."
        ),
        severity="medium",
        check=_actions,
        params={
            "grace_days": Param(gettext_lazy("Grace (days)"), 0, min=0, max=90),
            "max_overdue": Param(gettext_lazy("Overdue actions allowed"), 0, min=0, max=1000),
        },
        message=lambda e: (
            ngettext("%(n)s action item is overdue.", "%(n)s action items are overdue.", e["count"])
            % {"n": e["count"]}
        ),
    )
)


def _timesheets(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    facts = _facts(data)
    items = facts["timesheets"]
    if not items:
        return None
    late = sum(1 for i in items if i["state"] == "not_submitted")
    return _listed(items, week=facts["week"], not_submitted=late, not_approved=len(items) - late)


register(
    Rule(
        key="hygiene.timesheets",
        pack=PACK,
        title=gettext_lazy("Timesheets submitted and approved"),
        description=gettext_lazy(
            "Everyone who logged time on the project in the last complete week (Monday to Sunday) has "
            "submitted that week, and the project manager has approved it. Actual cost and earned value "
            "are only as good as the hours behind them."
        ),
        severity="low",
        check=_timesheets,
        message=lambda e: (
            _("Week of %(week)s: %(late)s timesheet(s) not submitted, %(pending)s not approved.")
            % {"week": e["week"], "late": e["not_submitted"], "pending": e["not_approved"]}
        ),
    )
)


def _budget(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    if data.project.budget or _facts(data)["budget_lines"]:
        return None
    return {}


register(
    Rule(
        key="hygiene.budget",
        pack=PACK,
        title=gettext_lazy("Budget set"),
        description=gettext_lazy(
            "The project has a budget (its total, or monthly budget lines). Without one there is no cost "
            "baseline to control against."
        ),
        severity="medium",
        check=_budget,
        message=lambda e: _("The project has no budget."),
    )
)


def _gates(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
    items = _facts(data)["gates"]
    return _listed(items) if items else None


register(
    Rule(
        key="hygiene.gate_overdue",
        pack=PACK,
        title=gettext_lazy("Gates on time"),
        description=gettext_lazy(
            "No phase gate date (or, without one, the finish of the phase's summary task) has passed "
            "without a decided gate review. A phase that runs on without its gate decision skips the "
            "organisation's quality check."
        ),
        severity="high",
        check=_gates,
        params={"grace_days": Param(gettext_lazy("Grace (days)"), 0, min=0, max=90)},
        message=lambda e: (
            ngettext(
                "%(n)s phase gate is overdue: %(phases)s.",
                "%(n)s phase gates are overdue: %(phases)s.",
                e["count"],
            )
            % {"n": e["count"], "phases": ", ".join(i["phase"] for i in e["items"])}
        ),
    )
)
