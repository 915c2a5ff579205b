"""A project from a template version, and a project saved as a template."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.formats.project_template import (
    TemplateCriterion,
    TemplateDeliverable,
    TemplateDocument,
    TemplateLink,
    TemplatePhase,
    TemplateRisk,
    TemplateRole,
    TemplateTask,
    document_to_json,
)
from kuroko.governance import permissions as perms
from kuroko.governance.models import (
    Deliverable,
    GateCriterion,
    Phase,
    ProjectTemplate,
    TemplateUse,
    TemplateVersion,
    VersionStatus,
)
from kuroko.governance.services.templates.versions import check_document, template_create, template_draft_save
from kuroko.people.models import Person, Skill
from kuroko.projects import permissions as project_perms
from kuroko.projects.mapping import aware, constraint_moment, work_calendar
from kuroko.projects.models import (
    Assignment,
    ConstraintType,
    Dependency,
    Placeholder,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectType,
    Task,
    TaskKind,
)
from kuroko.projects.selectors import duration_units
from kuroko.projects.services import project_create, renumber
from kuroko.projects.services.bulk_insert import insert_with_history
from kuroko.projects.services.schedule import project_reschedule
from kuroko.raid.models import Risk, RiskCategory, RiskStatus
from kuroko.raid.services.risks import risk_create

# --- Working days -----------------------------------------------------------------------------------


class _Days:
    """Working-day arithmetic on a project's calendar."""

    def __init__(self, project: Project) -> None:
        self.calendar = work_calendar(project)

    def first(self, day: date) -> date:
        for _n in range(3660):
            if self.calendar.is_working_day(day):
                return day
            day += timedelta(days=1)
        return day

    def add(self, day: date, count: int) -> date:
        day = self.first(day)
        for _n in range(count):
            day = self.first(day + timedelta(days=1))
        return day

    def between(self, first: date, last: date) -> int:
        """Working days from `first` to `last` (0 when `last` is not after `first`)."""
        if last <= first:
            return 0
        return len(self.calendar.working_days(self.first(first), last - timedelta(days=1)))


def _minutes_per_day() -> int:
    return int(duration_units().hours_per_day * 60)


# --- A project from a template version ---------------------------------------------------------------


def _add_tasks(
    *,
    actor: Any,
    project: Project,
    tasks: list[TemplateTask],
    parents: Mapping[str, Task | None],
    starts: Mapping[str, date | None],
    per_day: int,
    positions: dict[int | None, int],
    has_children: set[str],
) -> dict[str, Task]:
    """Insert the template's tasks (in outline order) level by level; returns key → row."""
    rows: dict[str, Task] = {}
    levels: list[list[Task]] = []
    depth: dict[str, int] = {}
    for task in tasks:
        parent = rows.get(task.parent) if task.parent in rows else parents.get(task.parent)
        parent_key = (
            id(parent) if parent is not None and parent.pk is None else (parent.pk if parent else None)
        )
        position = positions.get(parent_key, 0)
        positions[parent_key] = position + 1
        start = starts.get(task.key)
        kind = (
            TaskKind.SUMMARY
            if task.key in has_children
            else TaskKind.MILESTONE
            if task.milestone
            else TaskKind.TASK
        )
        row = Task(
            project=project,
            parent=parent,
            position=position,
            name=task.name,
            kind=kind,
            duration_minutes=0 if kind == TaskKind.MILESTONE else round(task.duration_days * per_day),
            notes=task.notes,
            constraint_type=ConstraintType.SNET if start else ConstraintType.ASAP,
            constraint_date=aware(constraint_moment("SNET", start)) if start else None,
            planned_start=start,
        )
        rows[task.key] = row
        depth[task.key] = depth[task.parent] + 1 if task.parent in depth else 0
        while len(levels) <= depth[task.key]:
            levels.append([])
        levels[depth[task.key]].append(row)

    def task_pks() -> dict[Any, int]:
        found = Task.objects.filter(project=project).values_list("parent_id", "position", "pk")
        return {(parent, position): pk for parent, position, pk in found}

    for level in levels:
        for row in level:
            row.parent_id = row.parent.pk if row.parent is not None else None
        insert_with_history(Task, level, key=lambda t: (t.parent_id, t.position), lookup=task_pks, user=actor)
    return rows


