"""Writes of the risk register: adding, updating, deleting and reviewing risks, saving the risk matrix
(which re-scores every risk) and importing a register from Excel.

Every function is one transaction and checks the actor's permission first; the score and level are set
from the matrix (`risk_score`) before every save. Bad input raises ValidationError naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated
from kuroko.core.versioning import check_version
from kuroko.projects.models import Project, Task, TaskKind
from kuroko.raid import permissions as perms
from kuroko.raid.models import Risk, RiskKind, RiskMatrix, RiskStatus, default_cells
from kuroko.raid.models.config import MAX_SCALE, MIN_SCALE
from kuroko.raid.selectors.risks import strategies_for
from kuroko.raid.services.common import lock_project, next_number, risk_score

# What people and scripts may set; score, level, residual score and level, closed_on and the number are
# derived.
RISK_FIELDS = (
    "title",
    "owner",
    "kind",
    "category",
    "cause",
    "event",
    "effect",
    "raised_by",
    "raised_on",
    "probability",
    "impact_cost",
    "impact_schedule",
    "impact_quality",
    "proximity",
    "strategy",
    "response",
    "trigger",
    "residual_probability",
    "residual_impact",
    "status",
    "next_review",
    "last_reviewed",
    "probability_percent",
    "cost_min",
    "cost_most_likely",
    "cost_max",
    "schedule_min_minutes",
    "schedule_most_likely_minutes",
    "schedule_max_minutes",
)
COST_FIELDS = ("cost_min", "cost_most_likely", "cost_max")
SCHEDULE_FIELDS = ("schedule_min_minutes", "schedule_most_likely_minutes", "schedule_max_minutes")
CENT = Decimal("0.01")


def _label(name: str) -> str:
    return str(capfirst(getattr(Risk._meta.get_field(name), "verbose_name", name)))


def _decimal(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Enter a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({name: _("Enter a number.")})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _check(risk: Risk, matrix: RiskMatrix) -> None:
    """The rules of one risk against the matrix; raises ValidationError naming every bad field."""
    size = matrix.size
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not (risk.title or "").strip():
        bad("title", _("Give the risk a title."))
    if risk.kind not in RiskKind.values:
        bad("kind", _("Choose threat or opportunity."))
    if not isinstance(risk.probability, int) or not 1 <= risk.probability <= size:
        bad("probability", _("Probability must be between 1 and %(size)d.") % {"size": size})
    for name in ("impact_cost", "impact_schedule", "impact_quality"):
        value = getattr(risk, name)
        if not isinstance(value, int) or not 0 <= value <= size:
            bad(name, _("%(field)s must be between 0 and %(size)d.") % {"field": _label(name), "size": size})
    if risk.residual_probability is not None and not 1 <= risk.residual_probability <= size:
        bad(
            "residual_probability",
            _("Residual probability must be between 1 and %(size)d.") % {"size": size},
        )
    if risk.residual_impact is not None and not 0 <= risk.residual_impact <= size:
        bad("residual_impact", _("Residual impact must be between 0 and %(size)d.") % {"size": size})
    if (risk.residual_probability is None) != (risk.residual_impact is None):
        missing = "residual_impact" if risk.residual_impact is None else "residual_probability"
        bad(missing, _("Give both the residual probability and the residual impact, or neither."))
    if risk.strategy and risk.strategy not in strategies_for(risk.kind):
        allowed = ", ".join(strategies_for(risk.kind))
        bad(
            "strategy",
            _("“%(strategy)s” is not a response to %(kind)s; choose one of: %(allowed)s.")
            % {"strategy": risk.strategy, "kind": risk.get_kind_display().lower(), "allowed": allowed},
        )
    if risk.probability_percent is not None and not 0 <= risk.probability_percent <= 100:
        bad("probability_percent", _("The probability must be between 0 and 100 %."))
    for names in (COST_FIELDS, SCHEDULE_FIELDS):
        values = [getattr(risk, n) for n in names]
        given = [v is not None for v in values]
        if any(given) and not all(given):
            for name, has in zip(names, given, strict=True):
                if not has:
                    bad(name, _("Give the minimum, most likely and maximum together."))
            continue
        if not any(given):
            continue
        for name, value in zip(names, values, strict=True):
            if value < 0:
                bad(name, _("%(field)s cannot be negative.") % {"field": _label(name)})
        low, likely, high = values
        if low > likely:
            bad(names[0], _("The minimum must not be above the most likely value."))
        if likely > high:
            bad(names[2], _("The maximum must not be below the most likely value."))
    if errors:
        raise ValidationError(errors)


def _wanted_tasks(risk: Risk, task_ids: Iterable[int] | None) -> list[int] | None:
    """The affected tasks to link (checked: leaf tasks of the risk's project), or None when unchanged."""
    if task_ids is None:
        return None
    wanted = sorted({int(pk) for pk in task_ids})
    found = {t.pk: t for t in Task.objects.filter(pk__in=wanted)}
    problems = []
    for pk in wanted:
        task = found.get(pk)
        if task is None or task.project_id != risk.project_id:
            problems.append(
                _("Task %(id)s is not in project %(code)s.") % {"id": pk, "code": risk.project.code}
            )
        elif task.kind == TaskKind.SUMMARY:
            problems.append(
                _("%(task)s is a summary task; link the risk to the tasks under it.")
                % {"task": f"{task.wbs_code} {task.name}"}
            )
    if problems:
        raise ValidationError({"tasks": problems})
    current = sorted(risk.tasks.values_list("pk", flat=True)) if risk.pk else []
    return None if current == wanted else wanted


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for name in ("probability_percent", *COST_FIELDS):
        if name in out:
            out[name] = _decimal(out[name], name)
    for name in ("title", "cause", "event", "effect", "response", "trigger"):
        if name in out and isinstance(out[name], str):
            out[name] = out[name].strip()
    for name in ("proximity", "strategy"):
        if name in out and out[name] is None:
            out[name] = ""
    return out


def _status_dates(risk: Risk, before: str | None, today: date) -> None:
    """Closing sets closed_on (today); re-opening clears it."""
    if risk.status == RiskStatus.CLOSED and (before != RiskStatus.CLOSED or risk.closed_on is None):
        risk.closed_on = today
    elif risk.status != RiskStatus.CLOSED:
        risk.closed_on = None


@transaction.atomic
def risk_create(
    *,
    actor: Any,
    project: Project,
    data: Mapping[str, Any],
    tasks: Iterable[int] | None = None,
    today: date | None = None,
) -> Risk:
    """Add a risk to the project's register (numbered R-001, R-002 … per project)."""
    require(perms.can_raise(actor, project))
    today = today or timezone.localdate()
    project = lock_project(project)
    matrix = RiskMatrix.current()
    values = _normalise(data)
    risk = Risk(project=project, number=0, raised_on=today, title="")
    apply_changes(risk, values, RISK_FIELDS)
    if not risk.raised_on:
        risk.raised_on = today
    if risk.raised_by_id is None and getattr(actor, "person", None) is not None:
        risk.raised_by = actor.person
    if risk.next_review is None and risk.status in (RiskStatus.OPEN, RiskStatus.RESPONDING):
        risk.next_review = today + timedelta(days=matrix.review_days)
    _status_dates(risk, None, today)
    _check(risk, matrix)
    risk_score(risk, matrix)
    wanted = _wanted_tasks(risk, tasks)
    risk.number = next_number(Risk, project)
    save_validated(risk, actor=actor, bump_version=False)
    if wanted is not None:
        risk.tasks.set(wanted)
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: Any,
    risk: Risk,
    data: Mapping[str, Any],
    expected_version: int | None,
    tasks: Iterable[int] | None = None,
    today: date | None = None,
) -> Risk:
    """Change a risk (project editors and its owner). A stale `expected_version` raises ConflictError;
    `tasks` (ids), when given, replaces the affected tasks."""
    require(perms.can_edit_item(actor, risk))
    locked = Risk.objects.select_for_update(of=("self",)).select_related("project", "owner").get(pk=risk.pk)
    require(perms.can_edit_item(actor, locked))
    check_version(locked, expected_version)
    before = locked.status
    changed = apply_changes(locked, _normalise(data), RISK_FIELDS)
    matrix = RiskMatrix.current()
    _status_dates(locked, before, today or timezone.localdate())
    wanted = _wanted_tasks(locked, tasks)
    if changed or wanted is not None:
        _check(locked, matrix)
        risk_score(locked, matrix)
        save_validated(locked, actor=actor)
        # After the save: the history record the link change adds holds the new score, not the old one.
        if wanted is not None:
            locked.tasks.set(wanted)
    return locked


