"""Writes of timesheets: saving a week (or a day), submitting it, the per-project approval by each
project's manager, reopening, the month-end close, and what logged hours change elsewhere — the actual
work of tasks and assignments, effort-based progress, and the labour cost of each entry.

Every function is one transaction and checks the actor's permission first. Bad entries are refused all
together with a message naming the day, row and task (`TimesheetRefused`); nothing is half-written.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.core.services import bulk_set
from kuroko.formats.durations import MAX_MINUTES, DurationTextError, format_minutes, parse_minutes
from kuroko.people.models import Person
from kuroko.projects.models import Assignment, ProgressMethod, Project, Status, Task, TaskKind
from kuroko.tracking import permissions as tperms
from kuroko.tracking.models import (
    ApprovalStatus,
    IndirectCategory,
    PeriodClose,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)
from kuroko.tracking.selectors.timesheets import (
    DAYS,
    LOGGABLE_STATUSES,
    closed_months,
    loggable_tasks,
    month_of,
    week_days,
    week_of,
)
from kuroko.tracking.services.timesheet_notices import approvals_requested, timesheet_rejected

CENT = Decimal("0.01")


@dataclass(frozen=True)
class EntryProblem:
    """Why one entry (or one day, or the week) was refused."""

    message: str
    date: date | None = None
    task: int | None = None
    category: str = ""
    conflict: bool = False  # the week or month is locked (HTTP 409), not bad input (400)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "task": self.task,
            "category": self.category,
            "message": self.message,
        }


class TimesheetRefused(ValidationError):
    """One or more entries (or the state of the week or month) refused; `problems` names each."""

    def __init__(self, problems: list[EntryProblem]) -> None:
        super().__init__([p.message for p in problems])
        self.problems = problems

    @property
    def conflict(self) -> bool:
        return all(p.conflict for p in self.problems)


def time_text_minutes(text: Any) -> int:
    """Minutes of a cell's text (``2h30m``, ``2:30``, ``2.5``…); a ValidationError in the user's
    language names the text otherwise."""
    try:
        return parse_minutes(None if text is None else str(text))
    except DurationTextError as exc:
        messages = {
            "negative": _("“%(text)s” is negative: enter the time worked."),
            "too_long": _("“%(text)s” is more than 24 hours."),
        }
        message = messages.get(exc.kind, _("“%(text)s” is not a time; write e.g. 2h30m, 2:30 or 2.5."))
        raise ValidationError(message % {"text": exc.text}) from None


def _day_label(day: date) -> str:
    return day.isoformat()


def _week_label(monday: date) -> str:
    return monday.isoformat()


def _lock_sheet(person: Person, monday: date) -> Timesheet:
    sheet, _created = Timesheet.objects.select_for_update().get_or_create(person=person, week_start=monday)
    return sheet


def _save_sheet(sheet: Timesheet, actor: Any) -> None:
    if getattr(actor, "is_authenticated", False):
        sheet._history_user = actor  # type: ignore[attr-defined]
    sheet.save()


def _require_open(sheet: Timesheet) -> None:
    if sheet.status != TimesheetStatus.OPEN:
        raise TimesheetRefused(
            [
                EntryProblem(
                    _("The week of %(week)s is %(status)s: it cannot be changed until it is reopened.")
                    % {"week": _week_label(sheet.week_start), "status": TimesheetStatus(sheet.status).label},
                    conflict=True,
                )
            ]
        )


# --- Saving a week -----------------------------------------------------------------------------------


@dataclass
class _Wanted:
    day: date
    task_id: int | None
    category: str
    minutes: int
    comment: str | None  # None: keep the stored comment


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _as_task_id(value: Any) -> int | str | None:
    """A task's id, None for no task, or "" for something that is not an id."""
    if value in (None, ""):
        return None
    if isinstance(value, Task):
        return value.pk
    if isinstance(value, bool):
        return ""
    try:
        return int(value)
    except (TypeError, ValueError):
        return ""


