"""Resource levelling of a project or the portfolio as a reviewable proposal.

`leveling_request` records a proposal and queues its computation (a background task); `leveling_compute`
maps the projects to the engine's levelling problem (kuroko.engine.level_plan), runs it and tries its
result with the critical-path engine, so the proposal shows the dates the plan would really get; the
PMO or PM then applies it (`leveling_apply`: one transaction, task history kept) or discards it.

How projects become a levelling problem: projects.services.leveling_proposal.
"""

from __future__ import annotations

import math
import time as clock
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import is_pmo, require
from kuroko.projects import permissions as perms
from kuroko.projects.mapping import aware
from kuroko.projects.models import (
    LevelingRun,
    Project,
    Status,
    Task,
)
from kuroko.projects.services.leveling_proposal import DEFAULT_TIME_LIMIT as DEFAULT_TIME_LIMIT
from kuroko.projects.services.leveling_proposal import fingerprint as fingerprint
from kuroko.projects.services.leveling_proposal import propose as propose

TIME_LIMITS = (0.5, 60.0)  # seconds of search a request may ask for


def _can_level(actor: Any, project: Project | None) -> bool:
    return is_pmo(actor) if project is None else perms.can_edit_project(actor, project)


def can_view_run(actor: Any, run: LevelingRun) -> bool:
    if is_pmo(actor):
        return True
    return run.project is not None and perms.can_view_project(actor, run.project)


def leveling_request(*, actor: Any, project: Project | None, options: dict[str, Any]) -> LevelingRun:
    """Record a levelling proposal for `project` (None: the portfolio) and queue its computation.

    Options: `within_float` (bool), `time_limit` (seconds), `seed` (int), `level_from` (a date: conflicts
    before it are not levelled; default today), and for the portfolio `projects` (project codes; default
    every active project)."""
    require(_can_level(actor, project))
    clean: dict[str, Any] = {"within_float": bool(options.get("within_float", False))}
    try:
        limit = float(options.get("time_limit", DEFAULT_TIME_LIMIT))
    except (TypeError, ValueError):
        raise ValidationError({"time_limit": _("Enter a number of seconds.")}) from None
    if not TIME_LIMITS[0] <= limit <= TIME_LIMITS[1] or math.isnan(limit):
        raise ValidationError(
            {
                "time_limit": _("The time limit must be between %(lo)s and %(hi)s seconds.")
                % dict(lo=TIME_LIMITS[0], hi=TIME_LIMITS[1])
            }
        )
    clean["time_limit"] = limit
    seed = options.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError({"seed": _("The seed must be a whole number.")})
    clean["seed"] = seed
    level_from = options.get("level_from") or None
    if level_from is not None:
        try:
            clean["level_from"] = date.fromisoformat(str(level_from)).isoformat()
        except ValueError:
            raise ValidationError({"level_from": _("Enter a date as YYYY-MM-DD.")}) from None
    if project is None:
        codes = options.get("projects") or []
        if codes:
            found = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
            unknown = sorted(set(codes) - set(found))
            if unknown:
                raise ValidationError(
                    {"projects": _("No project %(codes)s.") % {"codes": ", ".join(unknown)}}
                )
            clean["projects"] = sorted(found.values())
        else:
            clean["projects"] = list(
                Project.objects.filter(status=Status.ACTIVE).order_by("pk").values_list("pk", flat=True)
            )
        if not clean["projects"]:
            raise ValidationError({"projects": _("There is no active project to level.")})
    run = LevelingRun.objects.create(project=project, options=clean, created_by=actor)
    from kuroko.projects.tasks import level_in_background

    transaction.on_commit(lambda: level_in_background.enqueue(run.pk))
    return run


def _scope(run: LevelingRun) -> list[Project]:
    if run.project is not None:
        return [run.project]
    return list(Project.objects.filter(pk__in=run.options.get("projects", [])).order_by("pk"))