@transaction.atomic
def risk_delete(*, actor: Any, risk: Risk) -> None:
    """Remove a risk from the register (project editors); its history is kept."""
    require(perms.can_manage_raid(actor, risk.project))
    if actor is not None and getattr(actor, "is_authenticated", False):
        risk._history_user = actor  # type: ignore[attr-defined]
    risk.delete()


@transaction.atomic
def risk_mark_reviewed(
    *, actor: Any, risk: Risk, expected_version: int | None = None, today: date | None = None
) -> Risk:
    """Record a review: last reviewed today, next review after the matrix's review interval."""
    require(perms.can_edit_item(actor, risk))
    locked = Risk.objects.select_for_update(of=("self",)).select_related("project").get(pk=risk.pk)
    check_version(locked, expected_version)
    today = today or timezone.localdate()
    matrix = RiskMatrix.current()
    locked.last_reviewed = today
    locked.next_review = today + timedelta(days=matrix.review_days)
    risk_score(locked, matrix)
    save_validated(locked, actor=actor)
    return locked


# --- the matrix -------------------------------------------------------------------------------------


def rescale(value: int, old: int, new: int) -> int:
    """A level on an `old`-point scale moved to the `new`-point scale by the middle of its band
    (5 → 3: 1, 1, 2, 3, 3; 5 → 7: 1, 3, 4, 5, 7); 0 (no impact) stays 0."""
    if value <= 0 or old == new:
        return value
    exact = (Decimal(value) - Decimal("0.5")) * new / old + Decimal("0.5")
    return min(max(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), 1), new)