def _read_entries(
    entries: Iterable[Mapping[str, Any]], scope: set[date], monday: date
) -> tuple[list[_Wanted], list[EntryProblem]]:
    wanted: list[_Wanted] = []
    problems: list[EntryProblem] = []
    seen: set[tuple[date, int | None, str]] = set()
    for n, item in enumerate(entries, start=1):
        day = _as_date(item.get("date"))
        task_id = _as_task_id(item.get("task"))
        category = str(item.get("category") or "")
        if day is None:
            problems.append(
                EntryProblem(_("Entry %(n)s: enter the date as YYYY-MM-DD.") % {"n": n}, category=category)
            )
            continue
        if task_id == "":
            problems.append(
                EntryProblem(
                    _("Entry %(n)s: the task must be a task id.") % {"n": n}, date=day, category=category
                )
            )
            continue
        assert task_id is None or isinstance(task_id, int)
        if day not in scope:
            message = _("%(day)s is not in the week of %(week)s.") % {
                "day": _day_label(day),
                "week": _week_label(monday),
            }
            if len(scope) == 1:
                message = _("%(day)s is not the day being edited.") % {"day": _day_label(day)}
            problems.append(EntryProblem(message, date=day, task=task_id, category=category))
            continue
        if task_id is not None and category:
            problems.append(
                EntryProblem(
                    _("%(day)s: an entry is for a task or an indirect category, not both.")
                    % {"day": _day_label(day)},
                    date=day,
                    task=task_id,
                    category=category,
                )
            )
            continue
        if task_id is None and category not in IndirectCategory.values:
            problems.append(
                EntryProblem(
                    _("%(day)s: choose a task or an indirect category (%(choices)s).")
                    % {"day": _day_label(day), "choices": ", ".join(IndirectCategory.values)},
                    date=day,
                    category=category,
                )
            )
            continue
        try:
            minutes = _entry_minutes(item)
        except ValidationError as exc:
            problems.append(
                EntryProblem(
                    _("%(day)s: %(problem)s") % {"day": _day_label(day), "problem": " ".join(exc.messages)},
                    date=day,
                    task=task_id,
                    category=category,
                )
            )
            continue
        key = (day, task_id, category)
        if key in seen:
            problems.append(
                EntryProblem(
                    _("%(day)s: the same task or category is entered twice.") % {"day": _day_label(day)},
                    date=day,
                    task=task_id,
                    category=category,
                )
            )
            continue
        seen.add(key)
        comment = item.get("comment")
        wanted.append(
            _Wanted(day, task_id, category, minutes, None if comment is None else str(comment).strip()[:500])
        )
    return wanted, problems


def _entry_minutes(item: Mapping[str, Any]) -> int:
    if item.get("time") is not None:
        return time_text_minutes(item["time"])
    value = item.get("minutes")
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(_("Enter the minutes as a whole number."))
    try:
        minutes = int(value)
    except ValueError:
        raise ValidationError(_("Enter the minutes as a whole number.")) from None
    if minutes < 0:
        raise ValidationError(
            _("%(minutes)s minutes is negative: enter the time worked.") % {"minutes": minutes}
        )
    if minutes > MAX_MINUTES:
        raise ValidationError(_("%(minutes)s minutes is more than 24 hours.") % {"minutes": minutes})
    return minutes


def _not_loggable(task: Task, person: Person) -> str:
    if task.kind == TaskKind.SUMMARY:
        return _("%(task)s is a summary task: log time to its subtasks.") % {"task": task}
    if task.project.status not in LOGGABLE_STATUSES:
        return _("Project %(code)s is %(status)s: no more time can be logged to %(task)s.") % {
            "code": task.project.code,
            "status": Status(task.project.status).label,
            "task": task,
        }
    return _(
        "%(person)s may not log time to %(task)s: they are neither the manager or a member of "
        "project %(code)s, nor assigned to the task, nor its owner."
    ) % {"person": person, "task": task, "code": task.project.code}


def _cost(minutes: int, timeline: list[Any], day: date) -> Decimal | None:
    from kuroko.people.selectors import rate_in

    rate = rate_in(timeline, day)
    if rate is None:
        return None
    return (Decimal(minutes) * Decimal(rate.cost) / 60).quantize(CENT)


