"""Bringing a project up to a later version of its template (preview and apply)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.formats.project_template import (
    TemplateDocument,
    TemplateLink,
    document_diff,
    document_from_json,
)
from kuroko.governance.models import (
    Deliverable,
    GateCriterion,
    Phase,
    TemplateUse,
    TemplateVersion,
    VersionStatus,
)
from kuroko.governance.services.gates import _check_criterion
from kuroko.governance.services.templates.projects import (
    _add_assignments,
    _add_risks,
    _add_tasks,
    _Days,
    _minutes_per_day,
    _starts,
    add_phases,
    criterion_numbers,
    renumber_gates,
)
from kuroko.governance.services.templates.versions import check_document
from kuroko.projects import permissions as project_perms
from kuroko.projects.models import (
    Dependency,
    Project,
    Task,
    TaskKind,
)
from kuroko.projects.services import renumber
from kuroko.projects.services.dependencies import dependency_create
from kuroko.projects.services.schedule import project_reschedule

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


def _plan_upgrade(project: Project, to_version: TemplateVersion) -> UpgradeDiff:
    use = TemplateUse.objects.select_related("version__template").get(project=project)
    old = document_from_json(use.version.content)
    new = check_document(to_version.content)
    diff = document_diff(old, new)
    per_day = _minutes_per_day()
    by_key = _live_tasks(project, use.task_keys)
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
                current, template_old, value = (
                    row.duration_minutes,
                    round(was * per_day),
                    round(now * per_day),
                )
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
    removed = {by_key[k].pk: k for k in diff.of("tasks").removed if k in by_key}
    kept = _kept_on_removal(project, removed)
    for key in diff.of("tasks").removed:
        row = by_key.get(key)
        if row is None:
            continue
        if row.pk in kept:
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
        gone = [k for k in pair if k not in by_key and k not in added]
        if gone:
            items.append(
                UpgradeItem(
                    "links",
                    "warning",
                    link.key,
                    link_text(link),
                    _("%(task)s is no longer in the project: not linked.")
                    % {"task": names.get(gone[0], gone[0])},
                )
            )
            continue
        action = "add" if pair not in old_links else "change"
        items.append(UpgradeItem("links", action, link.key, link_text(link), link_kind(link)))
        actions.append(("link", pair, link.type, link.lag_days * per_day))
    for pair in old_links.keys() - new_links.keys():
        pred, succ = by_key.get(pair[0]), by_key.get(pair[1])
        if pred is not None and succ is not None:
            items.append(UpgradeItem("links", "remove", old_links[pair].key, link_text(old_links[pair])))
            actions.append(("unlink", pred.pk, succ.pk))
    # Phases, deliverables, criteria, risks: a field the PM changed is kept (a conflict), as for tasks.
    current = _governance_values(project, {t.pk: k for k, t in by_key.items()})
    applied: dict[tuple[str, str], set[str]] = {}
    for kind in ("phases", "deliverables", "criteria", "risks"):
        part = diff.of(kind)
        for key in part.added:
            items.append(UpgradeItem(kind, "add", key, _name(new, kind, key)))
        if kind != "risks":
            for change in part.changed:
                now_values = current.get((kind, change.key))
                if now_values is None:  # the PM deleted it: nothing to change
                    continue
                take = [(n, a, b) for n, a, b in change.fields if _same(now_values.get(n), a)]
                ours = [(n, a, b) for n, a, b in change.fields if not _same(now_values.get(n), a)]
                applied[(kind, change.key)] = {n for n, _a, _b in take}
                if take:
                    detail = ", ".join(f"{n}: {a} → {b}" for n, a, b in take)
                    items.append(UpgradeItem(kind, "change", change.key, change.name, detail))
                for n, _a, b in ours:
                    items.append(
                        UpgradeItem(
                            kind,
                            "conflict",
                            change.key,
                            change.name,
                            _("%(field)s was changed in the project (%(current)s); keeping it.")
                            % {"field": n, "current": now_values.get(n), "new": b},
                        )
                    )
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
    actions.append(("governance", new, diff, applied))
    return UpgradeDiff(
        template=use.version.template.code,
        from_number=use.version.number,
        to_number=to_version.number,
        items=tuple(items),
        _actions=tuple(actions),
    )


def _live_tasks(project: Project, task_keys: Mapping[str, Any]) -> dict[str, Task]:
    """Template key → the project's task, for the tasks still in the project (the PM may delete some)."""
    ids = {k: int(v) for k, v in task_keys.items()}
    rows = Task.objects.filter(project=project).in_bulk(ids.values())
    return {k: rows[pk] for k, pk in ids.items() if pk in rows}


def _kept_on_removal(project: Project, removed: Mapping[int, str]) -> set[int]:
    """The tasks removed from the template that stay (bottom-up): those with progress, and those with a
    subtask that stays (a subtask not removed, or removed but kept) — deleting them would delete it."""
    children: dict[int | None, list[int]] = {}
    actuals: set[int] = set()
    for pk, parent, start, percent, work in Task.objects.filter(project=project).values_list(
        "pk", "parent_id", "actual_start", "percent_complete", "actual_work_minutes"
    ):
        children.setdefault(parent, []).append(pk)
        if start or percent or work:
            actuals.add(pk)
    kept: set[int] = set()

    def stays(pk: int) -> bool:
        if pk not in removed:
            return True
        below = [stays(child) for child in children.get(pk, [])]  # every subtask decided first
        if pk in actuals or any(below):
            kept.add(pk)
            return True
        return False

    for pk in removed:
        stays(pk)
    return kept


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b or (a in ("", None) and b in ("", None))
    return bool(a == b)


