"""Reads of the portfolio timeline: every visible project's span, phases, milestones and links."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q

from kuroko.projects.models import Dependency, Program, Project, Task, TaskKind
from kuroko.projects.selectors import ProjectFilter, project_list

# --- Portfolio timeline ------------------------------------------------------------------------------

TIMELINE_PROJECT_FIELDS = [
    "id",
    "code",
    "name",
    "program",  # index into "programs", -1 without a program
    "status",
    "rag",  # overall RAG colour, "" when not assessed
    "percent",
    "start",
    "finish",
    "manager",
]
TIMELINE_TASK_FIELDS = ["id", "project", "kind", "wbs", "name", "start", "finish", "percent", "critical"]
TIMELINE_LINK_FIELDS = [
    "id",
    "from_project",
    "to_project",
    "from",  # the predecessor's finish (FS, FF) or start (SS, SF)
    "to",  # the successor's start (FS, SS) or finish (FF, SF)
    "type",
    "lag",
    "broken",
    "critical",
    "from_task",  # "CODE WBS name" of the predecessor
    "to_task",
]


def portfolio_timeline(user: Any, f: ProjectFilter, *, today: Any) -> dict[str, Any]:
    """Every project the user may see (filtered as the portfolio page is), grouped by program, with its
    phases (summary tasks at outline level 1), milestones and the links between tasks of different
    projects among them. Compact like `gantt_data`: times are minutes after `origin` (a local Monday
    midnight), rows are arrays described by the `*_fields` lists. Three queries, whatever the number of
    projects.

    A link is `broken` when the successor's date it depends on (its start for FS and SS, its finish for
    FF and SF) is before the predecessor's (its finish for FS and FF, its start for SS and SF): the other
    project has moved since this one was scheduled. Lag is not counted. A link is `critical` when both
    of its tasks are critical.
    """
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    zone = timezone.get_current_timezone()

    def naive(moment: datetime | None) -> datetime | None:
        # mapping.naive, with the time zone looked up once: a large portfolio has tens of thousands.
        if moment is None:
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.replace(tzinfo=None, second=0, microsecond=0)

    projects = list(project_list(user, f))
    # Grouped by program (in code order, projects without one last); the filter's sort within a group.
    programs_by_pk: dict[int, Program] = {p.program.pk: p.program for p in projects if p.program is not None}
    program_order = sorted(programs_by_pk.values(), key=lambda p: p.code)
    program_index = {p.pk: i for i, p in enumerate(program_order)}
    projects.sort(key=lambda p: program_index.get(p.program_id or 0, len(program_order)))
    index = {p.pk: i for i, p in enumerate(projects)}

    def span(project: Project) -> tuple[datetime | None, datetime | None]:
        start, finish = naive(project.scheduled_start), naive(project.scheduled_finish)
        if start is None and project.planned_start is not None:
            start = datetime.combine(project.planned_start, time())
        if finish is None and project.planned_finish is not None:
            finish = datetime.combine(project.planned_finish + timedelta(days=1), time())
        if start is not None and finish is not None and finish < start:
            finish = start
        return start, finish

    spans = [span(p) for p in projects]
    tasks = [
        (pk, project, kind, wbs, name, naive(start), naive(finish), pct, critical)
        for pk, project, kind, wbs, name, start, finish, pct, critical in Task.objects.filter(
            project_id__in=list(index)
        )
        .filter(Q(kind=TaskKind.SUMMARY, outline_level=1) | Q(kind=TaskKind.MILESTONE))
        .exclude(start=None)
        .order_by("project_id", "row")
        .values_list(
            "pk", "project_id", "kind", "wbs_code", "name", "start", "finish", "percent_complete", "critical"
        )
    ]
    links = list(
        Dependency.objects.filter(
            predecessor__project_id__in=list(index), successor__project_id__in=list(index)
        )
        .exclude(predecessor__project_id=F("successor__project_id"))
        .exclude(predecessor__start=None)
        .exclude(successor__start=None)
        .order_by("pk")
        .values_list(
            "pk",
            "type",
            "lag_minutes",
            "predecessor__project_id",
            "predecessor__project__code",
            "predecessor__wbs_code",
            "predecessor__name",
            "predecessor__start",
            "predecessor__finish",
            "predecessor__critical",
            "successor__project_id",
            "successor__project__code",
            "successor__wbs_code",
            "successor__name",
            "successor__start",
            "successor__finish",
            "successor__critical",
        )
        if index
        else []
    )
    moments = [m for t in tasks for m in (naive(t[5]), naive(t[6])) if m is not None]
    moments += [m for pair in spans for m in pair if m is not None]
    moments.append(datetime.combine(today, time()))
    first, last = min(moments), max(moments)
    origin = datetime.combine(first.date() - timedelta(days=first.weekday() + 7), time())

    def minutes(moment: datetime | None) -> int | None:
        local = naive(moment)
        return None if local is None else int((local - origin).total_seconds() // 60)

    def label(code: str, wbs: str, name: str) -> str:
        return " ".join(part for part in (code, wbs, name) if part)

    link_rows = []
    for (
        pk,
        link_type,
        lag,
        a_project,
        a_code,
        a_wbs,
        a_name,
        a_start,
        a_finish,
        a_critical,
        b_project,
        b_code,
        b_wbs,
        b_name,
        b_start,
        b_finish,
        b_critical,
    ) in links:
        source = minutes(a_finish if link_type in ("FS", "FF") else a_start)
        target = minutes(b_finish if link_type in ("FF", "SF") else b_start)
        link_rows.append(
            [
                pk,
                index[a_project],
                index[b_project],
                source,
                target,
                link_type,
                lag,
                1 if source is not None and target is not None and target < source else 0,
                1 if a_critical and b_critical else 0,
                label(a_code, a_wbs, a_name),
                label(b_code, b_wbs, b_name),
            ]
        )
    kinds: dict[str, str] = {TaskKind.SUMMARY: "phase", TaskKind.MILESTONE: "milestone"}
    return {
        "origin": origin.isoformat(),
        "days": (last.date() - origin.date()).days + 45,
        "today": (today - origin.date()).days * 1440,
        "programs": [[p.code, p.name] for p in program_order],
        "project_fields": TIMELINE_PROJECT_FIELDS,
        "projects": [
            [
                p.pk,
                p.code,
                p.name,
                program_index.get(p.program_id or 0, -1),
                p.status,
                p.rag_overall,
                float(p.percent_complete),
                minutes(start),
                minutes(finish),
                str(p.manager) if p.manager_id else "",
            ]
            for p, (start, finish) in zip(projects, spans, strict=True)
        ],
        "task_fields": TIMELINE_TASK_FIELDS,
        "tasks": [
            [
                pk,
                index[project],
                kinds[kind],
                wbs,
                name,
                minutes(start),
                minutes(finish),
                pct,
                1 if crit else 0,
            ]
            for pk, project, kind, wbs, name, start, finish, pct, crit in tasks
        ],
        "link_fields": TIMELINE_LINK_FIELDS,
        "links": link_rows,
    }
