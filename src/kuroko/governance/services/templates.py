"""Writes of project types and methodology templates: drafts, publishing, projects created from a template
version, projects saved as templates, and bringing a project up to a later version.

Every function checks the actor's permission first and is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.formats.project_template import (
    TemplateCriterion,
    TemplateDeliverable,
    TemplateDocument,
    TemplateError,
    TemplateLink,
    TemplatePhase,
    TemplateRisk,
    TemplateRole,
    TemplateTask,
    document_diff,
    document_from_json,
    document_to_json,
)
from kuroko.governance import permissions as perms
from kuroko.governance.metrics import METRICS
from kuroko.governance.models import (
    Deliverable,
    GateCriterion,
    Phase,
    ProjectTemplate,
    TemplateUse,
    TemplateVersion,
    VersionStatus,
)
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

# --- Project types ----------------------------------------------------------------------------------


def _type_values(data: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, limit in (("code", 30), ("name", 100), ("description", 0)):
        if name not in data:
            continue
        value = data[name]
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError({name: _("Enter text.")})
        value = value.strip()
        if limit and len(value) > limit:
            raise ValidationError({name: _("At most %(n)s characters.") % {"n": limit}})
        out[name] = value
    if not partial:
        for name in ("code", "name"):
            if not out.get(name):
                raise ValidationError({name: _("This field is required.")})
    for name in ("code", "name"):
        if name in out and not out[name]:
            raise ValidationError({name: _("This field is required.")})
    return out


@transaction.atomic
def project_type_create(*, actor: Any, data: Mapping[str, Any]) -> ProjectType:
    """Add a project type (the PMO)."""
    require(perms.can_configure_standards(actor))
    values = _type_values(data, partial=False)
    if ProjectType.objects.filter(code=values["code"]).exists():
        raise ValidationError({"code": _("A project type with this code exists.")})
    return ProjectType.objects.create(**values)


@transaction.atomic
def project_type_update(*, actor: Any, project_type: ProjectType, data: Mapping[str, Any]) -> ProjectType:
    """Change a project type's code, name or description (the PMO)."""
    require(perms.can_configure_standards(actor))
    values = _type_values(data, partial=True)
    if (
        "code" in values
        and ProjectType.objects.filter(code=values["code"]).exclude(pk=project_type.pk).exists()
    ):
        raise ValidationError({"code": _("A project type with this code exists.")})
    for name, value in values.items():
        setattr(project_type, name, value)
    project_type.save()
    return project_type


class InUse(ValidationError):
    """The row is still used and cannot be deleted (409 in the API)."""


@transaction.atomic
def project_type_delete(*, actor: Any, project_type: ProjectType) -> None:
    """Delete a project type no project or template uses (the PMO)."""
    require(perms.can_configure_standards(actor))
    if project_type.projects.exists() or project_type.templates.exists():
        raise InUse(
            _("Project type %(name)s is used by projects or templates; change them first.")
            % {"name": project_type.name}
        )
    project_type.delete()


# --- Templates and versions -------------------------------------------------------------------------


def _problems(exc: TemplateError) -> ValidationError:
    return ValidationError({"content": exc.messages(_)})


def check_document(content: Any) -> TemplateDocument:
    """The document read from JSON, or a ValidationError on `content` listing every problem by path."""
    try:
        return document_from_json(content, metrics=METRICS)
    except TemplateError as exc:
        raise _problems(exc) from exc


@transaction.atomic
def template_create(
    *, actor: Any, code: str, name: str, project_type: ProjectType, description: str = "", content: Any = None
) -> ProjectTemplate:
    """A new template with its first draft (an empty document unless `content` is given)."""
    require(perms.can_configure_standards(actor))
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise ValidationError({"code": _("This field is required.")})
    if len(code) > 30:
        raise ValidationError({"code": _("At most %(n)s characters.") % {"n": 30}})
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if ProjectTemplate.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A template with this code exists.")})
    document = check_document(content) if content is not None else TemplateDocument()
    template = ProjectTemplate.objects.create(
        code=code, name=name[:200], project_type=project_type, description=description or ""
    )
    TemplateVersion.objects.create(
        template=template, number=1, content=document_to_json(document), created_by=actor
    )
    return template


