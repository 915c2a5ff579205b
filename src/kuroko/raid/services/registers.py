"""Helpers shared by the services of issues, action items, decisions and change requests: checking that
linked items belong to the same project, limiting what an item's owner may change, saving with the
version check, escalating an item and telling the people concerned."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.models import Role, User
from kuroko.core.notifications import notify_others, users_with_roles
from kuroko.core.services import apply_changes, save_validated
from kuroko.core.versioning import check_version
from kuroko.people.models import Person
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid.models import EscalationEvent, EscalationLevel, Register


class Refused(ValidationError):
    """A request the item's state does not allow (a transition from the wrong status, an item already
    escalated to the top): HTTP 409 in the API, a message on the page."""


URL_NAMES = {
    Register.RISK: "risk-detail",
    Register.ISSUE: "issue-detail",
    Register.ACTION: "action-detail",
    Register.DECISION: "decision-detail",
    Register.CHANGE: "change-detail",
}


def today() -> date:
    return timezone.localdate()


def person_of(actor: Any) -> Any:
    """The Person of a signed-in account, or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "person", None)


def item_url(register: str, pk: int) -> str:
    """The page of a register item (empty when that page does not exist, e.g. risks before they are built)."""
    from django.urls import NoReverseMatch

    try:
        return reverse(URL_NAMES[Register(register)], args=[pk])
    except NoReverseMatch:
        return ""


def users_of(*people: Any) -> list[User]:
    """The login accounts of these people (those without one are left out)."""
    out = []
    for person in people:
        user = getattr(person, "user", None) if person is not None else None
        if user is not None:
            out.append(user)
    return out


def manager_users(project: Project) -> list[User]:
    """The project manager's account (the PM of the project header)."""
    manager = project.manager if project.manager_id else None
    return users_of(manager)


def level_users(level: int) -> list[User]:
    """Who an escalation to `level` goes to: the PMO for level 1, the executives for level 2."""
    if level >= EscalationLevel.EXECUTIVE:
        return users_with_roles(Role.EXECUTIVE)
    return users_with_roles(Role.PMO_ADMIN, Role.PMO_MEMBER)


def tell(
    users: Iterable[Any],
    *,
    actor: Any,
    kind: str,
    title: Callable[[], str],
    body: Callable[[], str] | str = "",
    url: str = "",
) -> int:
    """Notify each user except the one who acted; returns how many were told."""
    return len(notify_others(actor=actor, users=users, kind=kind, title=title, body=body, url=url))


def _not_here(field: str, pk: Any) -> ValidationError:
    # One message whether the item does not exist or belongs to another project: neither its title nor
    # its existence may leak to someone who cannot read that project.
    return ValidationError({field: _("There is no item with id %(id)s in this project.") % {"id": pk}})


def same_project(project: Project, value: Any, field: str) -> None:
    """Refuse a linked item of another project, naming the field (and nothing about the item)."""
    if value is None:
        return
    if getattr(value, "project_id", None) != project.pk:
        raise _not_here(field, value.pk)


def resolve(model: type[models.Model], value: Any, field: str) -> Any:
    """An instance of `model` from an instance or a primary key (None stays None)."""
    if value is None or value == "" or isinstance(value, model):
        return value or None
    obj = model._default_manager.filter(pk=value).first()
    if obj is None:
        if model is Person:
            raise ValidationError({field: _("There is no person with id %(id)s.") % {"id": value}})
        raise _not_here(field, value)
    return obj


def leaf_tasks(project: Project, values: Iterable[Any], field: str = "tasks") -> list[Task]:
    """Tasks of the project that are not summary tasks (the work an item affects), from ids or tasks."""
    ids = [v.pk if isinstance(v, Task) else v for v in values]
    try:
        wanted = {int(v) for v in ids}
    except (TypeError, ValueError):
        raise ValidationError({field: _("Give task ids.")}) from None
    found = {t.pk: t for t in Task.objects.filter(pk__in=wanted)}
    for pk in sorted(wanted):
        task = found.get(pk)
        if task is None or task.project_id != project.pk:
            raise ValidationError(
                {field: _("Task %(id)s is not in project %(code)s.") % {"id": pk, "code": project.code}}
            )
        if task.kind == TaskKind.SUMMARY:
            raise ValidationError(
                {field: _("%(task)s is a summary task: choose the work tasks under it.") % {"task": task}}
            )
    return [found[pk] for pk in sorted(wanted)]


def limit(obj: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """Keep what an owner (not a project editor) may change; a field outside `allowed` whose value differs
    from the stored one is refused with a message on it (forms send unchanged fields too)."""
    allowed = set(allowed)
    kept: dict[str, Any] = {}
    for name, value in data.items():
        if name in allowed:
            kept[name] = value
            continue
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname if isinstance(field, models.ForeignKey) else name)
        new = value.pk if isinstance(value, models.Model) else value
        if current != new:
            raise ValidationError({name: _("Only who manages the project can change this.")})
    return kept


def apply_and_save(
    obj: models.Model,
    *,
    actor: Any,
    data: Mapping[str, Any],
    allowed: Iterable[str],
    expected_version: int | None,
    check: Callable[[Any, list[str]], None],
) -> list[str]:
    """Check the version, set the fields, run the register's own rules (`check(obj, changed)`) and save
    with the history; returns the fields that changed."""
    check_version(obj, expected_version)
    changed = apply_changes(obj, data, allowed)
    check(obj, changed)
    if changed:
        save_validated(obj, actor=actor)
    return changed


def record_escalation(
    *,
    actor: Any,
    register: str,
    item: Any,
    level: int,
    message: str,
    rule: Any = None,
    body: Callable[[], str] | None = None,
) -> EscalationEvent:
    """Record an escalation of `item` to `level` and notify that level (PMO or executives), the project
    manager and the item's owner. `body` words the notification in each recipient's language (default:
    the message as given)."""
    event = EscalationEvent.objects.create(
        rule=rule,
        register=register,
        item_id=item.pk,
        project=item.project,
        level=level,
        message=message,
        escalated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    code, title, level_label = item.code, item.title, EscalationLevel(level).label
    project_code = item.project.code
    owner = item.owner if getattr(item, "owner_id", None) else None
    tell(
        [*level_users(level), *manager_users(item.project), *users_of(owner)],
        actor=actor,
        kind="raid.escalation",
        title=lambda: (
            _("%(code)s escalated to %(level)s: %(title)s")
            % {"code": f"{project_code} {code}", "level": level_label, "title": title}
        ),
        body=body or message,
        url=item_url(register, item.pk),
    )
    return event