def leveling_compute(run_id: int) -> LevelingRun:
    """Compute a queued proposal (the background task's body); failures are stored on the run."""
    run = LevelingRun.objects.select_related("project").get(pk=run_id)
    if run.status != LevelingRun.Status.QUEUED:
        return run
    run.status, run.progress = LevelingRun.Status.RUNNING, 0
    run.save(update_fields=["status", "progress"])
    last = [0.0]

    def progress(share: float) -> None:
        now = clock.perf_counter()
        if now - last[0] > 0.5:  # at most two writes a second
            last[0] = now
            LevelingRun.objects.filter(pk=run.pk).update(progress=min(95, int(10 + 80 * share)))

    try:
        run.result = propose(
            _scope(run),
            within_float=run.options.get("within_float", False),
            time_limit=run.options.get("time_limit", DEFAULT_TIME_LIMIT),
            seed=run.options.get("seed", 0),
            progress=progress,
            today=date.fromisoformat(run.options["level_from"]) if run.options.get("level_from") else None,
        )
        run.status, run.progress = LevelingRun.Status.READY, 100
    except Exception as exc:
        run.status, run.error = LevelingRun.Status.FAILED, str(exc) or exc.__class__.__name__
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "progress", "result", "error", "finished_at"])
    return run


@transaction.atomic
def leveling_apply(*, actor: Any, run: LevelingRun) -> LevelingRun:
    """Apply a ready proposal: hold each moved task at its new start, clear older levelling of the
    projects, reschedule them. Refused (nothing written) when the plan changed since it was computed."""
    from simple_history.utils import bulk_update_with_history

    run = LevelingRun.objects.select_for_update(of=("self",)).select_related("project").get(pk=run.pk)
    require(_can_level(actor, run.project))
    if run.status != LevelingRun.Status.READY:
        raise ValidationError(
            {
                "status": _("Only a proposal ready for review can be applied; this one is %(status)s.")
                % {"status": run.get_status_display()}
            }
        )
    projects = _scope(run)
    if fingerprint(projects) != run.result.get("fingerprint"):
        raise ValidationError(
            {
                "status": _(
                    "The plan changed after this proposal was computed; level again for a current proposal."
                )
            }
        )
    held = {int(k): aware(datetime.fromisoformat(v)) for k, v in run.result.get("levelling", {}).items()}
    rows = list(
        Task.objects.filter(project__in=projects).filter(level_start__isnull=False)
        | Task.objects.filter(pk__in=held)
    )
    changed = []
    for row in rows:
        value = held.get(row.pk)
        if row.level_start != value:
            row.level_start = value
            changed.append(row)
    if changed:
        bulk_update_with_history(
            changed,
            Task,
            ["level_start"],
            default_user=actor,
            default_change_reason=_("Levelling proposal #%(id)s") % {"id": run.pk},
        )
    _reschedule(projects)
    run.status, run.decided_by, run.decided_at = LevelingRun.Status.APPLIED, actor, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


def leveling_discard(*, actor: Any, run: LevelingRun) -> LevelingRun:
    require(_can_level(actor, run.project))
    if not run.open:
        raise ValidationError(
            {"status": _("This proposal is already %(status)s.") % {"status": run.get_status_display()}}
        )
    run.status, run.decided_by, run.decided_at = LevelingRun.Status.DISCARDED, actor, timezone.now()
    run.save(update_fields=["status", "decided_by", "decided_at"])
    return run


@transaction.atomic
def leveling_clear(*, actor: Any, project: Project) -> int:
    """Remove the levelling of a project (every task back where its links put it); returns how many
    tasks were held back."""
    from simple_history.utils import bulk_update_with_history

    require(perms.can_edit_project(actor, project))
    rows = list(Task.objects.filter(project=project, level_start__isnull=False))
    for row in rows:
        row.level_start = None
    if rows:
        bulk_update_with_history(
            rows, Task, ["level_start"], default_user=actor, default_change_reason=_("Levelling cleared")
        )
    _reschedule([project])
    return len(rows)


def _reschedule(projects: list[Project]) -> None:
    """Reschedule in link order (a project after those it depends on), as the portfolio reschedule does."""
    from kuroko.projects.services.schedule import project_reschedule, projects_in_link_order

    for project in projects_in_link_order(projects):
        project_reschedule(project)


def can_decide(actor: Any, run: LevelingRun) -> bool:
    """Who may apply or discard a proposal: who may request it."""
    return _can_level(actor, run.project)