def _add_links(
    *, actor: Any, project: Project, links: list[tuple[Task, Task, str, int]], per_day: int
) -> None:
    objs = [
        Dependency(predecessor=pred, successor=succ, type=kind, lag_minutes=lag * per_day)
        for pred, succ, kind, lag in links
    ]

    def link_pks() -> dict[Any, int]:
        pairs = Dependency.objects.filter(successor__project=project).values_list(
            "predecessor_id", "successor_id", "pk"
        )
        return {(pred, succ): pk for pred, succ, pk in pairs}

    insert_with_history(
        Dependency, objs, key=lambda d: (d.predecessor_id, d.successor_id), lookup=link_pks, user=actor
    )


def _placeholder(project: Project, role: TemplateRole) -> Placeholder:
    skill = Skill.objects.filter(name=role.skill).first() if role.skill else None
    found, _new = Placeholder.objects.get_or_create(
        project=project, name=role.name[:200], defaults={"skill": skill}
    )
    return found


def _add_assignments(
    *,
    actor: Any,
    project: Project,
    document: TemplateDocument,
    rows: Mapping[str, Task],
    people: Mapping[str, Person | None],
    per_day: int,
) -> None:
    roles = {r.key: r for r in document.roles}
    placeholders: dict[str, Placeholder] = {}
    created: list[Assignment] = []
    for task in document.tasks:
        row = rows.get(task.key)
        if not task.role or row is None or row.kind != TaskKind.TASK:
            continue
        role = roles[task.role]
        person = people.get(task.role)
        placeholder = None
        if person is None:
            if task.role not in placeholders:
                placeholders[task.role] = _placeholder(project, role)
            placeholder = placeholders[task.role]
        work = (
            round(task.work_hours * 60)
            if task.work_hours
            else round(row.duration_minutes * role.units_percent / 100)
        )
        created.append(
            Assignment(
                task=row, person=person, placeholder=placeholder, units=role.units_percent, work_minutes=work
            )
        )

    def assignment_pks() -> dict[Any, int]:
        found = Assignment.objects.filter(task__project=project).values_list(
            "task_id", "person_id", "placeholder_id", "pk"
        )
        return {(t, p, h): pk for t, p, h, pk in found}

    for obj in created:
        obj.task_id = obj.task.pk
    insert_with_history(
        Assignment,
        created,
        key=lambda a: (a.task_id, a.person_id, a.placeholder_id),
        lookup=assignment_pks,
        user=actor,
    )
    for person in {p for p in people.values() if p is not None}:
        ProjectMember.objects.get_or_create(
            project=project, person=person, defaults={"role": ProjectRole.MEMBER}
        )


def add_phases(
    *,
    project: Project,
    document: TemplateDocument,
    rows: Mapping[str, Task],
    phases: list[TemplatePhase],
    deliverables: list[TemplateDeliverable],
    criteria: list[tuple[str, TemplateCriterion]],
) -> None:
    """Phases with their summary tasks, deliverables and gate criteria (template keys kept)."""
    existing = {p.template_key: p for p in Phase.objects.filter(project=project).exclude(template_key="")}
    order = {p.key: n for n, p in enumerate(document.phases, start=1)}
    new_phases = set()
    for phase in phases:
        task = rows.get(phase.summary_task) if phase.summary_task else None
        existing[phase.key] = Phase.objects.create(
            project=project, number=order[phase.key], name=phase.name, task=task, template_key=phase.key
        )
        new_phases.add(existing[phase.key].pk)
    made = {d.template_key: d for d in Deliverable.objects.filter(project=project).exclude(template_key="")}
    for deliverable in deliverables:
        made[deliverable.key] = Deliverable.objects.create(
            project=project,
            phase=existing.get(deliverable.phase),
            name=deliverable.name,
            description=deliverable.description,
            required=deliverable.required,
            template_key=deliverable.key,
        )
    numbers = criterion_numbers(document)
    made_criteria = GateCriterion.objects.bulk_create(
        [
            GateCriterion(
                phase=existing[phase_key],
                number=numbers[c.key],
                kind=c.kind,
                text=c.text,
                deliverable=made.get(c.deliverable) if c.deliverable else None,
                metric=c.metric,
                operator=c.operator,
                threshold=c.threshold,
                required=c.required,
                template_key=c.key,
            )
            for phase_key, c in criteria
            if phase_key in existing
        ]
    )
    renumber_gates(project, new_phases=new_phases, new_criteria={c.pk for c in made_criteria if c.pk})


