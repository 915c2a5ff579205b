"""Timesheet services (issue 5): saving a week, the refusals, submission and per-project approval,
reopening, the month-end close, actual work, effort-based progress and the labour cost of entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.core.models import Role
from kuroko.people import services as people_services
from kuroko.projects import services as project_services
from kuroko.projects.models import Assignment, Project, ProjectRole, Task
from kuroko.tracking import services
from kuroko.tracking.models import (
    ApprovalStatus,
    PeriodClose,
    TimeEntry,
    Timesheet,
    TimesheetApproval,
    TimesheetStatus,
)
from kuroko.tracking.services import TimesheetRefused
from tests.conftest import signed_in
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

MON = date(2027, 4, 5)  # a Monday
TUE, WED, THU, FRI = (MON + timedelta(days=n) for n in range(1, 5))


@dataclass
class Sheets:
    """ALPHA (managed by pm) from 1 April 2027 and GAMMA (managed by pm2); the member (6,000/h) is in
    both, assigned to Screens (ALPHA) for 5 days and to Build (GAMMA)."""

    world: Any
    pm2: Any
    alpha: Project
    gamma: Project
    screens: Task
    review: Task
    build: Task
    beta_task: Task

    @property
    def member(self) -> Any:
        return self.world.member

    @property
    def person(self) -> Any:
        return self.world.member.person


def make_sheets(world: Any) -> Sheets:
    """Build the Sheets data on the `world` fixture (shared by the timesheet test modules)."""
    admin = world.admin
    alpha = project_services.project_update(
        actor=admin, project=world.project, data={"planned_start": date(2027, 4, 1)}, expected_version=None
    )
    pm2 = UserFactory(username="pm2", role=Role.PROJECT_MANAGER)
    PersonFactory(family_name="Pm2", user=pm2)
    gamma = project_services.project_create(
        actor=admin,
        data={"code": "GAMMA", "name": "Gamma", "manager": pm2.person, "status": "active",
              "planned_start": date(2027, 4, 1)},
    )  # fmt: skip
    project_services.member_add(
        actor=admin, project=gamma, person=world.member.person, role=ProjectRole.MEMBER
    )
    build = project_services.task_create(
        actor=admin, project=gamma, data={"name": "Build", "duration_minutes": 4800}
    )
    people_services.rate_card_add(
        actor=admin, person=world.member.person, data={"effective_from": date(2027, 1, 1), "cost_rate": 6000}
    )
    screens = Task.objects.get(pk=world.owned_task.pk)
    project_services.assignment_set(actor=admin, task=screens, person=world.member.person)
    project_services.assignment_set(actor=admin, task=build, person=world.member.person)
    return Sheets(
        world,
        pm2,
        Project.objects.get(pk=alpha.pk),
        Project.objects.get(pk=gamma.pk),
        Task.objects.get(pk=screens.pk),
        Task.objects.get(pk=world.plain_task.pk),
        Task.objects.get(pk=build.pk),
        world.other_task,
    )


@pytest.fixture
def sheets(world) -> Sheets:
    return make_sheets(world)


def entry(day: date, task: Any = None, minutes: int | None = None, **extra: Any) -> dict[str, Any]:
    """One entry of a save: a task (or `category=` for indirect work) and minutes or `time=`."""
    out: dict[str, Any] = {"date": day, "task": task.pk if isinstance(task, Task) else task, **extra}
    if minutes is not None:
        out["minutes"] = minutes
    return out


def save(s: Sheets, entries: list[dict[str, Any]], actor: Any = None) -> Timesheet:
    return services.timesheet_save(actor=actor or s.member, person=s.person, week_start=MON, entries=entries)


def test_a_week_is_saved_with_cost_and_actual_work(sheets):
    """Entries are written with the labour cost of the day; task and assignment actual work follow."""
    s = sheets
    sheet = save(
        s,
        [
            entry(MON, s.screens, time="2h30m", comment="Login screen"),
            entry(TUE, s.screens, time="1:30"),
            entry(MON, s.build, time="2,5"),
            entry(WED, category="meetings", time="１"),
        ],
    )
    assert sheet.status == TimesheetStatus.OPEN and sheet.week_start == MON
    rows = {(e.date, e.task_id, e.category): e for e in TimeEntry.objects.all()}
    assert rows[(MON, s.screens.pk, "")].minutes == 150
    assert rows[(MON, s.screens.pk, "")].comment == "Login screen"
    assert rows[(MON, s.screens.pk, "")].project_id == s.alpha.pk
    assert rows[(MON, s.screens.pk, "")].cost == Decimal("15000.00")  # 2.5 h × 6,000
    assert rows[(WED, None, "meetings")].project_id is None and rows[(WED, None, "meetings")].minutes == 60
    s.screens.refresh_from_db()
    assert s.screens.actual_work_minutes == 240
    assert Assignment.objects.get(task=s.screens, person=s.person).actual_work_minutes == 240
    assert Task.objects.get(pk=s.build.pk).actual_work_minutes == 150


def test_replacing_a_week_leaves_unchanged_rows_alone(sheets):
    """Unchanged entries are not written; changed ones are; entries left out or at zero are removed."""
    s = sheets
    save(s, [entry(MON, s.screens, 60), entry(TUE, s.screens, 60), entry(WED, s.build, 60)])
    before = {e.date: e.updated_at for e in TimeEntry.objects.all()}
    TimeEntry.objects.filter(date=MON).update(comment="kept")
    save(s, [entry(MON, s.screens, 60), entry(TUE, s.screens, 90), entry(THU, s.build, 0)])
    after = {e.date: e for e in TimeEntry.objects.all()}
    assert set(after) == {MON, TUE}
    assert after[MON].updated_at == before[MON] and after[MON].comment == "kept"  # comment absent: kept
    assert after[TUE].minutes == 90 and after[TUE].updated_at > before[TUE]
    assert Task.objects.get(pk=s.build.pk).actual_work_minutes == 0


def test_a_save_limited_to_days_keeps_the_other_days(sheets):
    """The daily log saves one day: the other days of the week are not touched."""
    s = sheets
    save(s, [entry(MON, s.screens, 60), entry(TUE, s.screens, 60)])
    services.timesheet_save(
        actor=s.member, person=s.person, week_start=MON, entries=[entry(TUE, s.build, 30)], days=[TUE]
    )
    assert sorted((e.date, e.task_id) for e in TimeEntry.objects.all()) == [
        (MON, s.screens.pk),
        (TUE, s.build.pk),
    ]


def _closed_gamma(s: Sheets) -> None:
    Project.objects.filter(pk=s.gamma.pk).update(status="closed")


# fmt: off
REFUSALS = [
    # more than 24 hours in one day, over two rows: named by the day
    (lambda s: [entry(MON, s.screens, time="20"), entry(MON, s.build, time="5")], None, MON, None,
     "more than 24 hours"),
    # negative minutes
    (lambda s: [entry(MON, s.screens, -30)], None, MON, "screens", "negative"),
    # a negative time typed as text
    (lambda s: [entry(MON, s.screens, time="-1:00")], None, MON, "screens", "negative"),
    # text that is not a time
    (lambda s: [entry(TUE, s.screens, time="lots")], None, TUE, "screens", "is not a time"),
    # one cell of more than a day
    (lambda s: [entry(TUE, s.screens, time="25")], None, TUE, "screens", "more than 24 hours"),
    # a task of a project the person is not in (BETA)
    (lambda s: [entry(MON, s.beta_task, 60)], None, MON, "beta_task", "may not log time to"),
    # a summary task
    (lambda s: [entry(MON, s.world.summary, 60)], None, MON, "summary", "summary task"),
    # a task of a closed project
    (lambda s: [entry(MON, s.build, 60)], _closed_gamma, MON, "build", "is Closed"),
    # a day outside the week
    (lambda s: [entry(MON + timedelta(days=7), s.screens, 60)], None, MON + timedelta(days=7), "screens",
     "not in the week"),
    # a task id that does not exist
    (lambda s: [entry(MON, 999999, 60)], None, MON, 999999, "no task 999999"),
    # both a task and an indirect category
    (lambda s: [entry(MON, s.screens, 60, category="meetings")], None, MON, "screens", "not both"),
    # neither a task nor a known category
    (lambda s: [entry(MON, None, 60, category="lunch")], None, MON, None,
     "choose a task or an indirect category"),
    # the same task twice on a day
    (lambda s: [entry(MON, s.screens, 60), entry(MON, s.screens, 30)], None, MON, "screens", "twice"),
    # a date that is not a date
    (lambda s: [{"date": "5 April", "task": s.screens.pk, "minutes": 60}], None, None, None, "YYYY-MM-DD"),
]
# fmt: on


@pytest.mark.parametrize(("entries", "setup", "day", "task", "words"), REFUSALS)
def test_refusals_name_the_day_and_task_and_save_nothing(sheets, entries, setup, day, task, words):
    """Each bad entry is refused with a message naming it; nothing of the week is written."""
    s = sheets
    save(s, [entry(FRI, s.screens, 45)])
    if setup:
        setup(s)
    with pytest.raises(TimesheetRefused) as info:
        save(s, [entry(FRI, s.screens, 90), *entries(s)])
    problem = info.value.problems[-1]
    assert words.lower() in problem.message.lower()
    assert problem.date == day
    if isinstance(task, str):
        named = getattr(s, task) if hasattr(s, task) else getattr(s.world, task)
        assert problem.task == named.pk
    elif task is not None:
        assert problem.task == task
    if day is not None:
        assert day.isoformat() in problem.message
    assert not info.value.conflict
    assert [(e.date, e.minutes) for e in TimeEntry.objects.all()] == [(FRI, 45)]


def test_several_problems_are_reported_together(sheets):
    """All problems of a save come back at once."""
    s = sheets
    with pytest.raises(TimesheetRefused) as info:
        save(s, [entry(MON, s.screens, time="x"), entry(TUE, s.beta_task, 60)])
    assert [p.date for p in info.value.problems] == [MON, TUE]


def test_hours_already_logged_to_a_task_no_longer_allowed_can_be_reduced(sheets):
    """After a project closes, its hours can be lowered or removed but not raised."""
    s = sheets
    save(s, [entry(MON, s.build, 120)])
    _closed_gamma(s)
    with pytest.raises(TimesheetRefused):
        save(s, [entry(MON, s.build, 180)])
    save(s, [entry(MON, s.build, 60)])
    save(s, [])
    assert not TimeEntry.objects.exists()


def test_a_closed_month_locks_its_days_only(sheets, world):
    """Entries in a closed month cannot be added, changed or removed (409); the PMO reopens it."""
    s = sheets
    week = date(2027, 3, 29)  # Monday 29 March – Sunday 4 April: two months
    services.timesheet_save(
        actor=s.member, person=s.person, week_start=week, entries=[entry(date(2027, 3, 30), s.screens, 60)]
    )
    services.period_close(actor=world.pmo, month=date(2027, 3, 15))
    for entries in (
        [entry(date(2027, 3, 30), s.screens, 90)],  # a change
        [entry(date(2027, 3, 30), s.screens, 60), entry(date(2027, 3, 31), s.screens, 60)],  # an addition
        [],  # a removal
    ):
        with pytest.raises(TimesheetRefused) as info:
            services.timesheet_save(actor=s.member, person=s.person, week_start=week, entries=entries)
        assert info.value.conflict and "in 2027-03, which is closed" in info.value.problems[0].message
    services.timesheet_save(
        actor=s.member,
        person=s.person,
        week_start=week,
        entries=[entry(date(2027, 3, 30), s.screens, 60), entry(date(2027, 4, 1), s.screens, 60)],
    )
    assert TimeEntry.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.period_reopen(actor=world.pm, month=date(2027, 3, 1))
    with pytest.raises(TimesheetRefused):
        services.period_close(actor=world.pmo, month=date(2027, 3, 1))
    services.period_reopen(actor=world.admin, month=date(2027, 3, 1))
    assert not PeriodClose.objects.exists()
    assert [h.history_type for h in PeriodClose.history.order_by("history_date")] == ["+", "-"]
    with pytest.raises(TimesheetRefused):
        services.period_reopen(actor=world.admin, month=date(2027, 3, 1))


def test_who_may_save_a_week(sheets, world):
    """The person and the PMO save it; the PM, an executive and others may not."""
    s = sheets
    for actor in (world.pm, world.executive, world.outsider, s.pm2):
        with pytest.raises(PermissionDenied):
            save(s, [entry(MON, s.screens, 60)], actor=actor)
    assert not TimeEntry.objects.exists()
    save(s, [entry(MON, s.screens, 60)], actor=world.pmo)
    assert TimeEntry.objects.count() == 1


def test_what_a_person_may_log_to(sheets, world):
    """Tasks they own, are assigned to, or of projects they manage or are members of; not others."""
    from kuroko.tracking.selectors import loggable_tasks

    s = sheets
    outsider = world.outsider.person
    assert not loggable_tasks(outsider.pk).exists()
    Task.objects.filter(pk=s.review.pk).update(owner=outsider)
    assert set(loggable_tasks(outsider.pk)) == {s.review}
    project_services.assignment_set(actor=world.admin, task=s.beta_task, person=outsider)
    assert set(loggable_tasks(outsider.pk)) == {s.review, s.beta_task}
    pm_tasks = set(loggable_tasks(world.pm.person.pk))
    assert {s.screens, s.review} <= pm_tasks and world.summary not in pm_tasks


def _submitted(s: Sheets) -> Timesheet:
    save(
        s, [entry(MON, s.screens, 240), entry(TUE, s.build, 120), entry(WED, category="training", minutes=60)]
    )
    return services.timesheet_submit(actor=s.member, person=s.person, week_start=WED)


def test_submission_asks_each_project_manager(sheets, world):
    """One approval per project with hours; the week is approved when every project is."""
    s = sheets
    sheet = _submitted(s)
    assert sheet.status == TimesheetStatus.SUBMITTED and sheet.submitted_at is not None
    approvals = {a.project.code: a for a in TimesheetApproval.objects.filter(timesheet=sheet)}
    assert set(approvals) == {"ALPHA", "GAMMA"}  # training needs no approval
    with pytest.raises(TimesheetRefused) as info:
        save(s, [entry(MON, s.screens, 60)])
    assert info.value.conflict and "Submitted" in info.value.problems[0].message
    with pytest.raises(PermissionDenied):
        services.timesheet_approve(actor=world.pm, approval=approvals["GAMMA"])
    with pytest.raises(PermissionDenied):
        services.timesheet_approve(actor=s.member, approval=approvals["ALPHA"])
    services.timesheet_approve(actor=world.pm, approval=approvals["ALPHA"])
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED
    decided = services.timesheet_approve(actor=s.pm2, approval=approvals["GAMMA"])
    assert decided.decided_by == s.pm2 and decided.status == ApprovalStatus.APPROVED
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.APPROVED
    with pytest.raises(TimesheetRefused):  # not waiting any more
        services.timesheet_approve(actor=world.pmo, approval=approvals["ALPHA"])


def test_a_week_of_indirect_work_only_is_approved_at_once(sheets):
    """Nothing to approve per project: submitting approves the week."""
    s = sheets
    save(s, [entry(MON, category="leave", minutes=480)])
    sheet = services.timesheet_submit(actor=s.member, person=s.person, week_start=MON)
    assert sheet.status == TimesheetStatus.APPROVED and not sheet.approvals.exists()


def test_an_empty_week_cannot_be_submitted(sheets):
    """Submitting a week without hours is refused, naming the week."""
    with pytest.raises(TimesheetRefused) as info:
        services.timesheet_submit(actor=sheets.member, person=sheets.person, week_start=MON)
    assert MON.isoformat() in info.value.problems[0].message


def test_rejection_sends_the_week_back_and_unchanged_approvals_survive_resubmission(sheets, world):
    """A rejection needs a reason and reopens the week; on resubmission the project whose hours did
    not change stays approved, the changed one waits again."""
    s = sheets
    sheet = _submitted(s)
    approvals = {a.project.code: a for a in TimesheetApproval.objects.filter(timesheet=sheet)}
    services.timesheet_approve(actor=world.pm, approval=approvals["ALPHA"])
    with pytest.raises(ValidationError) as info:
        services.timesheet_reject(actor=s.pm2, approval=approvals["GAMMA"], reason="  ")
    assert "reason" in info.value.message_dict
    services.timesheet_reject(actor=s.pm2, approval=approvals["GAMMA"], reason="Build was on Wednesday")
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.OPEN and "Build was on Wednesday" in sheet.note
    save(
        s, [entry(MON, s.screens, 240), entry(WED, s.build, 120), entry(WED, category="training", minutes=60)]
    )
    sheet = services.timesheet_submit(actor=s.member, person=s.person, week_start=MON)
    states = {a.project.code: a.status for a in TimesheetApproval.objects.filter(timesheet=sheet)}
    assert states == {"ALPHA": ApprovalStatus.APPROVED, "GAMMA": ApprovalStatus.PENDING}
    assert sheet.status == TimesheetStatus.SUBMITTED
    history = [
        h.status for h in TimesheetApproval.history.filter(id=approvals["GAMMA"].pk).order_by("history_date")
    ]
    assert history == ["pending", "rejected", "pending"]


def test_reopen_needs_a_reason_and_the_right_person(sheets, world):
    """The PMO or a project's manager reopens an approved week; the person withdraws a submitted one."""
    s = sheets
    sheet = _submitted(s)
    with pytest.raises(ValidationError):
        services.timesheet_reopen(actor=s.member, timesheet=sheet, reason="")
    services.timesheet_reopen(actor=s.member, timesheet=sheet, reason="Forgot Friday")
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.OPEN and sheet.note == "Forgot Friday"
    with pytest.raises(TimesheetRefused):
        services.timesheet_reopen(actor=world.pmo, timesheet=sheet, reason="again")
    sheet = services.timesheet_submit(actor=s.member, person=s.person, week_start=MON)
    for approval in TimesheetApproval.objects.filter(timesheet=sheet):
        services.timesheet_approve(actor=world.admin, approval=approval)
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.APPROVED
    for actor in (s.member, world.outsider, world.executive):
        with pytest.raises(PermissionDenied):
            services.timesheet_reopen(actor=actor, timesheet=sheet, reason="Correction")
    services.timesheet_reopen(actor=s.pm2, timesheet=sheet, reason="Correction")
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.OPEN
    statuses = [h.status for h in sheet.history.order_by("history_date")]
    assert statuses == ["open", "submitted", "open", "submitted", "approved", "open"]