@transaction.atomic
def timesheet_save(
    *,
    actor: Any,
    person: Person,
    week_start: date,
    entries: Iterable[Mapping[str, Any]],
    days: Iterable[date] | None = None,
) -> Timesheet:
    """Replace a person's entries of the week containing `week_start` (or only of `days` in it) by
    `entries`: each a mapping with `date`, `task` (an id or a Task; None for indirect work), `category`
    (an IndirectCategory for indirect work), `minutes` or `time` (text such as ``2h30m``), and
    optionally `comment` (left as stored when absent). Zero minutes, or an entry left out, removes it;
    entries whose minutes and comment did not change are not written.

    Refused together, naming the day and task: dates outside the week, bad times, more than 24 hours in
    a day (all rows together), tasks the person may not log to, changes in a closed month, and any change
    to a week that is submitted or approved."""
    require(tperms.can_edit_timesheet(actor, person))
    monday = week_of(week_start)
    week = week_days(monday)
    scope = set(week) if days is None else {d for d in days if monday <= d <= week[-1]}
    if days is not None and not scope:
        raise TimesheetRefused(
            [
                EntryProblem(
                    _("None of these days is in the week of %(week)s.") % {"week": _week_label(monday)}
                )
            ]
        )
    sheet = _lock_sheet(person, monday)
    _require_open(sheet)
    wanted, problems = _read_entries(entries, scope, monday)
    task_ids = {w.task_id for w in wanted if w.task_id is not None}
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids).select_related("project")}
    for w in wanted:
        if w.task_id is not None and w.task_id not in tasks:
            problems.append(
                EntryProblem(
                    _("%(day)s: there is no task %(id)s.") % {"day": _day_label(w.day), "id": w.task_id},
                    date=w.day,
                    task=w.task_id,
                )
            )
    # Hours of a deleted task (project kept, no task) cannot be entered again: they are left alone.
    existing = {
        (e.date, e.task_id, e.category): e
        for e in TimeEntry.objects.filter(person=person, date__in=scope).exclude(
            task__isnull=True, category=""
        )
    }
    # Day totals over every row of the day (rows outside `entries` are removed by the replacement), with
    # the hours of deleted tasks, which stay.
    totals: dict[date, int] = defaultdict(int)
    for day, minutes in TimeEntry.objects.filter(
        person=person, date__in=scope, task__isnull=True, category=""
    ).values_list("date", "minutes"):
        totals[day] += minutes
    for w in wanted:
        totals[w.day] += w.minutes
    for day in sorted(totals):
        if totals[day] > MAX_MINUTES:
            problems.append(
                EntryProblem(
                    _("%(day)s adds up to %(total)s, more than 24 hours.")
                    % {"day": _day_label(day), "total": format_minutes(totals[day])},
                    date=day,
                )
            )
    creates: list[_Wanted] = []
    updates: list[tuple[TimeEntry, _Wanted]] = []
    deletes: list[TimeEntry] = []
    kept = set()
    for w in wanted:
        key = (w.day, w.task_id, w.category)
        old = existing.get(key)
        kept.add(key)
        if w.minutes == 0:
            if old is not None:
                deletes.append(old)
        elif old is None:
            creates.append(w)
        elif old.minutes != w.minutes or (w.comment is not None and w.comment != old.comment):
            updates.append((old, w))
    deletes += [e for key, e in existing.items() if key not in kept]
    # Only new hours need the right to log to the task: hours logged before stay removable.
    checked = {w.task_id for w in creates if w.task_id is not None} | {
        w.task_id for old, w in updates if w.task_id is not None and w.minutes > old.minutes
    }
    checked &= set(tasks)
    if checked:
        allowed = set(loggable_tasks(person.pk).filter(pk__in=checked).values_list("pk", flat=True))
        for w in [*creates, *(w for _o, w in updates)]:
            if w.task_id in checked and w.task_id not in allowed:
                problems.append(
                    EntryProblem(
                        _("%(day)s: %(reason)s")
                        % {"day": _day_label(w.day), "reason": _not_loggable(tasks[w.task_id], person)},
                        date=w.day,
                        task=w.task_id,
                    )
                )
    changed_days = {w.day for w in creates} | {w.day for _o, w in updates} | {e.date for e in deletes}
    locked = closed_months(sorted(changed_days)) if changed_days else set()
    for day in sorted(d for d in changed_days if month_of(d) in locked):
        problems.append(
            EntryProblem(
                _("%(day)s is in %(month)s, which is closed: its hours cannot change.")
                % {"day": _day_label(day), "month": f"{day:%Y-%m}"},
                date=day,
                conflict=True,
            )
        )
    if problems:
        raise TimesheetRefused(problems)
    if not (creates or updates or deletes):
        return sheet

    from kuroko.people.selectors import rate_timelines

    timeline = rate_timelines([person])[person.pk]
    now = timezone.now()
    new_rows = []
    for w in creates:
        task = tasks.get(w.task_id) if w.task_id is not None else None
        new_rows.append(
            TimeEntry(
                person=person,
                date=w.day,
                task=task,
                project_id=task.project_id if task else None,
                category=w.category,
                minutes=w.minutes,
                comment=w.comment or "",
                cost=_cost(w.minutes, timeline, w.day),
            )
        )
    TimeEntry.objects.bulk_create(new_rows)
    changed_rows = []
    for old, w in updates:
        old.minutes = w.minutes
        if w.comment is not None:
            old.comment = w.comment
        old.cost = _cost(w.minutes, timeline, w.day)
        old.updated_at = now
        changed_rows.append(old)
    bulk_set(changed_rows, ["minutes", "comment", "cost", "updated_at"])
    if deletes:
        TimeEntry.objects.filter(pk__in=[e.pk for e in deletes]).delete()
    affected = (
        {w.task_id for w in creates if w.task_id}
        | {old.task_id for old, _w in updates if old.task_id}
        | {e.task_id for e in deletes if e.task_id}
    )
    actual_work_update(affected)
    return sheet


