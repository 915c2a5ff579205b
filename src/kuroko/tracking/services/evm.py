"""Writes of earned value: EVM snapshots (the recorded history behind trends), the project's status date
set from the earned-value page, and weighted milestones of tasks (the milestone EV method)."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.engine.evm import EvmError, Unit, earned_value
from kuroko.projects import permissions as perms
from kuroko.projects.models import Project, Task
from kuroko.tracking.mapping import NoBaseline, active_projects, project_input
from kuroko.tracking.models import EvmSnapshot, WeightedMilestone

SNAPSHOT_UNITS = (Unit.MONEY, Unit.HOURS)
logger = logging.getLogger(__name__)


@transaction.atomic
def evm_snapshot_record(*, project: Project, status_date: date) -> list[EvmSnapshot]:
    """Record the project's figures as of `status_date` in money and in hours (replacing what was
    recorded for that day). A project without its compared baseline records nothing."""
    try:  # both units or neither: a missing baseline is found before anything is written
        inputs = [
            (unit, project_input(project, status_date=status_date, unit=unit, with_history=False))
            for unit in SNAPSHOT_UNITS
        ]
    except NoBaseline:
        return []
    out = []
    for unit, mapped in inputs:
        f = earned_value(mapped.project, status_date=status_date).project
        row, _created = EvmSnapshot.objects.update_or_create(
            project=project,
            status_date=status_date,
            unit=unit.value,
            defaults={
                "bac": f.bac,
                "pv": f.pv,
                "ev": f.ev,
                "ac": f.ac,
                "spi": f.spi,
                "cpi": f.cpi,
                "eac": f.eac,
                "spi_t": f.spi_t,
            },
        )
        out.append(row)
    return out


def evm_snapshots_record_all(*, status_date: date | None = None) -> int:
    """Record a snapshot of every active (or on-hold) project: as of `status_date`, else each project's
    own status date, else today. One transaction per project; returns how many projects were recorded."""
    today = timezone.localdate()
    recorded = 0
    for project in active_projects().select_related("program", "calendar").order_by("code"):
        day = status_date or project.status_date or today
        try:
            if evm_snapshot_record(project=project, status_date=day):
                recorded += 1
        except EvmError as exc:  # one project's bad data must not stop the others
            logger.warning("EVM snapshot of %s on %s skipped: %s", project.code, day, exc)
    return recorded


@transaction.atomic
def evm_status_date_set(*, actor: Any, project: Project, status_date: date) -> Project:
    """Make `status_date` the project's status date (the project is rescheduled from it) and record the
    earned value as of that day."""
    from kuroko.projects.services import project_update

    require(perms.can_edit_project(actor, project))
    project = project_update(
        actor=actor, project=project, data={"status_date": status_date}, expected_version=None
    )
    try:
        evm_snapshot_record(project=project, status_date=status_date)
    except EvmError as exc:
        # The status date is the PM's to set; data the engine refuses must not undo it. The page shows
        # the same refusal where the figures would be.
        logger.warning("EVM snapshot of %s on %s skipped: %s", project.code, status_date, exc)
    return project


# --- weighted milestones ----------------------------------------------------------------------------------


def _weight(value: Any) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"weight": _("Enter a weight, e.g. 30.")}) from None
    if not weight.is_finite() or weight <= 0:
        raise ValidationError({"weight": _("Enter a weight above zero.")})
    if weight >= Decimal("100000"):
        raise ValidationError({"weight": _("Enter a weight below 100000.")})
    return weight.quantize(Decimal("0.01"))


def _leaf(task: Task) -> Task:
    if Task.objects.filter(parent=task).exists():
        raise ValidationError(
            {"task": _("%(task)s is a summary task: weighted milestones belong on the tasks under it.") % {
                "task": task}}
        )  # fmt: skip
    return task


@transaction.atomic
def weighted_milestone_add(
    *, actor: Any, task: Task, name: str, weight: Any, achieved_on: date | None = None
) -> WeightedMilestone:
    """Add a step of `task` that earns `weight` (a share of the task's weights) when achieved."""
    require(perms.can_edit_project(actor, task.project))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the milestone.")})
    if len(name) > 200:
        raise ValidationError({"name": _("The name is longer than 200 characters.")})
    row = WeightedMilestone(task=_leaf(task), name=name, weight=_weight(weight), achieved_on=achieved_on)
    row.save()
    return row


@transaction.atomic
def weighted_milestone_achieve(
    *, actor: Any, milestone: WeightedMilestone, achieved_on: date | None
) -> WeightedMilestone:
    """Record the day a milestone was achieved (None: not achieved); the task's owner may, as progress."""
    milestone = (
        WeightedMilestone.objects.select_for_update(of=("self",))
        .select_related("task__project")
        .get(pk=milestone.pk)
    )
    require(perms.can_update_progress(actor, milestone.task))
    milestone.achieved_on = achieved_on
    milestone.save(update_fields=["achieved_on"])
    return milestone


@transaction.atomic
def weighted_milestone_remove(*, actor: Any, milestone: WeightedMilestone) -> None:
    require(perms.can_edit_project(actor, milestone.task.project))
    milestone.delete()
