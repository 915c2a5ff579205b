"""Week-by-week portfolio trends for the dashboards and the portfolio report: SPI and CPI (from the EVM
snapshots, else the figures of the week's status report) and projects per overall colour (from the status
reports, else the project's own colour as its history had it at the end of the week). Each trend reads
its rows in a fixed number of queries, whatever the number of projects or weeks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import FloatField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from kuroko.engine.evm import Unit
from kuroko.projects.models import Project, Rag
from kuroko.reporting.models import StatusReport
from kuroko.reporting.weeks import week_label, week_start
from kuroko.tracking.models import EvmSnapshot

WEEKS = 12  # how far back the trends go
# A snapshot older than this is not carried into a later week (the project stopped being measured).
CARRY = timedelta(days=35)


def week_starts(last: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the `weeks` ISO weeks ending with the one containing `last`, oldest first."""
    end = week_start(last)
    return [end - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]


@dataclass(frozen=True, slots=True)
class IndexPoint:
    """The portfolio's earned value at the end of one week (sums over the measured projects)."""

    week: date
    end: date  # the week's Sunday
    pv: float
    ev: float
    ac: float
    projects: int  # how many projects were measured

    @property
    def spi(self) -> float | None:
        return self.ev / self.pv if self.pv else None

    @property
    def cpi(self) -> float | None:
        return self.ev / self.ac if self.ac else None

    @property
    def label(self) -> str:
        return week_label(self.week)


def index_points(
    project_ids: list[int],
    *,
    last: date,
    weeks: int = WEEKS,
    current: dict[int, tuple[float, float, float]] | None = None,
) -> list[IndexPoint]:
    """SPI and CPI of the portfolio at the end of each week: per project the latest EVM snapshot (money) up
    to the week's end, not older than five weeks, else the figures of that week's status report; in the
    last week, else `current` (PV, EV, AC by project: the live figures of the week in progress)."""
    mondays = week_starts(last, weeks)
    first, end = mondays[0], mondays[-1] + timedelta(days=6)
    by_project: dict[int, list[tuple[date, float, float, float]]] = defaultdict(list)
    for pid, day, pv, ev, ac in (
        EvmSnapshot.objects.filter(
            project_id__in=project_ids, unit=Unit.MONEY.value, status_date__range=(first - CARRY, end)
        )
        .order_by("project_id", "status_date")
        .values_list("project_id", "status_date", "pv", "ev", "ac")
    ):
        by_project[pid].append((day, pv, ev, ac))
    reported: dict[tuple[int, date], tuple[float, float, float]] = {}
    rows = (
        StatusReport.objects.filter(project_id__in=project_ids, week__range=(first, mondays[-1]))
        .annotate(
            f_pv=Cast(KT("facts__pv"), FloatField()),
            f_ev=Cast(KT("facts__ev"), FloatField()),
            f_ac=Cast(KT("facts__ac"), FloatField()),
        )
        .filter(f_pv__isnull=False, f_ev__isnull=False)
        .values_list("project_id", "week", "f_pv", "f_ev", "f_ac")
    )
    for pid, monday, pv, ev, ac in rows:
        reported[(pid, monday)] = (pv, ev, ac or 0.0)
    out = []
    for monday in mondays:
        sunday = monday + timedelta(days=6)
        pv = ev = ac = 0.0
        n = 0
        live = (current or {}) if monday == mondays[-1] else {}
        for pid in sorted(set(by_project) | {p for p, _w in reported if _w == monday} | set(live)):
            figures: tuple[float, float, float] | None = None
            for day, s_pv, s_ev, s_ac in reversed(by_project.get(pid, [])):
                if day <= sunday:
                    if sunday - day <= CARRY:
                        figures = (s_pv, s_ev, s_ac)
                    break
            if figures is None:
                figures = reported.get((pid, monday))
            if figures is None:
                figures = live.get(pid)
            if figures is None:
                continue
            pv, ev, ac, n = pv + figures[0], ev + figures[1], ac + figures[2], n + 1
        out.append(IndexPoint(monday, sunday, pv, ev, ac, n))
    return out


@dataclass(frozen=True, slots=True)
class RagPoint:
    """Projects per overall colour at the end of one week."""

    week: date
    red: int
    amber: int
    green: int
    none: int
    reported: int  # how many colours came from that week's status reports

    @property
    def label(self) -> str:
        return week_label(self.week)

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green + self.none


def rag_points(projects: list[Project], *, last: date, weeks: int = WEEKS) -> list[RagPoint]:
    """Overall colours per week of `projects` (those that existed by the week's end): the colour in effect
    in the week's status report, else the project's own `rag_overall` as its history had it at the end of
    the week (replayed from one query of the history records)."""
    mondays = week_starts(last, weeks)
    ids = [p.pk for p in projects]
    reports: dict[tuple[int, date], str] = {
        (pid, monday): rag
        for pid, monday, rag in StatusReport.objects.filter(
            project_id__in=ids, week__range=(mondays[0], mondays[-1])
        ).values_list("project_id", "week", "rag_overall")
    }
    zone = timezone.get_current_timezone()
    ends = [timezone.make_aware(datetime.combine(m + timedelta(days=7), time.min), zone) for m in mondays]
    history: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    records = Project.history.filter(id__in=ids, history_date__lt=ends[-1]).order_by("id", "history_date")
    for pid, when, rag, kind in records.values_list("id", "history_date", "rag_overall", "history_type"):
        history[pid].append((when, "" if kind == "-" else rag))
    out = []
    for monday, end in zip(mondays, ends, strict=True):
        counts = {"red": 0, "amber": 0, "green": 0, "": 0}
        from_reports = 0
        for pid in ids:
            if (pid, monday) in reports:
                colour = reports[(pid, monday)]
                from_reports += 1
            else:
                states = [rag for when, rag in history.get(pid, []) if when < end]
                if not states:
                    continue  # the project did not exist yet
                colour = states[-1]
            counts[colour if colour in Rag.values else ""] += 1
        out.append(
            RagPoint(monday, counts["red"], counts["amber"], counts["green"], counts[""], from_reports)
        )
    return out


def visible_ids(projects: Any, *, program: Any = None) -> Any:
    """Narrow a project queryset to one program (an instance, an id or a code)."""
    if program is None or program == "":
        return projects
    if isinstance(program, int):
        return projects.filter(program_id=program)
    if isinstance(program, str):
        return projects.filter(program__code=program)
    return projects.filter(Q(program=program))