def _next_number(template: ProjectTemplate) -> int:
    return (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _draft(template: ProjectTemplate, actor: Any) -> TemplateVersion:
    """The template's draft, created from its latest published version when there is none."""
    draft = template.versions.select_for_update().filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    return TemplateVersion.objects.create(
        template=template,
        number=_next_number(template),
        content=latest.content if latest else document_to_json(TemplateDocument()),
        created_by=actor,
    )


@transaction.atomic
def template_draft_open(*, actor: Any, template: ProjectTemplate) -> TemplateVersion:
    """The draft to edit (created from the latest published version when there is none)."""
    require(perms.can_configure_standards(actor))
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    return _draft(template, actor)


@transaction.atomic
def template_draft_save(
    *,
    actor: Any,
    template: ProjectTemplate,
    content: Any,
    notes: str | None = None,
    expected_number: int | None = None,
) -> TemplateVersion:
    """Save the draft's document (checked: every problem is reported by path, nothing is saved).

    `expected_number` is the draft number the editor showed: if the draft was published meanwhile (a new
    draft has another number), the save is refused rather than starting the next version from it.
    """
    require(perms.can_configure_standards(actor))
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    document = check_document(content)
    draft = _draft(template, actor)
    if expected_number is not None and draft.number != expected_number:
        raise ValidationError(
            _("Version %(n)s was published meanwhile; reload the draft (now version %(m)s).")
            % {"n": expected_number, "m": draft.number}
        )
    draft.content = document_to_json(document)
    if notes is not None:
        draft.notes = notes.strip()
    draft.save(update_fields=["content", "notes"])
    return draft


@transaction.atomic
def template_publish(
    *, actor: Any, template: ProjectTemplate, notes: str | None = None, expected_number: int | None = None
) -> TemplateVersion:
    """Publish the draft as the next version; from then on its content never changes.

    Refused when there is no draft, the draft is invalid, or it is the same as the latest published
    version (nothing to publish). Earlier published versions stay published until retired.
    """
    require(perms.can_configure_standards(actor))
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    draft = template.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ValidationError(_("There is no draft to publish."))
    if expected_number is not None and draft.number != expected_number:
        raise ValidationError(
            _("Version %(n)s was published meanwhile; reload the draft (now version %(m)s).")
            % {"n": expected_number, "m": draft.number}
        )
    document = check_document(draft.content)
    if document.is_empty:
        raise ValidationError({"content": _("The draft is empty: add phases or tasks before publishing.")})
    latest = template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    if latest is not None and document_diff(document_from_json(latest.content), document).is_empty:
        raise ValidationError(
            {
                "content": _("The draft is the same as version %(n)s; change something first.")
                % {"n": latest.number}
            }
        )
    draft.status = VersionStatus.PUBLISHED
    draft.content = document_to_json(document)
    if notes is not None:
        draft.notes = notes.strip()
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.save()
    return draft


@transaction.atomic
def template_version_retire(*, actor: Any, version: TemplateVersion) -> TemplateVersion:
    """Stop offering a published version for new projects (projects that use it keep it)."""
    require(perms.can_configure_standards(actor))
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status"])
    return version


@transaction.atomic
def template_update(*, actor: Any, template: ProjectTemplate, data: Mapping[str, Any]) -> ProjectTemplate:
    """Change a template's name, description, project type or whether it is offered."""
    require(perms.can_configure_standards(actor))
    for name in ("name", "description"):
        if name in data:
            value = str(data[name] or "").strip()
            if name == "name" and not value:
                raise ValidationError({"name": _("This field is required.")})
            setattr(template, name, value)
    if "project_type" in data and data["project_type"] is not None:
        template.project_type = data["project_type"]
    if "is_active" in data:
        template.is_active = bool(data["is_active"])
    template.save()
    return template


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
            if task.milestone or task.duration_days == 0
            else TaskKind.TASK
        )
        row = Task(
            project=project,
            parent=parent,
            position=position,
            name=task.name,
            kind=kind,
            duration_minutes=0 if kind == TaskKind.MILESTONE else task.duration_days * per_day,
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
    for phase in phases:
        task = rows.get(phase.summary_task) if phase.summary_task else None
        existing[phase.key] = Phase.objects.create(
            project=project, number=order[phase.key], name=phase.name, task=task, template_key=phase.key
        )
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
    numbers = {c.key: n for phase in document.phases for n, c in enumerate(phase.criteria, start=1)}
    GateCriterion.objects.bulk_create(
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
                duration_days=0 if milestone else round(task.duration_minutes / per_day),
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
            phase=phase_keys[d.phase_id],
            name=d.name,
            description=d.description,
            required=d.required,
        )
        for d in deliverables
        if d.phase_id in phase_keys
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


# --- Bringing a project up to a later version --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpgradeItem:
    """One change an upgrade makes (or cannot make) to the project, worded for the page."""

    kind: str  # tasks, links, phases, deliverables, criteria, risks
    action: str  # add, change, remove, conflict, warning
    key: str
    name: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class UpgradeDiff:
    """What bringing a project from its template version to a later one does."""

    template: str
    from_number: int
    to_number: int
    items: tuple[UpgradeItem, ...] = ()
    _actions: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not any(i.action in ("add", "change", "remove") for i in self.items)

    def of(self, action: str) -> list[UpgradeItem]:
        return [i for i in self.items if i.action == action]


def _has_actuals(task: Task) -> bool:
    return bool(task.actual_start or task.percent_complete or task.actual_work_minutes)


def _plan_upgrade(project: Project, to_version: TemplateVersion) -> UpgradeDiff:
    use = TemplateUse.objects.select_related("version__template").get(project=project)
    old = document_from_json(use.version.content)
    new = check_document(to_version.content)
    diff = document_diff(old, new)
    per_day = _minutes_per_day()
    task_ids = {k: int(v) for k, v in use.task_keys.items()}
    tasks = Task.objects.in_bulk(task_ids.values())
    tasks = {pk: t for pk, t in tasks.items() if t.project_id == project.pk}
    by_key = {k: tasks[pk] for k, pk in task_ids.items() if pk in tasks}
    new_tasks = {t.key: t for t in new.tasks}
    items: list[UpgradeItem] = []
    actions: list[tuple[Any, ...]] = []
    # Tasks
    added = [k for k in diff.of("tasks").added]
    for key in added:
        t = new_tasks[key]
        parent = by_key.get(t.parent) if t.parent else None
        if t.parent and parent is None and t.parent not in added:
            items.append(
                UpgradeItem(
                    "tasks",
                    "warning",
                    key,
                    t.name,
                    _("Its parent task is no longer in the project; it is added at the top level."),
                )
            )
        where = parent.name if parent else (new_tasks[t.parent].name if t.parent in new_tasks else "")
        items.append(
            UpgradeItem(
                "tasks", "add", key, t.name, _("under %(parent)s") % {"parent": where} if where else ""
            )
        )
    if added:
        actions.append(("add_tasks", tuple(added)))
    for change in diff.of("tasks").changed:
        row = by_key.get(change.key)
        if row is None:
            continue
        for name, was, now in change.fields:
            current: Any
            template_old: Any
            value: Any
            if name == "name":
                current, template_old, value = row.name, was, now
            elif name == "duration_days" and row.kind != TaskKind.SUMMARY:
                current, template_old, value = row.duration_minutes, was * per_day, now * per_day
            else:
                continue

            def text(v: Any, name: str = name) -> str:
                return str(v) if name == "name" else _("%(n)s days") % {"n": round(v / per_day, 1)}

            label = _("name") if name == "name" else _("duration")
            if current == template_old:
                items.append(
                    UpgradeItem(
                        "tasks", "change", change.key, row.name, f"{label}: {text(current)} → {text(value)}"
                    )
                )
                actions.append(("set_task", row.pk, "name" if name == "name" else "duration_minutes", value))
            else:
                items.append(
                    UpgradeItem(
                        "tasks",
                        "conflict",
                        change.key,
                        row.name,
                        _("%(field)s was changed in the project (%(current)s); keeping it.")
                        % {"field": label, "current": text(current), "new": text(value)},
                    )
                )
    for key in diff.of("tasks").removed:
        row = by_key.get(key)
        if row is None:
            continue
        if (
            _has_actuals(row)
            or Task.objects.filter(parent=row)
            .exclude(pk__in=[by_key[k].pk for k in diff.of("tasks").removed if k in by_key])
            .exists()
        ):
            items.append(
                UpgradeItem(
                    "tasks",
                    "warning",
                    key,
                    row.name,
                    _("Removed from the template, but it has progress or tasks of its own: kept."),
                )
            )
        else:
            items.append(UpgradeItem("tasks", "remove", key, row.name))
            actions.append(("remove_task", row.pk))
    # Links
    old_links = {(x.predecessor, x.successor): x for x in old.links}
    new_links = {(x.predecessor, x.successor): x for x in new.links}
    names = {t.key: t.name for t in (*old.tasks, *new.tasks)}

    def link_text(link: TemplateLink) -> str:
        return (
            f"{names.get(link.predecessor, link.predecessor)} → {names.get(link.successor, link.successor)}"
        )

    def link_kind(link: TemplateLink) -> str:
        return link.type + (f"{link.lag_days:+d}d" if link.lag_days else "")

    for pair, link in new_links.items():
        if pair in old_links and old_links[pair] == link:
            continue
        action = "add" if pair not in old_links else "change"
        items.append(UpgradeItem("links", action, link.key, link_text(link), link_kind(link)))
        actions.append(("link", pair, link.type, link.lag_days * per_day))
    for pair in old_links.keys() - new_links.keys():
        pred, succ = by_key.get(pair[0]), by_key.get(pair[1])
        if pred is not None and succ is not None:
            items.append(UpgradeItem("links", "remove", old_links[pair].key, link_text(old_links[pair])))
            actions.append(("unlink", pred.pk, succ.pk))
    # Phases, deliverables, criteria, risks
    for kind in ("phases", "deliverables", "criteria", "risks"):
        part = diff.of(kind)
        for key in part.added:
            items.append(UpgradeItem(kind, "add", key, _name(new, kind, key)))
        if kind != "risks":
            for change in part.changed:
                detail = ", ".join(f"{n}: {a} → {b}" for n, a, b in change.fields)
                items.append(UpgradeItem(kind, "change", change.key, change.name, detail))
            for key in part.removed:
                items.append(
                    UpgradeItem(
                        kind,
                        "warning",
                        key,
                        _name(old, kind, key),
                        _("Removed from the template; kept in the project."),
                    )
                )
    actions.append(("governance", new, diff))
    return UpgradeDiff(
        template=use.version.template.code,
        from_number=use.version.number,
        to_number=to_version.number,
        items=tuple(items),
        _actions=tuple(actions),
    )


def _name(doc: TemplateDocument, kind: str, key: str) -> str:
    if kind == "criteria":
        return next(c.text for _p, c in doc.criteria() if c.key == key)
    element = next(x for x in getattr(doc, kind) if x.key == key)
    return str(getattr(element, "name", None) or getattr(element, "title", ""))


def _target(project: Project, to_version: TemplateVersion | None) -> TemplateVersion:
    use = TemplateUse.objects.select_related("version__template").filter(project=project).first()
    if use is None:
        raise ValidationError(_("This project was not created from a template."))
    if to_version is None:
        to_version = (
            use.version.template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
        )
    if to_version is None or to_version.template_id != use.version.template_id:
        raise ValidationError({"version": _("Choose a published version of the project's template.")})
    return to_version


def template_upgrade_preview(
    project: Project, *, user: Any = None, to_version: TemplateVersion | None = None
) -> UpgradeDiff:
    """What bringing the project to `to_version` (default: the latest published) would do."""
    if user is not None:
        require(project_perms.can_view_project(user, project))
    target = _target(project, to_version)
    use = TemplateUse.objects.get(project=project)
    if target.number <= use.version.number:
        return UpgradeDiff(
            template=target.template.code, from_number=use.version.number, to_number=use.version.number
        )
    return _plan_upgrade(project, target)


@transaction.atomic
def template_upgrade_apply(
    *,
    actor: Any,
    project: Project,
    to_version: TemplateVersion,
    from_number: int | None = None,
    today: date | None = None,
) -> UpgradeDiff:
    """Apply the upgrade preview in one transaction, reschedule, and move the project to `to_version`.

    `from_number` is the version the preview started from: if the project moved meanwhile, or
    `to_version` is no longer published, nothing is changed and the caller is told to look again.
    """
    require(project_perms.can_edit_project(actor, project))
    project = Project.objects.select_for_update().get(pk=project.pk)
    use = TemplateUse.objects.select_for_update().select_related("version").filter(project=project).first()
    if use is None:
        raise ValidationError(_("This project was not created from a template."))
    to_version = TemplateVersion.objects.get(pk=to_version.pk)
    if from_number is not None and use.version.number != from_number:
        raise ValidationError(
            _("The project is now on version %(n)s; look at the changes again before applying.")
            % {"n": use.version.number}
        )
    if to_version.status != VersionStatus.PUBLISHED or to_version.template_id != use.version.template_id:
        raise ValidationError(
            {
                "version": _("Version %(n)s is not a published version of this template.")
                % {"n": to_version.number}
            }
        )
    if to_version.number <= use.version.number:
        raise ValidationError(
            {"version": _("The project already uses version %(n)s or later.") % {"n": use.version.number}}
        )
    plan = _plan_upgrade(project, to_version)
    per_day = _minutes_per_day()
    keys = {k: int(v) for k, v in use.task_keys.items()}
    new_document: TemplateDocument | None = None
    for action in plan._actions:
        match action[0]:
            case "set_task":
                _kind, pk, name, value = action
                task = Task.objects.get(pk=pk)
                setattr(task, name, value)
                task.save()
            case "remove_task":
                Task.objects.filter(pk=action[1]).delete()
                keys = {k: v for k, v in keys.items() if v != action[1]}
    for action in plan._actions:
        if action[0] == "add_tasks":
            new_doc = document_from_json(to_version.content)
            wanted = [t for t in new_doc.tasks if t.key in action[1]]
            existing = {k: Task.objects.filter(pk=v, project=project).first() for k, v in keys.items()}
            positions: dict[int | None, int] = {}
            for parent_pk, position in Task.objects.filter(project=project).values_list(
                "parent_id", "position"
            ):
                positions[parent_pk] = max(positions.get(parent_pk, 0), position + 1)
            children = new_doc.children()
            rows = _add_tasks(
                actor=actor,
                project=project,
                tasks=wanted,
                parents=existing,
                starts=_starts(new_doc, _Days(project), project.planned_start)
                if project.planned_start
                else {},
                per_day=per_day,
                positions=positions,
                has_children={k for k in children if k},
            )
            keys.update({k: t.pk for k, t in rows.items()})
    for action in plan._actions:
        if action[0] == "link":
            _kind, (pred, succ), kind, lag = action
            if pred in keys and succ in keys:
                Dependency.objects.update_or_create(
                    predecessor_id=keys[pred],
                    successor_id=keys[succ],
                    defaults={"type": kind, "lag_minutes": lag},
                )
        elif action[0] == "unlink":
            Dependency.objects.filter(predecessor_id=action[1], successor_id=action[2]).delete()
        elif action[0] == "governance":
            new_document = action[1]
            _upgrade_governance(
                actor=actor, project=project, document=action[1], diff=action[2], keys=keys, today=today
            )
    assert new_document is not None
    use.version = to_version
    use.task_keys = keys
    use.applied_by = actor
    use.save()
    renumber(project)
    project_reschedule(project, today=today)
    return plan


def _upgrade_governance(
    *,
    actor: Any,
    project: Project,
    document: TemplateDocument,
    diff: Any,
    keys: Mapping[str, int],
    today: date | None,
) -> None:
    rows = {k: t for k, t in Task.objects.in_bulk(keys.values()).items()}
    tasks = {k: rows[v] for k, v in keys.items() if v in rows}
    added_phases = [p for p in document.phases if p.key in diff.of("phases").added]
    added_deliverables = [d for d in document.deliverables if d.key in diff.of("deliverables").added]
    added_criteria = [(p, c) for p, c in document.criteria() if c.key in diff.of("criteria").added]
    add_phases(
        project=project,
        document=document,
        rows=tasks,
        phases=added_phases,
        deliverables=added_deliverables,
        criteria=added_criteria,
    )
    phases = {p.key: p for p in document.phases}
    for change in diff.of("phases").changed:
        phase = phases[change.key]
        Phase.objects.filter(project=project, template_key=change.key).update(
            name=phase.name, task=tasks.get(phase.summary_task)
        )
    deliverables = {d.key: d for d in document.deliverables}
    for change in diff.of("deliverables").changed:
        d = deliverables[change.key]
        Deliverable.objects.filter(project=project, template_key=change.key).update(
            name=d.name, description=d.description, required=d.required
        )
    criteria = {c.key: c for _p, c in document.criteria()}
    for change in diff.of("criteria").changed:
        c = criteria[change.key]
        GateCriterion.objects.filter(phase__project=project, template_key=change.key).update(
            text=c.text, metric=c.metric, operator=c.operator, threshold=c.threshold, required=c.required
        )
    _add_risks(
        actor=actor,
        project=project,
        risks=[r for r in document.risks if r.key in diff.of("risks").added],
        today=today or timezone.localdate(),
    )