# --- Actual work and effort-based progress ----------------------------------------------------------


def actual_work_update(task_ids: Iterable[int | None]) -> set[int]:
    """Store the minutes logged on these tasks (and by each assigned person) as their actual work; in
    projects with effort-based progress, set % complete = actual ÷ (actual + remaining work), remaining
    = max(planned work − actual, 0), planned work being the sum of the task's assignments (a task with
    no planned work keeps its %). Returns the ids of the projects whose progress changed; their summary
    roll-ups and schedule are recomputed after the transaction commits, in the background."""
    ids = {pk for pk in task_ids if pk}
    if not ids:
        return set()
    task_sums = dict(
        TimeEntry.objects.filter(task_id__in=ids)
        .values("task_id")
        .annotate(m=Sum("minutes"))
        .values_list("task_id", "m")
    )
    person_sums = {
        (task_id, person_id): minutes
        for task_id, person_id, minutes in TimeEntry.objects.filter(task_id__in=ids)
        .values("task_id", "person_id")
        .annotate(m=Sum("minutes"))
        .values_list("task_id", "person_id", "m")
    }
    tasks = list(
        Task.objects.filter(pk__in=ids)
        .select_related("project")
        .only(
            "pk",
            "kind",
            "actual_work_minutes",
            "percent_complete",
            "actual_start",
            "actual_finish",
            "start",
            "finish",
            "project__id",
            "project__progress_method",
        )
    )
    assignments = list(
        Assignment.objects.filter(task_id__in=ids).only(
            "pk", "task_id", "person_id", "work_minutes", "actual_work_minutes"
        )
    )
    planned: dict[int, int] = defaultdict(int)
    changed_assignments = []
    for a in assignments:
        planned[a.task_id] += a.work_minutes
        actual = person_sums.get((a.task_id, a.person_id), 0) if a.person_id else 0
        if a.actual_work_minutes != actual:
            a.actual_work_minutes = actual
            changed_assignments.append(a)
    changed_tasks = []
    progressed: set[int] = set()
    for task in tasks:
        actual = task_sums.get(task.pk, 0)
        dirty = task.actual_work_minutes != actual
        task.actual_work_minutes = actual
        if task.project.progress_method == ProgressMethod.EFFORT and task.kind != TaskKind.SUMMARY:
            work = planned.get(task.pk, 0)
            if work > 0:
                total = actual + max(work - actual, 0)
                percent = (200 * actual + total) // (2 * total)  # rounded half up
                if percent != task.percent_complete:
                    task.percent_complete = percent
                    _progress_actuals(task)
                    progressed.add(task.project_id)
                    dirty = True
        if dirty:
            changed_tasks.append(task)
    bulk_set(changed_tasks, ["actual_work_minutes", "percent_complete", "actual_start", "actual_finish"])
    bulk_set(changed_assignments, ["actual_work_minutes"])
    if progressed:
        from kuroko.tracking.tasks import progress_in_background

        ids_list = sorted(progressed)
        transaction.on_commit(lambda: progress_in_background.enqueue(ids_list))
    return progressed


