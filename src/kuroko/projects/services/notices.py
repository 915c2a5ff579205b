"""Notifications of the projects app: a person assigned to a task (or made its owner) and a person added to
a project's team are told, unless they did it themselves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kuroko.core.notifications import notify_others
from kuroko.projects.models import Project, ProjectRole, Task


def task_assigned(*, actor: Any, task: Task, person: Any, owner: bool = False) -> None:
    """Tell `person`'s account that they work on `task` (or own it)."""
    user = getattr(person, "user", None) if person is not None else None
    if user is None:
        return
    ref, name, code = task.wbs_code, task.name, task.project.code
    finish = task.finish or task.planned_finish

    def title() -> str:
        if owner:
            return _("You own task %(wbs)s %(name)s of %(code)s") % {"wbs": ref, "name": name, "code": code}
        return _("Task %(wbs)s %(name)s of %(code)s assigned to you") % {
            "wbs": ref,
            "name": name,
            "code": code,
        }

    def body() -> str:
        if finish is None:
            return ""
        day = finish.date() if hasattr(finish, "date") else finish
        return _("Planned to finish on %(date)s.") % {"date": day.isoformat()}

    notify_others(
        actor=actor,
        users=[user],
        kind="projects.task_assigned",
        title=title,
        body=body,
        url=f"{task.project.get_absolute_url()}#task-{task.pk}",
    )


def team_added(*, actor: Any, project: Project, person: Any, role: str) -> None:
    """Tell `person`'s account that they joined `project`'s team."""
    user = getattr(person, "user", None) if person is not None else None
    if user is None:
        return
    code, name = project.code, project.name
    notify_others(
        actor=actor,
        users=[user],
        kind="projects.team_added",
        title=lambda: _("You joined the team of %(code)s %(name)s") % {"code": code, "name": name},
        body=lambda: _("Role: %(role)s.") % {"role": ProjectRole(role).label},
        url=project.get_absolute_url(),
    )
