"""Writes to programs, projects and project members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kuroko.core import permissions as core_perms
from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated, update_row
from kuroko.projects import permissions as perms
from kuroko.projects.models import (
    Program,
    Project,
    ProjectMember,
    ProjectRole,
)
from kuroko.projects.services.fields import PROGRAM_FIELDS, PROJECT_FIELDS
from kuroko.projects.services.notices import team_added
from kuroko.projects.services.schedule import project_reschedule

# --- Programs -----------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor: Any, data: Mapping[str, Any]) -> Program:
    require(core_perms.can_edit_programs(actor))
    program = Program()
    apply_changes(program, data, PROGRAM_FIELDS)
    save_validated(program, actor=actor)
    return program


@transaction.atomic
def program_update(
    *, actor: Any, program: Program, data: Mapping[str, Any], expected_version: int | None
) -> Program:
    require(core_perms.can_edit_programs(actor))
    program = Program.objects.select_for_update().get(pk=program.pk)
    update_row(program, actor=actor, changes=data, allowed=PROGRAM_FIELDS, expected_version=expected_version)
    return program


@transaction.atomic
def program_delete(*, actor: Any, program: Program) -> None:
    require(core_perms.can_edit_programs(actor))
    if program.projects.exists():
        raise ValidationError(
            _("Program %(name)s still has projects; move or delete them first.") % {"name": program.name}
        )
    program.delete()


# --- Projects -----------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, actor: Any, data: Mapping[str, Any]) -> Project:
    """Create a project. A project manager who creates one becomes its manager."""
    require(core_perms.can_create_projects(actor))
    project = Project()
    apply_changes(project, data, PROJECT_FIELDS)
    if not core_perms.is_pmo(actor):
        person = getattr(actor, "person", None)
        if person is None:
            raise ValidationError({"manager": _("Your account is not linked to a person; ask the PMO.")})
        project.manager = person
    save_validated(project, actor=actor)
    if project.manager_id:
        ProjectMember.objects.get_or_create(
            project=project, person_id=project.manager_id, defaults={"role": ProjectRole.PROJECT_MANAGER}
        )
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: Project, data: Mapping[str, Any], expected_version: int | None
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(perms.can_edit_project(actor, project))
    if "manager" in data and not core_perms.is_pmo(actor):
        # A PM cannot hand the project to someone else and lose access by accident; the PMO does that.
        current = project.manager_id
        new = data["manager"].pk if hasattr(data["manager"], "pk") else data["manager"]
        if new != current:
            raise ValidationError({"manager": _("Only the PMO can change the project manager.")})
    changed = update_row(
        project, actor=actor, changes=data, allowed=PROJECT_FIELDS, expected_version=expected_version
    )
    if "manager" in changed and project.manager_id:
        ProjectMember.objects.get_or_create(
            project=project, person_id=project.manager_id, defaults={"role": ProjectRole.PROJECT_MANAGER}
        )
    rescheduling = {
        "planned_start",
        "planned_finish",
        "status_date",
        "calendar",
        "schedule_from_finish",
        "critical_float_days",
    }
    if rescheduling & set(changed):
        project_reschedule(project)
    return project


@transaction.atomic
def project_delete(*, actor: Any, project: Project) -> None:
    require(perms.can_delete_project(actor, project))
    project.delete()


@transaction.atomic
def member_add(*, actor: Any, project: Project, person: Any, role: str = ProjectRole.MEMBER) -> ProjectMember:
    require(perms.can_edit_project(actor, project))
    member = ProjectMember.objects.filter(project=project, person=person).first() or ProjectMember(
        project=project, person=person
    )
    joined = member.pk is None
    member.role = role
    member.full_clean(validate_unique=False)
    member.save()
    if joined:
        team_added(actor=actor, project=project, person=member.person, role=role)
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: ProjectMember) -> None:
    require(perms.can_edit_project(actor, member.project))
    if member.person_id == member.project.manager_id:
        raise ValidationError(
            _("%(person)s is the project manager; choose another manager first.") % {"person": member.person}
        )
    member.delete()