def _progress_actuals(task: Task) -> None:
    """As when a PM sets % complete (projects.services.tasks): work under way has started, finished
    work has finished, and 0 % clears both."""
    if task.percent_complete == 0:
        task.actual_start = task.actual_finish = None
        return
    if task.actual_start is None:
        task.actual_start = task.start
    if task.percent_complete == 100:
        if task.actual_finish is None:
            task.actual_finish = task.finish
    else:
        task.actual_finish = None


def projects_progress(project_ids: Iterable[int]) -> None:
    """Roll the effort-based progress up the WBS and reschedule (the background task's body)."""
    from kuroko.projects.services import renumber
    from kuroko.projects.services.schedule import project_reschedule

    for project in Project.objects.filter(pk__in=list(project_ids)):
        with transaction.atomic():
            renumber(project)
            project_reschedule(project)


# --- Labour cost ----------------------------------------------------------------------------------------


def entry_costs_recompute(*, person_ids: Iterable[int], since: date | None = None) -> int:
    """Recompute the labour cost of these people's entries from `since` (all when None) with the rates
    in force on each day (one query for the rates). Entries in closed months keep the cost they were
    closed with: a closed period's figures do not change behind the PMO's back. Returns how many
    entries changed."""
    from kuroko.people.selectors import rate_timelines

    people = list(Person.objects.filter(pk__in=list(person_ids)).only("pk", "rate_role_id"))
    if not people:
        return 0
    timelines = rate_timelines(people)
    query = TimeEntry.objects.filter(person__in=people)
    if since is not None:
        query = query.filter(date__gte=since)
    for first in PeriodClose.objects.values_list("month", flat=True):
        query = query.exclude(date__gte=first, date__lt=(first + timedelta(days=32)).replace(day=1))
    changed: list[TimeEntry] = []
    written = 0
    for pk, person_id, day, minutes, cost in query.values_list(
        "pk", "person_id", "date", "minutes", "cost"
    ).iterator(chunk_size=5000):
        new = _cost(minutes, timelines.get(person_id, []), day)
        if new != cost:
            changed.append(TimeEntry(pk=pk, cost=new))
        if len(changed) >= 5000:
            written += bulk_set(changed, ["cost"])
            changed = []
    return written + bulk_set(changed, ["cost"])


def on_rate_cards_changed(
    sender: object, *, person_ids: Iterable[int], since: date | None = None, **kwargs: object
) -> None:
    """Receiver of core.events.rate_cards_changed (connected in TrackingConfig.ready)."""
    entry_costs_recompute(person_ids=person_ids, since=since)


# --- Submission and approval ------------------------------------------------------------------------