def criterion_numbers(document: TemplateDocument) -> dict[str, int]:
    """Criterion key → its place in its phase's gate (1, 2, …)."""
    return {c.key: n for phase in document.phases for n, c in enumerate(phase.criteria, start=1)}


def renumber_gates(project: Project, *, new_phases: set[int], new_criteria: set[int]) -> None:
    """Number the project's phases, and the criteria of each phase, 1, 2, … without gaps or repeats.

    A row just added (or moved) from the template was given its place in the template: it goes before a
    row already at that number, so phases and criteria keep the template's order."""
    phases = sorted(
        Phase.objects.filter(project=project), key=lambda p: (p.number, p.pk not in new_phases, p.pk)
    )
    for number, phase in enumerate(phases, start=1):
        if phase.number != number:
            Phase.objects.filter(pk=phase.pk).update(number=number)
    by_phase: dict[int, list[GateCriterion]] = {}
    for c in GateCriterion.objects.filter(phase__project=project):
        by_phase.setdefault(c.phase_id, []).append(c)
    for rows in by_phase.values():
        rows.sort(key=lambda c: (c.number, c.pk not in new_criteria, c.pk))
        for number, c in enumerate(rows, start=1):
            if c.number != number:
                GateCriterion.objects.filter(pk=c.pk).update(number=number)


def _add_risks(*, actor: Any, project: Project, risks: list[TemplateRisk], today: date) -> None:
    for risk in risks:
        risk_create(
            actor=actor,
            project=project,
            today=today,
            data={
                "title": risk.title,
                "category": risk.category if risk.category in RiskCategory.values else RiskCategory.OTHER,
                "probability": risk.probability,
                "impact_schedule": risk.impact,
                "response": risk.response,
            },
        )


def _starts(document: TemplateDocument, days: _Days, start: date) -> dict[str, date | None]:
    """SNET dates of the leaf tasks without predecessors that have an offset."""
    linked = {link.successor for link in document.links}
    parents = {t.parent for t in document.tasks if t.parent}
    return {
        t.key: days.add(start, t.offset_days)
        for t in document.tasks
        if t.offset_days and t.key not in linked and t.key not in parents
    }