def test_effort_based_progress_follows_logged_hours(sheets, world, django_capture_on_commit_callbacks):
    """% complete = actual ÷ (actual + remaining); the summary rolls up after commit (background)."""
    s = sheets
    Project.objects.filter(pk=s.alpha.pk).update(progress_method="effort")
    work = Assignment.objects.get(task=s.screens, person=s.person).work_minutes
    assert work == 2400
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(s, [entry(MON, s.screens, 480), entry(TUE, s.screens, 120)])
    assert len(callbacks) == 1
    screens = Task.objects.get(pk=s.screens.pk)
    assert screens.percent_complete == 25  # 600 of 2,400
    assert screens.actual_start is not None and screens.actual_finish is None
    assert Task.objects.get(pk=world.summary.pk).percent_complete > 0
    # More than planned: 100 %, remaining zero.
    with django_capture_on_commit_callbacks(execute=True):
        save(s, [entry(MON, s.screens, 1440), entry(TUE, s.screens, 1440)])
    assert Task.objects.get(pk=s.screens.pk).percent_complete == 100
    # A manual project keeps the PM's %.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(s, [entry(MON, s.screens, 1440), entry(TUE, s.screens, 1440), entry(WED, s.build, 480)])
    assert Task.objects.get(pk=s.build.pk).percent_complete == 0 and not callbacks