def _digest(rows: list[tuple[date, int | None, int]]) -> str:
    text = ";".join(
        f"{d.isoformat()},{t or ''},{m}" for d, t, m in sorted(rows, key=lambda r: (r[0], r[1] or 0))
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _settle(sheet: Timesheet, approvals: list[TimesheetApproval]) -> None:
    if all(a.status == ApprovalStatus.APPROVED for a in approvals):
        sheet.status = TimesheetStatus.APPROVED


@transaction.atomic
def timesheet_submit(*, actor: Any, person: Person, week_start: date) -> Timesheet:
    """Submit the week for approval: one approval per project with hours in it, for that project's
    manager. An approval whose project hours did not change since it was given stays approved; hours of
    indirect work need none. The week is approved at once when nothing waits for a decision."""
    require(tperms.can_edit_timesheet(actor, person))
    monday = week_of(week_start)
    sheet = _lock_sheet(person, monday)
    _require_open(sheet)
    rows = list(
        TimeEntry.objects.filter(
            person=person, date__range=(monday, monday + timedelta(days=DAYS - 1))
        ).values_list("project_id", "date", "task_id", "minutes")
    )
    if not rows:
        raise TimesheetRefused(
            [EntryProblem(_("The week of %(week)s has no hours to submit.") % {"week": _week_label(monday)})]
        )
    per_project: dict[int, list[tuple[date, int | None, int]]] = defaultdict(list)
    for project_id, day, task_id, minutes in rows:
        if project_id is not None:
            per_project[project_id].append((day, task_id, minutes))
    approvals = {
        a.project_id: a for a in TimesheetApproval.objects.select_for_update().filter(timesheet=sheet)
    }
    current, waiting = [], []
    for project_id, project_rows in per_project.items():
        digest = _digest(project_rows)
        approval = approvals.pop(project_id, None)
        if approval is not None and approval.status == ApprovalStatus.APPROVED and approval.digest == digest:
            current.append(approval)
            continue
        approval = approval or TimesheetApproval(timesheet=sheet, project_id=project_id)
        approval.status, approval.digest, approval.reason = ApprovalStatus.PENDING, digest, ""
        approval.decided_by, approval.decided_at = None, None
        _save_approval(approval, actor)
        current.append(approval)
        waiting.append(project_id)
    for stale in approvals.values():
        stale.delete()
    sheet.status = TimesheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    _settle(sheet, current)
    _save_sheet(sheet, actor)
    if waiting:
        approvals_requested(actor=actor, sheet=sheet, project_ids=waiting)
    return sheet


def _save_approval(approval: TimesheetApproval, actor: Any) -> None:
    if getattr(actor, "is_authenticated", False):
        approval._history_user = actor  # type: ignore[attr-defined]
    approval.save()


def _locked_approval(approval: TimesheetApproval | int) -> tuple[TimesheetApproval, Timesheet]:
    pk = approval if isinstance(approval, int) else approval.pk
    row = TimesheetApproval.objects.select_for_update(of=("self",)).select_related("project").get(pk=pk)
    sheet = (
        Timesheet.objects.select_for_update(of=("self",)).select_related("person").get(pk=row.timesheet_id)
    )
    row.timesheet = sheet
    return row, sheet


def _require_submitted(sheet: Timesheet) -> None:
    if sheet.status != TimesheetStatus.SUBMITTED:
        raise TimesheetRefused(
            [
                EntryProblem(
                    _("The week of %(week)s of %(person)s is %(status)s, not waiting for approval.")
                    % {
                        "week": _week_label(sheet.week_start),
                        "person": sheet.person,
                        "status": TimesheetStatus(sheet.status).label,
                    },
                    conflict=True,
                )
            ]
        )


@transaction.atomic
def timesheet_approve(*, actor: Any, approval: TimesheetApproval | int) -> TimesheetApproval:
    """Approve one project's hours of a submitted week (the project's manager or the PMO). The week is
    approved when every project's hours are."""
    row, sheet = _locked_approval(approval)
    require(tperms.can_decide(actor, row.project))
    _require_submitted(sheet)
    row.status, row.reason = ApprovalStatus.APPROVED, ""
    row.decided_by, row.decided_at = actor, timezone.now()
    _save_approval(row, actor)
    _settle(sheet, list(TimesheetApproval.objects.filter(timesheet=sheet)))
    if sheet.status == TimesheetStatus.APPROVED:
        _save_sheet(sheet, actor)
    return row


@transaction.atomic
def timesheet_reject(*, actor: Any, approval: TimesheetApproval | int, reason: str) -> TimesheetApproval:
    """Reject one project's hours of a submitted week with a reason: the week goes back to its person
    (open), the reason shown on it."""
    row, sheet = _locked_approval(approval)
    require(tperms.can_decide(actor, row.project))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the hours are rejected.")})
    _require_submitted(sheet)
    row.status, row.reason = ApprovalStatus.REJECTED, reason[:500]
    row.decided_by, row.decided_at = actor, timezone.now()
    _save_approval(row, actor)
    sheet.status = TimesheetStatus.OPEN
    sheet.note = f"{row.project.code}: {reason}"[:500]
    _save_sheet(sheet, actor)
    timesheet_rejected(actor=actor, sheet=sheet, project=row.project, reason=reason)
    return row


def can_reopen(actor: Any, sheet: Timesheet) -> bool:
    """The PMO; a manager of a project with hours in the week; the person while the week waits."""
    if sheet.status == TimesheetStatus.OPEN:
        return False
    from kuroko.core.permissions import is_pmo

    if is_pmo(actor):
        return True
    if sheet.status == TimesheetStatus.SUBMITTED and tperms.own_person_id(actor) == sheet.person_id:
        return tperms.can_edit_timesheet(actor, sheet.person)
    return tperms.managed_projects(actor).filter(timesheet_approvals__timesheet=sheet).exists()


@transaction.atomic
def timesheet_reopen(*, actor: Any, timesheet: Timesheet, reason: str) -> Timesheet:
    """Send a submitted or approved week back to its person, with the reason (kept in the history).
    Approvals stay: a project whose hours do not change keeps its approval on resubmission."""
    sheet = Timesheet.objects.select_for_update(of=("self",)).select_related("person").get(pk=timesheet.pk)
    if sheet.status == TimesheetStatus.OPEN:
        raise TimesheetRefused(
            [
                EntryProblem(
                    _("The week of %(week)s is already open.") % {"week": _week_label(sheet.week_start)},
                    conflict=True,
                )
            ]
        )
    require(can_reopen(actor, sheet))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the week is reopened.")})
    sheet.status, sheet.note = TimesheetStatus.OPEN, reason[:500]
    _save_sheet(sheet, actor)
    return sheet


# --- Month-end close ------------------------------------------------------------------------------------


@transaction.atomic
def period_close(*, actor: Any, month: date) -> PeriodClose:
    """Close a month: no entry in it may be added, changed or removed until it is reopened (PMO)."""
    require(tperms.can_close_months(actor))
    first = month_of(month)
    # A lock on the closed months (an existing row) would not stop a second PMO closing the same month at
    # the same moment; the unique month does, and is reported as the conflict it is.
    if PeriodClose.objects.filter(month=first).exists():
        raise TimesheetRefused(
            [EntryProblem(_("%(month)s is already closed.") % {"month": f"{first:%Y-%m}"}, conflict=True)]
        )
    row = PeriodClose(month=first, closed_by=actor if getattr(actor, "pk", None) else None)
    if getattr(actor, "is_authenticated", False):
        row._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise TimesheetRefused(
            [EntryProblem(_("%(month)s is already closed.") % {"month": f"{first:%Y-%m}"}, conflict=True)]
        ) from None
    return row


@transaction.atomic
def period_reopen(*, actor: Any, month: date) -> None:
    """Reopen a closed month (PMO); the history keeps who closed and reopened it."""
    require(tperms.can_close_months(actor))
    first = month_of(month)
    row = PeriodClose.objects.select_for_update().filter(month=first).first()
    if row is None:
        raise TimesheetRefused(
            [EntryProblem(_("%(month)s is not closed.") % {"month": f"{first:%Y-%m}"}, conflict=True)]
        )
    if getattr(actor, "is_authenticated", False):
        row._history_user = actor  # type: ignore[attr-defined]
    row.delete()