@transaction.atomic
def project_create_from_template(
    *,
    actor: Any,
    version: TemplateVersion,
    code: str,
    name: str,
    start: date,
    people: Mapping[str, Person | None] | None = None,
    manager: Person | None = None,
    today: date | None = None,
) -> Project:
    """A new project from a published template version: its WBS with links and SNET offsets, assignments
    (a chosen person per role, a placeholder for the others), phases, deliverables, gate criteria, default
    risks, and the `TemplateUse` that maps template task keys to the new tasks; then scheduled."""
    from kuroko.core import permissions as core_perms

    require(core_perms.can_create_projects(actor))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError({"version": _("Only a published version can be used for a new project.")})
    document = check_document(version.content)
    people = dict(people or {})
    unknown = sorted(set(people) - {r.key for r in document.roles})
    if unknown:
        raise ValidationError({"people": _("The template has no role %(key)s.") % {"key": unknown[0]}})
    today = today or timezone.localdate()
    data: dict[str, Any] = {"code": code, "name": name, "status": "proposed", "planned_start": start}
    if manager is not None:
        data["manager"] = manager
    project = project_create(actor=actor, data=data)
    Project.objects.filter(pk=project.pk).update(project_type=version.template.project_type)
    project.project_type = version.template.project_type
    per_day = _minutes_per_day()
    children = document.children()
    rows = _add_tasks(
        actor=actor,
        project=project,
        tasks=list(document.tasks),
        parents={},
        starts=_starts(document, _Days(project), start),
        per_day=per_day,
        positions={},
        has_children={k for k in children if k},
    )
    _add_links(
        actor=actor,
        project=project,
        links=[(rows[x.predecessor], rows[x.successor], x.type, x.lag_days) for x in document.links],
        per_day=per_day,
    )
    _add_assignments(
        actor=actor, project=project, document=document, rows=rows, people=people, per_day=per_day
    )
    add_phases(
        project=project,
        document=document,
        rows=rows,
        phases=list(document.phases),
        deliverables=list(document.deliverables),
        criteria=document.criteria(),
    )
    _add_risks(actor=actor, project=project, risks=list(document.risks), today=today)
    TemplateUse.objects.create(
        project=project, version=version, task_keys={k: t.pk for k, t in rows.items()}, applied_by=actor
    )
    renumber(project)
    project_reschedule(project, today=today)
    return project


# --- A project saved as a template ------------------------------------------------------------------


def _days_of(minutes: int, per_day: int) -> int | float:
    """Working minutes as template days, two decimals (a whole number stays an int)."""
    days = round(minutes / per_day, 2)
    return int(days) if days == int(days) else days