def test_rate_changes_reprice_the_entries_from_their_day(sheets, world):
    """A new rate from Wednesday reprices Wednesday on; removing it restores; a grade change too."""
    s = sheets
    save(s, [entry(MON, s.screens, 60), entry(WED, s.screens, 60), entry(THU, s.build, 30)])
    card = people_services.rate_card_add(
        actor=world.admin, person=s.person, data={"effective_from": WED, "cost_rate": 9000}
    )
    costs = dict(TimeEntry.objects.values_list("date", "cost"))
    assert costs == {MON: Decimal("6000.00"), WED: Decimal("9000.00"), THU: Decimal("4500.00")}
    people_services.rate_card_remove(actor=world.admin, rate=card)
    assert dict(TimeEntry.objects.values_list("date", "cost"))[WED] == Decimal("6000.00")
    # A grade: the person has no card of their own any more, so the grade's rate applies.
    grade = people_services.rate_role_create(actor=world.admin, data={"code": "SE", "name": "SE"})
    people_services.rate_card_remove(actor=world.admin, rate=s.person.rates.get())
    assert set(TimeEntry.objects.values_list("cost", flat=True)) == {None}
    people_services.person_update(
        actor=world.admin, person=s.person, data={"rate_role": grade}, expected_version=None
    )
    people_services.rate_card_add(
        actor=world.admin, role=grade, data={"effective_from": TUE, "cost_rate": 3000}
    )
    costs = dict(TimeEntry.objects.values_list("date", "cost"))
    assert costs == {MON: None, WED: Decimal("3000.00"), THU: Decimal("1500.00")}


