"""Gathering the facts of projects' weeks (`kuroko.reporting.facts.ProjectFacts`) from the live data.

One implementation for one project and for many: `facts_for(projects, week, today=…)` reads every kind
of row for the whole batch in one query (earned value through `tracking.mapping.portfolio_totals`, the
load of the projects' people through one `projects.selectors.load.time_phased`), so drafting the reports
of 500 projects costs a fixed number of queries per batch, not per project. Reads only: callers check
permissions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from kuroko.engine.calendar import WorkCalendar
from kuroko.projects.models import Baseline, BaselineTask, Project, Task
from kuroko.reporting.facts import (
    ActionFact,
    FindingFact,
    IssueFact,
    MilestoneFact,
    OverallocationFact,
    ProjectFacts,
    QualityFact,
    RiskFact,
)

TOP_RISKS = 5
TOP_ISSUES = 5
TOP_FINDINGS = 10
HIGH_LEVELS = ("high", "critical")
SEVERITY_ORDER = ("critical", "high", "medium", "low")


def status_date_of(week: date, today: date) -> date:
    """The day a week's figures are as of: its Friday, or today while the week is running."""
    return max(week, min(week + timedelta(days=4), today))


def working_days(first: date, last: date, *, calendar: WorkCalendar) -> int:
    """Working days of `calendar` (days with working time) from `first`, included, to `last`, excluded:
    positive when `last` is later, negative when earlier, 0 on the same day."""
    if first == last:
        return 0
    lo, hi = min(first, last), max(first, last)
    count = len(calendar.working_days(lo, hi - timedelta(days=1)))
    return count if last > first else -count


class ProjectDays:
    """Working days counted on each project's own calendar (or the organisation's default), as its
    schedule counts them: the calendar's week, public holidays and exceptions (company holidays),
    through its base calendars. Each distinct calendar of the batch is read and mapped to the engine once,
    whatever the number of projects on it; `years` are the years whose public holidays are included."""

    def __init__(self, projects: Iterable[Project], years: range):
        projects = list(projects)
        default = None
        if any(p.calendar_id is None for p in projects):
            from kuroko.people.selectors import default_calendar

            default = default_calendar().pk
        self._calendar_of = {p.pk: p.calendar_id or default for p in projects}
        self._years = years
        self._compiled: dict[int, WorkCalendar | None] | None = None

    def _compile(self) -> dict[int, WorkCalendar | None]:
        from kuroko.people.mapping import calendars_to_engine_many

        mapped = calendars_to_engine_many({pk for pk in self._calendar_of.values() if pk}, self._years)
        compiled: dict[int, WorkCalendar | None] = {}
        # Only whole days are asked, which need no horizon: the smallest one is compiled.
        around = datetime(self._years.start, 1, 1)
        for pk, calendars in mapped.items():
            try:
                compiled[pk] = WorkCalendar(
                    calendars[-1], {c.id: c for c in calendars}, around=around, years=1, lookback=0
                )
            except ValueError:  # a calendar without any working time, or a loop of base calendars
                compiled[pk] = None
        return compiled

    def between(self, project_id: int, first: date, last: date) -> int | None:
        """`working_days(first, last)` on the project's calendar; None when it cannot be counted."""
        if self._compiled is None:
            self._compiled = self._compile()
        calendar = self._compiled.get(self._calendar_of.get(project_id) or 0)
        return None if calendar is None else working_days(first, last, calendar=calendar)