def project_document(project: Project) -> TemplateDocument:
    """A template document describing the project as it is now (see `project_save_as_template`)."""
    per_day = _minutes_per_day()
    days = _Days(project)
    use = TemplateUse.objects.filter(project=project).first()
    known = {pk: key for key, pk in (use.task_keys if use else {}).items()}
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    keys: dict[int, str] = {}
    used: set[str] = set()
    for task in tasks:
        key = known.get(task.pk) or f"T{task.wbs_code or task.pk}"
        while key in used:
            key += "'"
        keys[task.pk] = key[:60]
        used.add(key)
    links = list(
        Dependency.objects.filter(successor__project=project, predecessor__project=project).order_by("pk")
    )
    linked = {d.successor_id for d in links}
    start = project.planned_start or min((t.planned_start for t in tasks if t.planned_start), default=None)
    # Roles: placeholders by name, people by their rate role (or "Role n").
    roles: dict[tuple[str, int], TemplateRole] = {}
    task_role: dict[int, tuple[str, float]] = {}
    assignments = Assignment.objects.filter(task__project=project).select_related(
        "person__rate_role", "placeholder__skill"
    )
    people_roles: dict[int, str] = {}
    for a in assignments.order_by("task__row", "pk"):
        if a.placeholder_id is not None:
            ident = ("placeholder", a.placeholder_id)
            if ident not in roles:
                assert a.placeholder is not None
                roles[ident] = TemplateRole(
                    key=f"R{len(roles) + 1}",
                    name=a.placeholder.name,
                    skill=a.placeholder.skill.name if a.placeholder.skill else "",
                    units_percent=a.units,
                )
        else:
            assert a.person is not None
            rate_role = a.person.rate_role
            ident = ("rate_role", rate_role.pk) if rate_role else ("person", a.person_id or 0)
            if ident not in roles:
                number = len(roles) + 1
                label = str(rate_role) if rate_role else _("Role %(n)s") % {"n": number}
                roles[ident] = TemplateRole(key=f"R{number}", name=label[:200], units_percent=a.units)
            people_roles[a.person_id or 0] = roles[ident].key
        role_key = roles[ident].key
        hours, found = task_role.get(a.task_id, (role_key, 0.0))
        if hours == role_key:
            task_role[a.task_id] = (role_key, found + a.work_minutes / 60)
    template_tasks = []
    for task in tasks:
        role, work = task_role.get(task.pk, ("", 0.0))
        offset = 0
        if task.pk not in linked and start and task.planned_start and task.kind != TaskKind.SUMMARY:
            offset = days.between(start, task.planned_start)
        milestone = task.kind == TaskKind.MILESTONE
        template_tasks.append(
            TemplateTask(
                key=keys[task.pk],
                name=task.name[:255],
                parent=keys.get(task.parent_id, "") if task.parent_id else "",
                duration_days=0 if milestone else _days_of(task.duration_minutes, per_day),
                offset_days=offset,
                milestone=milestone,
                role=role,
                work_hours=round(work, 2),
                notes=task.notes,
            )
        )
    template_links = [
        TemplateLink(keys[d.predecessor_id], keys[d.successor_id], d.type, round(d.lag_minutes / per_day))
        for d in links
        if d.predecessor_id in keys and d.successor_id in keys
    ]
    phases = list(Phase.objects.filter(project=project).prefetch_related("criteria"))
    phase_keys = {p.pk: (p.template_key or f"P{n}") for n, p in enumerate(phases, start=1)}
    deliverables = list(Deliverable.objects.filter(project=project).order_by("phase__number", "pk"))
    deliverable_keys = {d.pk: (d.template_key or f"D{n}") for n, d in enumerate(deliverables, start=1)}
    criterion_counter = 0
    template_phases = []
    for phase in phases:
        criteria = []
        for c in phase.criteria.all():
            criterion_counter += 1
            criteria.append(
                TemplateCriterion(
                    key=c.template_key or f"C{criterion_counter}",
                    kind=c.kind,
                    text=c.text,
                    deliverable=deliverable_keys.get(c.deliverable_id or 0, ""),
                    metric=c.metric,
                    operator=c.operator,
                    threshold=c.threshold.normalize() if c.threshold is not None else None,
                    required=c.required,
                )
            )
        template_phases.append(
            TemplatePhase(
                key=phase_keys[phase.pk],
                name=phase.name,
                summary_task=keys.get(phase.task_id or 0, ""),
                criteria=tuple(criteria),
            )
        )
    template_deliverables = [
        TemplateDeliverable(
            key=deliverable_keys[d.pk],
            phase=phase_keys.get(d.phase_id or 0, ""),
            name=d.name,
            description=d.description,
            required=d.required,
        )
        for d in deliverables
    ]
    risks = Risk.objects.filter(project=project).exclude(status=RiskStatus.CLOSED).order_by("number")
    template_risks = [
        TemplateRisk(
            key=f"K{r.number}",
            title=r.title[:200],
            category=str(r.category or "")[:100],
            probability=min(max(int(r.probability or 3), 1), 5),
            impact=min(
                max(
                    max(int(r.impact_cost or 0), int(r.impact_schedule or 0), int(r.impact_quality or 0))
                    or 3,
                    1,
                ),
                5,
            ),
            response=r.response,
        )
        for r in risks
    ]
    document = TemplateDocument(
        phases=tuple(template_phases),
        tasks=tuple(template_tasks),
        links=tuple(template_links),
        roles=tuple(roles.values()),
        deliverables=tuple(template_deliverables),
        risks=tuple(template_risks),
    )
    # Checked as any document is (a project's links never cycle, but a stale phase link could dangle).
    return check_document(document_to_json(document))


@transaction.atomic
def project_save_as_template(
    *,
    actor: Any,
    project: Project,
    template: ProjectTemplate | None = None,
    code: str = "",
    name: str = "",
    project_type: ProjectType | None = None,
) -> TemplateVersion:
    """Save the project's plan as the draft of `template`, or of a new template (code, name, type)."""
    require(perms.can_configure_standards(actor))
    require(project_perms.can_view_project(actor, project))
    document = project_document(project)
    content = document_to_json(document)
    if template is None:
        kind = project_type or project.project_type
        if kind is None:
            raise ValidationError({"project_type": _("Choose a project type for the new template.")})
        template = template_create(actor=actor, code=code, name=name or project.name, project_type=kind)
    return template_draft_save(
        actor=actor,
        template=template,
        content=content,
        notes=_("From project %(code)s.") % {"code": project.code},
    )