MATRIX_FIELDS = (
    "size",
    "probability_labels",
    "impact_labels",
    "probability_percents",
    "cost_thresholds",
    "schedule_threshold_days",
    "cells",
    "review_days",
)


@transaction.atomic
def risk_matrix_save(*, actor: Any, data: Mapping[str, Any]) -> tuple[RiskMatrix, int]:
    """Save the organisation's risk matrix (PMO) and re-score every risk on it in the same transaction.

    When the scale size changes, every probability and impact is moved to the new scale (`rescale`) and
    cells not given are the default levels. Returns the matrix and how many risks changed.
    """
    require(perms.can_configure_raid(actor))
    matrix = RiskMatrix.current()
    matrix = RiskMatrix.objects.select_for_update().get(pk=matrix.pk)
    unknown = sorted(set(data) - set(MATRIX_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    old_size = matrix.size
    size = data.get("size", old_size)
    if not isinstance(size, int) or not MIN_SCALE <= size <= MAX_SCALE:
        raise ValidationError(
            {
                "size": _("The scale must have %(min)d to %(max)d levels.")
                % {"min": MIN_SCALE, "max": MAX_SCALE}
            }
        )
    for name in MATRIX_FIELDS:
        if name in data:
            value = data[name]
            setattr(matrix, name, list(value) if isinstance(value, Sequence) and name != "size" else value)
    if size != old_size:
        # Lists sized for the old scale cannot be kept: labels and bounds go back to the defaults.
        for name in MATRIX_FIELDS[1:7]:
            if name not in data:
                setattr(matrix, name, [])
    if not matrix.cells:
        matrix.cells = default_cells(size)
    matrix.full_clean()
    if actor is not None and getattr(actor, "is_authenticated", False):
        matrix._history_user = actor  # type: ignore[attr-defined]
    matrix.save()
    changed: list[Risk] = []
    fields = ["score", "level", "residual_score", "residual_level"]
    if size != old_size:
        fields += ["probability", "impact_cost", "impact_schedule", "impact_quality"]
        fields += ["residual_probability", "residual_impact"]
    for risk in Risk.objects.select_for_update().order_by("pk").iterator(chunk_size=2000):
        before = tuple(getattr(risk, f) for f in fields)
        if size != old_size:
            risk.probability = rescale(risk.probability, old_size, size)
            for name in ("impact_cost", "impact_schedule", "impact_quality"):
                setattr(risk, name, rescale(getattr(risk, name), old_size, size))
            if risk.residual_probability is not None:
                risk.residual_probability = rescale(risk.residual_probability, old_size, size)
            if risk.residual_impact is not None:
                risk.residual_impact = rescale(risk.residual_impact, old_size, size)
        risk_score(risk, matrix)
        if tuple(getattr(risk, f) for f in fields) != before:
            changed.append(risk)
    if changed:
        user = actor if getattr(actor, "is_authenticated", False) else None
        bulk_update_with_history(changed, Risk, fields, batch_size=500, default_user=user)
    return matrix, len(changed)


# --- import -----------------------------------------------------------------------------------------


@dataclass
class ImportLine:
    """One row of an imported register and what importing it does."""

    row: int  # the spreadsheet row number
    action: str  # "add", "update", "unchanged" or "error"
    code: str = ""
    title: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    tasks: list[int] | None = None
    changes: list[str] = field(default_factory=list)  # labels of the fields an update changes
    errors: list[str] = field(default_factory=list)
    risk: Risk | None = None


@dataclass
class ImportResult:
    lines: list[ImportLine]
    applied: bool

    @property
    def errors(self) -> list[ImportLine]:
        return [line for line in self.lines if line.action == "error"]

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("add", "update", "unchanged", "error")}


def _differs(risk: Risk, values: Mapping[str, Any], tasks: list[int] | None) -> list[str]:
    out = []
    for name, value in values.items():
        model_field = Risk._meta.get_field(name)
        current = getattr(risk, getattr(model_field, "attname", name))
        new = value.pk if hasattr(value, "pk") else value
        if isinstance(current, Decimal) and new is not None:
            new = Decimal(str(new)).quantize(CENT)
        if (current or None) != (new or None) and not (current == 0 and new == 0):
            out.append(_label(name))
    if tasks is not None and sorted(tasks) != sorted(t.pk for t in risk.tasks.all()):
        out.append(_label("tasks"))
    return out


def _named(name: str, message: str) -> str:
    """A field's message prefixed with the field's name, unless the message already starts with it."""
    if name == "__all__":
        return message
    label = _label(name) if name in RISK_FIELDS or name == "tasks" else name
    return message if message.startswith(label) else f"{label}: {message}"


class ImportRefused(ValidationError):
    """Some rows are bad: nothing was written; `result` lists every row with its errors."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(
            [f"{_('Row %(row)d') % {'row': line.row}}: {' '.join(line.errors)}" for line in result.errors]
        )
        self.result = result


@transaction.atomic
def risks_import(
    *,
    actor: Any,
    project: Project,
    rows: Sequence[Any],
    dry_run: bool = True,
    today: date | None = None,
) -> ImportResult:
    """Add or update the project's risks from imported rows (`raid.excel.ImportedRow`: row number,
    values by field and the R-number). A row with an R-number updates that risk; without one it adds a
    risk. Every row is checked by the same rules as the register; if any row is bad nothing is written
    (ImportRefused lists them), and a dry run writes nothing either (it rolls back) — so the preview is
    exactly what importing does."""
    require(perms.can_manage_raid(actor, project))
    project = lock_project(project)
    existing = {r.code: r for r in Risk.objects.filter(project=project).select_related("project", "owner")}
    lines: list[ImportLine] = []
    for row in rows:
        values = dict(row.values)
        code = str(values.pop("code", "") or "").strip().upper()
        tasks = values.pop("tasks", None)
        line = ImportLine(row=row.number, action="add", code=code, title=str(values.get("title") or ""))
        line.values, line.tasks = values, tasks
        try:
            with transaction.atomic():
                if code:
                    risk = existing.get(code)
                    if risk is None:
                        raise ValidationError(
                            _(
                                "%(code)s is not a risk of project %(project)s; "
                                "leave the column empty to add it."
                            )
                            % {"code": code, "project": project.code}
                        )
                    line.changes = _differs(risk, values, tasks)
                    line.action = "update" if line.changes else "unchanged"
                    if line.changes:
                        line.risk = risk_update(
                            actor=actor,
                            risk=risk,
                            data=values,
                            expected_version=None,
                            tasks=tasks,
                            today=today,
                        )
                else:
                    line.risk = risk_create(
                        actor=actor, project=project, data=values, tasks=tasks, today=today
                    )
                    line.code = line.risk.code
        except ValidationError as exc:
            line.action = "error"
            if hasattr(exc, "error_dict"):
                line.errors = [
                    _named(name, message)
                    for name, messages in exc.message_dict.items()
                    for message in messages
                ]
            else:
                line.errors = list(exc.messages)
        lines.append(line)
    result = ImportResult(lines=lines, applied=not dry_run)
    if result.errors:
        transaction.set_rollback(True)
        result.applied = False
        raise ImportRefused(result)
    if dry_run:
        transaction.set_rollback(True)
    return result