def _local(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def facts_for(
    projects: Sequence[Project], week: date, *, today: date, previous: dict[int, dict[str, Any]] | None = None
) -> dict[int, ProjectFacts]:
    """The facts of each project's ISO week starting `week` (project id → facts). `previous` holds the
    previous week's stored facts per project (for what changed since); None reads them here."""
    projects = list(projects)
    if not projects:
        return {}
    ids = [p.pk for p in projects]
    status_date = status_date_of(week, today)
    if previous is None:
        previous = _previous_facts(ids, week)
    currency = _currency()
    facts = {p.pk: _base(p, week, status_date, currency) for p in projects}
    _earned_value(projects, facts, status_date)
    _milestones(projects, facts, week, status_date)
    _forecasts(ids, facts)
    _risks(ids, facts, week, status_date, previous)
    _issues(ids, facts, week, status_date, previous)
    _actions(ids, facts, status_date)
    _changes(ids, facts)
    # Findings and indicator names are stored worded, in the organisation's language whoever drafts (as
    # the project's RAG reasons are); pages word them again in the reader's language by their keys.
    with translation.override(settings.LANGUAGE_CODE):
        _governance(projects, facts, status_date)
        _quality(projects, facts, status_date)
    _overallocations(ids, facts, week)
    return facts


def _previous_facts(ids: list[int], week: date) -> dict[int, dict[str, Any]]:
    from kuroko.reporting.models import StatusReport

    rows = StatusReport.objects.filter(project_id__in=ids, week=week - timedelta(days=7))
    return dict(rows.values_list("project_id", "facts"))


def _base(p: Project, week: date, status_date: date, currency: str) -> ProjectFacts:
    finish = _local(p.scheduled_finish)
    return ProjectFacts(
        project_id=p.pk,
        code=p.code,
        name=p.name,
        manager=str(p.manager) if p.manager_id else "",
        program=p.program.name if p.program is not None else "",
        project_type=p.project_type.code if p.project_type is not None else "",
        currency=currency,
        week=week,
        status_date=status_date,
        percent_complete=float(p.percent_complete) if p.percent_complete is not None else None,
        planned_percent=None,
        start=_local(p.scheduled_start) or p.planned_start,
        finish=finish or p.planned_finish,
        baseline_finish=None,
        finish_variance_days=None,
        budget=float(p.budget) if p.budget else None,
    )


def _currency() -> str:
    from kuroko.core.models import Organisation

    org = Organisation.objects.first()
    return getattr(org, "currency", "") or "JPY"


def _earned_value(projects: list[Project], facts: dict[int, ProjectFacts], status_date: date) -> None:
    from kuroko.engine.evm import Unit, figures
    from kuroko.tracking.mapping import portfolio_totals

    baselines = {
        pid: finish
        for pid, finish in Baseline.objects.filter(
            project__in=[p.pk for p in projects], number=F("project__compared_baseline")
        ).values_list("project_id", "finish")
    }
    for pid, finish in baselines.items():
        f = facts[pid]
        f.baseline_finish = _local(finish)
    totals = portfolio_totals(projects, status_date=status_date, unit=Unit.MONEY)
    for pid, t in totals.items():
        if t is None:
            continue
        fig = figures(bac=t.bac, pv=t.pv, ev=t.ev, ac=t.ac)
        f = facts[pid]
        f.bac, f.pv, f.ev, f.ac = t.bac, t.pv, t.ev, t.ac
        f.spi, f.cpi, f.eac, f.vac = fig.spi, fig.cpi, fig.eac, fig.vac
        f.planned_percent = round(t.pv / t.bac * 100, 1) if t.bac else None


def _milestones(
    projects: list[Project], facts: dict[int, ProjectFacts], week: date, status_date: date
) -> None:
    ids = [p.pk for p in projects]
    week_end = week + timedelta(days=6)
    horizon = week_end + timedelta(days=14)
    rows = list(
        Task.objects.filter(project_id__in=ids, kind="milestone")
        .order_by("project_id", "row")
        .values_list("pk", "project_id", "wbs_code", "name", "finish", "actual_finish", "planned_finish")
    )
    compared = {
        (pid, number): pk
        for pk, pid, number in Baseline.objects.filter(project_id__in=ids).values_list(
            "pk", "project_id", "number"
        )
    }
    chosen = dict(Project.objects.filter(pk__in=ids).values_list("pk", "compared_baseline"))
    wanted = [compared[(pid, chosen[pid])] for pid in ids if (pid, chosen[pid]) in compared]
    baseline_finish = {
        task_id: _local(finish)
        for task_id, finish in BaselineTask.objects.filter(
            baseline_id__in=wanted, task_id__in=[r[0] for r in rows]
        ).values_list("task_id", "finish")
    }
    listed: list[tuple[int, MilestoneFact]] = []
    for pk, pid, wbs, name, finish, actual, planned in rows:
        current = _local(actual) or _local(finish) or planned
        if current is None:
            continue
        base = baseline_finish.get(pk)
        in_week = week <= current <= week_end or (base is not None and week <= base <= week_end)
        done = actual is not None
        # Late is judged on the dates: a milestone baselined on a weekend and finished the Monday after
        # slipped 0 working days yet was not met.
        late = base is not None and current > base
        if in_week:
            if done:
                state = "missed" if late else "met"
            elif current < status_date or (base is not None and base < status_date and late):
                state = "missed"
            else:
                state = "due"
        elif week_end < current <= horizon and not done:
            state = "upcoming"
        else:
            continue
        fact = MilestoneFact(pk, wbs, name, base, current, _local(actual), None, state)
        (facts[pid].milestones_this_week if in_week else facts[pid].milestones_next).append(fact)
        listed.append((pid, fact))
    # Slips and the finish variance of the whole project in working days of each project's calendar, with
    # the public holidays of every year they span.
    variances = [f for f in facts.values() if f.baseline_finish and f.finish]
    days = [d for _pid, m in listed if m.baseline_finish for d in (m.baseline_finish, m.finish)]
    days += [d for f in variances for d in (f.baseline_finish, f.finish) if d]
    if not days:
        return
    between = ProjectDays(projects, range(min(days).year, max(days).year + 1)).between
    for pid, m in listed:
        if m.baseline_finish:
            m.slip_days = between(pid, m.baseline_finish, m.finish)
    for f in variances:
        if f.baseline_finish and f.finish:
            f.finish_variance_days = between(f.project_id, f.baseline_finish, f.finish)


def _forecasts(ids: list[int], facts: dict[int, ProjectFacts]) -> None:
    from kuroko.raid.models import RunStatus, SimulationRun

    seen: set[int] = set()
    for pid, results, finished in (
        SimulationRun.objects.filter(project_id__in=ids, status=RunStatus.DONE)
        .order_by("project_id", "-number")
        .values_list("project_id", "results", "finished_at")
    ):
        if pid in seen:
            continue
        seen.add(pid)
        p80 = ((results or {}).get("finish") or {}).get("p80")
        if p80:
            facts[pid].p80_finish = date.fromisoformat(str(p80)[:10])
            facts[pid].p80_run_at = finished.isoformat() if finished else ""


def _people(ids: Iterable[int | None]) -> dict[int, str]:
    from kuroko.people.models import Person

    wanted = {i for i in ids if i}
    return {p.pk: p.full_name for p in Person.objects.filter(pk__in=wanted)} if wanted else {}


def _risks(
    ids: list[int],
    facts: dict[int, ProjectFacts],
    week: date,
    status_date: date,
    previous: dict[int, dict[str, Any]],
) -> None:
    from kuroko.raid.models import Risk
    from kuroko.raid.models.registers import OPEN_RISK_STATUSES

    week_end = week + timedelta(days=6)
    rows = list(
        Risk.objects.filter(project_id__in=ids)
        .exclude(status__in=[s for s in ("closed", "occurred")], closed_on__lt=week)
        .order_by("project_id", "-score", "number")
        .values_list(
            "pk", "project_id", "number", "title", "level", "score", "owner_id", "next_review", "status",
            "raised_on", "closed_on",
        )
    )  # fmt: skip
    names = _people(r[6] for r in rows)
    before: dict[int, dict[int, float]] = {}
    for pid, data in previous.items():
        scores = {int(k): float(v) for k, v in (data or {}).get("risk_scores", {}).items()}
        scores.update({int(r["id"]): float(r.get("score") or 0) for r in (data or {}).get("risks", [])})
        before[pid] = scores
    for pk, pid, number, title, level, score, owner, review, status, raised, closed in rows:
        f = facts[pid]
        is_open = status in OPEN_RISK_STATUSES
        if is_open:
            f.open_risks += 1
            f.risk_scores[str(pk)] = float(score)
            if level in HIGH_LEVELS:
                f.high_risks += 1
        elif not (closed and week <= closed <= week_end):
            continue
        last = before.get(pid, {}).get(pk)
        if not is_open:
            change = "closed"
        elif last is None:
            # Not open in last week's report: new when raised after its figures (a report drafted before
            # every open risk's score was kept only lists its top risks, so an unlisted risk raised
            # earlier was open then); without last week's report, when raised this week.
            since = _as_of(previous.get(pid))
            change = "new" if (raised > since if since else week <= raised <= week_end) else ""
        elif float(score) > last:
            change = "raised"
        elif float(score) < last:
            change = "lowered"
        else:
            change = ""
        open_listed = sum(1 for r in f.risks if r.change != "closed")
        if is_open and open_listed >= TOP_RISKS:
            continue
        f.risks.append(
            RiskFact(
                pk, f"R-{number:03d}", title, level, float(score), names.get(owner or 0, ""), review, change
            )
        )
    for f in facts.values():
        f.risks.sort(key=lambda r: (r.change == "closed", -r.score))


def _as_of(data: dict[str, Any] | None) -> date | None:
    """The status date of stored facts (None when there are none)."""
    text = (data or {}).get("status_date")
    return date.fromisoformat(str(text)[:10]) if text else None


def _issues(
    ids: list[int],
    facts: dict[int, ProjectFacts],
    week: date,
    status_date: date,
    previous: dict[int, dict[str, Any]],
) -> None:
    from kuroko.raid.models import Issue
    from kuroko.raid.models.registers import OPEN_ISSUE_STATUSES, SEVERITY_RANK

    week_end = week + timedelta(days=6)
    rows = list(
        Issue.objects.filter(project_id__in=ids)
        .exclude(status__in=["resolved", "closed"], resolved_on__lt=week)
        .values_list(
            "pk", "project_id", "number", "title", "severity", "priority", "status", "owner_id", "due_date",
            "escalation_level", "escalated_at", "raised_on", "resolved_on",
        )
    )  # fmt: skip
    priority_rank = {"urgent": 4, "high": 3, "normal": 2, "low": 1}
    severity_rank: dict[str, int] = {str(k): v for k, v in SEVERITY_RANK.items()}
    rows.sort(key=lambda r: (r[1], -severity_rank.get(r[4], 0), -priority_rank.get(r[5], 0), r[2]))
    names = _people(r[7] for r in rows)
    for (
        pk,
        pid,
        number,
        title,
        severity,
        priority,
        status,
        owner,
        due,
        level,
        escalated,
        raised,
        resolved,
    ) in rows:
        f = facts[pid]
        is_open = status in OPEN_ISSUE_STATUSES
        if is_open:
            f.open_issues += 1
            if level:
                f.escalated_issues += 1
        elif not (resolved and week <= resolved <= week_end):
            continue
        if not is_open:
            change = "resolved"
        elif escalated is not None and week <= _local(escalated) <= week_end:  # type: ignore[operator]
            change = "escalated"
        elif week <= raised <= week_end:
            change = "new"
        else:
            change = ""
        if is_open and sum(1 for i in f.issues if i.change != "resolved") >= TOP_ISSUES:
            continue
        f.issues.append(
            IssueFact(pk, f"I-{number:03d}", title, severity, priority, status, names.get(owner or 0, ""),
                      due, change)
        )  # fmt: skip


def _actions(ids: list[int], facts: dict[int, ProjectFacts], status_date: date) -> None:
    from kuroko.raid.models import ActionItem
    from kuroko.raid.models.registers import OPEN_ACTION_STATUSES

    rows = list(
        ActionItem.objects.filter(
            project_id__in=ids, status__in=OPEN_ACTION_STATUSES, due_date__lt=status_date
        )
        .order_by("project_id", "due_date", "number")
        .values_list("pk", "project_id", "number", "title", "owner_id", "due_date")
    )
    names = _people(r[4] for r in rows)
    for pk, pid, number, title, owner, due in rows:
        facts[pid].overdue_actions.append(
            ActionFact(pk, f"A-{number:03d}", title, names.get(owner or 0, ""), due, (status_date - due).days)  # type: ignore[operator]
        )


def _changes(ids: list[int], facts: dict[int, ProjectFacts]) -> None:
    from django.db.models import Count

    from kuroko.governance.models import Defect
    from kuroko.raid.models import ChangeRequest

    for pid, count in (
        ChangeRequest.objects.filter(project_id__in=ids, status="submitted")
        .values_list("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
        .order_by()
    ):
        facts[pid].change_requests_pending = count
    for pid, count in (
        Defect.objects.filter(project_id__in=ids, status="open", severity__lte=2)
        .values_list("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
        .order_by()
    ):
        facts[pid].severe_defects = count


def _governance(projects: list[Project], facts: dict[int, ProjectFacts], status_date: date) -> None:
    from kuroko.governance.models import Finding, FindingStatus, HealthSnapshot
    from kuroko.governance.selectors.audits import finding_message
    from kuroko.governance.selectors.gates import gate_status

    ids = [p.pk for p in projects]
    findings = list(
        Finding.objects.filter(project_id__in=ids, status=FindingStatus.OPEN).order_by("project_id", "pk")
    )
    rank = {s: n for n, s in enumerate(SEVERITY_ORDER)}
    findings.sort(key=lambda x: (x.project_id, rank.get(x.severity, 9), x.rule))
    for finding in findings:
        f = facts[finding.project_id]
        f.findings_by_severity[finding.severity] = f.findings_by_severity.get(finding.severity, 0) + 1
        if len(f.findings) < TOP_FINDINGS:
            f.findings.append(
                FindingFact(finding.rule, finding.severity, finding_message(finding), finding.due)
            )
    for pid, score in (
        HealthSnapshot.objects.filter(project_id__in=ids, day__lte=status_date)
        .order_by("project_id", "day")
        .values_list("project_id", "score")
    ):
        facts[pid].health_score = round(float(score))
    for pid, cell in gate_status(projects, today=status_date).items():
        facts[pid].gate = {
            "phase": cell.phase,
            "status": cell.state,
            "due": cell.date.isoformat() if cell.date else None,
            "decision": cell.state if cell.state in ("passed", "conditional", "failed") else "",
        }


def _quality(projects: list[Project], facts: dict[int, ProjectFacts], status_date: date) -> None:
    from kuroko.governance.metrics import METRICS
    from kuroko.governance.models import QualityIndicator
    from kuroko.governance.selectors.quality import quality_indicator_results

    typed = set(QualityIndicator.objects.values_list("project_type_id", flat=True).distinct())
    if not typed:
        return
    colour = {"ok": "green", "low": "red", "high": "red"}
    for p in projects:
        if None not in typed and p.project_type_id not in typed:
            continue
        for r in quality_indicator_results(p, as_of=status_date, phases=False):
            facts[p.pk].quality.append(
                QualityFact(
                    r.metric,
                    r.label,
                    float(r.value) if r.value is not None else None,
                    str(METRICS[r.metric].unit),
                    colour.get(r.state, ""),
                )
            )


def _overallocations(ids: list[int], facts: dict[int, ProjectFacts], week: date) -> None:
    """The project's people loaded over 100 % of their capacity in this week or the next two, with this
    project's tasks they work on then (one load computation for the whole batch)."""
    from kuroko.people.models import Person
    from kuroko.projects.models import Assignment
    from kuroko.projects.selectors.load import time_phased

    bounds = [week + timedelta(days=7 * n) for n in range(4)]
    person_ids = set(
        Assignment.objects.filter(
            task__project_id__in=ids,
            person__isnull=False,
            task__finish__date__gte=bounds[0],
            task__start__date__lte=bounds[-1],
        ).values_list("person_id", flat=True)
    )
    if not person_ids:
        return
    people = list(Person.objects.filter(pk__in=person_ids).order_by("pk"))
    phased = time_phased(people, bounds)
    capacity = phased.capacity
    with np.errstate(divide="ignore", invalid="ignore"):
        load = np.where(capacity > 0, phased.work / capacity * 100, np.where(phased.work > 0, np.inf, 0))
    over = load > 100.0
    if not over.any():
        return
    wanted = set(ids)
    # (project, person row) → {period: [task ids]}
    spans: dict[tuple[int, int], dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for n, item in enumerate(phased.items):
        if item.project not in wanted:
            continue
        for period in np.nonzero(over[item.person] & (phased.item_work[n] > 0))[0]:
            spans[(item.project, item.person)][int(period)].add(item.task)
    if not spans:
        return
    task_ids = {t for periods in spans.values() for tasks in periods.values() for t in tasks}
    labels = {
        pk: f"{wbs} {name}".strip()
        for pk, wbs, name in Task.objects.filter(pk__in=task_ids).values_list("pk", "wbs_code", "name")
    }
    for (pid, row), periods in sorted(spans.items()):
        ordered = sorted(periods)
        first, last = ordered[0], ordered[-1]
        peak = float(np.max(load[row, first : last + 1]))
        tasks = sorted({labels.get(t, "") for period in ordered for t in periods[period]})
        facts[pid].overallocations.append(
            OverallocationFact(
                str(people[row]),
                bounds[first],
                bounds[last + 1] - timedelta(days=1),
                round(peak, 1) if peak != float("inf") else 999.0,
                tasks,
            )
        )