def _governance_values(
    project: Project, task_keys: Mapping[int, str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The project's phases, deliverables and criteria from the template, as template field values."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for p in Phase.objects.filter(project=project).exclude(template_key=""):
        out[("phases", p.template_key)] = {"name": p.name, "summary_task": task_keys.get(p.task_id or 0, "")}
    for d in Deliverable.objects.filter(project=project).exclude(template_key="").select_related("phase"):
        out[("deliverables", d.template_key)] = {
            "name": d.name,
            "description": d.description,
            "required": d.required,
            "phase": d.phase.template_key if d.phase else "",
        }
    for c in (
        GateCriterion.objects.filter(phase__project=project)
        .exclude(template_key="")
        .select_related("phase", "deliverable")
    ):
        out[("criteria", c.template_key)] = {
            "kind": c.kind,
            "text": c.text,
            "metric": c.metric,
            "operator": c.operator,
            "threshold": c.threshold,
            "required": c.required,
            "deliverable": c.deliverable.template_key if c.deliverable else "",
            "phase": c.phase.template_key,
        }
    return out


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
    keys = {k: t.pk for k, t in _live_tasks(project, use.task_keys).items()}
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
            # New tasks get their role as a placeholder (the PM staffs them as any other).
            _add_assignments(
                actor=actor, project=project, document=new_doc, rows=rows, people={}, per_day=per_day
            )
    for action in plan._actions:
        if action[0] == "link":
            _kind, (pred, succ), kind, lag = action
            if pred in keys and succ in keys:
                _link(actor, keys[pred], keys[succ], kind, lag)
        elif action[0] == "unlink":
            Dependency.objects.filter(predecessor_id=action[1], successor_id=action[2]).delete()
        elif action[0] == "governance":
            new_document = action[1]
            _upgrade_governance(
                actor=actor,
                project=project,
                document=action[1],
                diff=action[2],
                applied=action[3],
                keys=keys,
                today=today,
            )
    assert new_document is not None
    use.version = to_version
    use.task_keys = keys
    use.applied_by = actor
    use.save()
    renumber(project)
    project_reschedule(project, today=today)
    return plan


def _link(actor: Any, pred: int, succ: int, kind: str, lag: int) -> None:
    """Add or change a link; a new one goes through the dependency service (no cycle, no summary to its
    own subtask: the message names the tasks)."""
    existing = Dependency.objects.filter(predecessor_id=pred, successor_id=succ).first()
    if existing is not None:
        existing.type, existing.lag_minutes = kind, lag
        existing._history_user = actor  # type: ignore[attr-defined]
        existing.save()
    else:
        dependency_create(
            actor=actor,
            predecessor=Task.objects.get(pk=pred),
            successor=Task.objects.select_related("project").get(pk=succ),
            type=kind,
            lag_minutes=lag,
        )


def _upgrade_governance(
    *,
    actor: Any,
    project: Project,
    document: TemplateDocument,
    diff: Any,
    applied: Mapping[tuple[str, str], set[str]],
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
        phase, take = phases[change.key], applied.get(("phases", change.key), set())
        values: dict[str, Any] = {"name": phase.name} if "name" in take else {}
        if "summary_task" in take:
            values["task"] = tasks.get(phase.summary_task)
        if values:
            Phase.objects.filter(project=project, template_key=change.key).update(**values)
    phase_rows = {p.template_key: p for p in Phase.objects.filter(project=project).exclude(template_key="")}
    deliverables = {d.key: d for d in document.deliverables}
    for change in diff.of("deliverables").changed:
        d, take = deliverables[change.key], applied.get(("deliverables", change.key), set())
        values = {n: getattr(d, n) for n in ("name", "description", "required") if n in take}
        if "phase" in take:
            values["phase"] = phase_rows.get(d.phase)
        if values:
            Deliverable.objects.filter(project=project, template_key=change.key).update(**values)
    made = {d.template_key: d for d in Deliverable.objects.filter(project=project).exclude(template_key="")}
    criteria = {c.key: (p, c) for p, c in document.criteria()}
    numbers = criterion_numbers(document)
    moved: set[int] = set()
    for change in diff.of("criteria").changed:
        phase_key, c = criteria[change.key]
        take = applied.get(("criteria", change.key), set())
        if not take:
            continue
        for row in GateCriterion.objects.filter(
            phase__project=project, template_key=change.key
        ).select_related("phase", "deliverable"):
            for name in ("kind", "text", "required", "metric", "operator", "threshold"):
                if name in take:
                    setattr(row, name, getattr(c, name))
            if "deliverable" in take:
                row.deliverable = made.get(c.deliverable) if c.deliverable else None
            target = phase_rows.get(phase_key) if "phase" in take else None
            if target is not None and target.pk != row.phase_id:
                row.phase, row.number = target, numbers[c.key]
                moved.add(row.pk)
            try:
                _check_criterion(row)
            except ValidationError as exc:
                # Named by the criterion: the template's row cannot be applied as it stands.
                raise ValidationError(
                    {name: [f"{c.key}: {m}" for m in messages] for name, messages in exc.message_dict.items()}
                ) from None
            row.save()
    if moved:
        renumber_gates(project, new_phases=set(), new_criteria=moved)
    _add_risks(
        actor=actor,
        project=project,
        risks=[r for r in document.risks if r.key in diff.of("risks").added],
        today=today or timezone.localdate(),
    )