def test_rate_changes_leave_closed_months_alone(sheets, world):
    """A rate dated into a closed month reprices only the open months' entries."""
    s = sheets
    save(s, [entry(MON, s.screens, 60), entry(WED, s.screens, 60)])
    later = services.timesheet_save(
        actor=s.member,
        person=s.person,
        week_start=MON + timedelta(days=28),  # 2027-05-03: the next month
        entries=[entry(MON + timedelta(days=28), s.screens, 60)],
    )
    assert later.pk
    services.period_close(actor=world.admin, month=MON)
    people_services.rate_card_add(
        actor=world.admin, person=s.person, data={"effective_from": MON, "cost_rate": 9000}
    )
    costs = dict(TimeEntry.objects.values_list("date", "cost"))
    assert costs == {
        MON: Decimal("6000.00"),  # April is closed: the cost it was closed with
        WED: Decimal("6000.00"),
        MON + timedelta(days=28): Decimal("9000.00"),
    }


def test_hours_of_a_deleted_task_count_in_the_day_and_do_not_block_the_daily_log(sheets):
    """20 h left by a deleted task and 5 h more are over 24 h; the day's log still saves around them."""
    s = sheets
    save(s, [entry(MON, s.screens, 20 * 60)])
    TimeEntry.objects.filter(task=s.screens).update(task=None)  # what deleting the task leaves
    with pytest.raises(TimesheetRefused, match="more than 24 hours"):
        save(s, [entry(MON, s.build, 5 * 60)])
    save(s, [entry(MON, s.build, 2 * 60)])
    client = signed_in(s.member)
    response = client.post(f"/timesheets/day/{MON.isoformat()}/", {f"time-t{s.build.pk}": "3h"})
    assert response.status_code == 302, response.content.decode()[:1500]
    day = dict(TimeEntry.objects.filter(date=MON).values_list("task_id", "minutes"))
    assert day == {None: 20 * 60, s.build.pk: 3 * 60}
