"""Writes of quality management: quality records, the defect register, indicator bands and lessons.

Every function checks permission first, validates (a `ValidationError` naming the field), and writes in
one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.permissions import require
from kuroko.governance import permissions as perms
from kuroko.governance.metrics import METRICS
from kuroko.governance.models import (
    Defect,
    DefectStatus,
    Lesson,
    Phase,
    ProjectTemplate,
    QualityIndicator,
    QualityRecord,
)
from kuroko.governance.selectors.quality import RECORD_FIELDS, check_record
from kuroko.projects.models import Project, ProjectType, Task
from kuroko.projects.permissions import can_view_project

DEFECT_FIELDS = (
    "key", "title", "severity", "status", "phase_found", "phase_injected", "task", "found_on", "fixed_on",
)  # fmt: skip
LESSON_FIELDS = (
    "title", "category", "situation", "cause", "recommendation", "positive", "project", "phase_name", "tags",
)  # fmt: skip


def _full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    """Model validation (field rules and constraints) with messages keyed by field."""
    instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)


# --- Quality records -------------------------------------------------------------------------------


@transaction.atomic
def quality_record_save(
    *, user: Any, project: Project, phase: Phase | None, values: dict[str, Any]
) -> QualityRecord:
    """Create or update the quality record of `phase` (None: the whole project). `values` holds the
    fields to set (others keep their value; None empties one)."""
    require(perms.can_manage_governance(user, project))
    if phase is not None and phase.project_id != project.pk:
        raise ValidationError({"phase": _("The phase belongs to another project.")})
    unknown = set(values) - set(RECORD_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Unknown field.")})
    # Ordered by pk: the model's ordering joins the phase, and PostgreSQL cannot lock an outer join.
    record = QualityRecord.objects.select_for_update().filter(project=project, phase=phase).order_by(
        "pk"
    ).first() or QualityRecord(project=project, phase=phase)
    for name, value in values.items():
        setattr(record, name, value)
    check_record({name: getattr(record, name) for name in RECORD_FIELDS})
    record.updated_by = user if getattr(user, "is_authenticated", False) else None
    _full_clean(record, exclude=["project", "phase", "updated_by"])
    record.save()
    return record


# --- Defects ---------------------------------------------------------------------------------------


def _check_links(project: Project, values: dict[str, Any]) -> None:
    for name in ("phase_found", "phase_injected"):
        phase = values.get(name)
        if phase is not None and phase.project_id != project.pk:
            raise ValidationError({name: _("The phase belongs to another project.")})
    task = values.get("task")
    if task is not None and task.project_id != project.pk:
        raise ValidationError({"task": _("The task belongs to another project.")})


def _apply_status(defect: Defect, old_status: str | None, explicit_fixed_on: bool, today: date) -> None:
    """Fixed or closed sets `fixed_on` (today unless given); reopening clears it."""
    if defect.status == DefectStatus.OPEN:
        if old_status is not None and old_status != DefectStatus.OPEN:
            defect.fixed_on = None
        elif defect.fixed_on is not None and explicit_fixed_on:
            raise ValidationError({"fixed_on": _("An open defect has no fix date: set its status too.")})
    elif defect.fixed_on is None:
        defect.fixed_on = max(today, defect.found_on) if defect.found_on else today


def _save_defect(defect: Defect) -> Defect:
    if (
        defect.key
        and Defect.objects.filter(project=defect.project, key=defect.key).exclude(pk=defect.pk).exists()
    ):
        raise ValidationError(
            {"key": _("Another defect of this project has key %(key)s.") % {"key": defect.key}}
        )
    if defect.fixed_on is not None and defect.found_on is not None and defect.fixed_on < defect.found_on:
        raise ValidationError({"fixed_on": _("A defect cannot be fixed before it was found.")})
    _full_clean(defect, exclude=["project", "created_by", "phase_found", "phase_injected", "task"])
    defect.save()
    return defect


@transaction.atomic
def defect_create(
    *, user: Any, project: Project, values: dict[str, Any], today: date | None = None
) -> Defect:
    """Record a defect on `project` (who may contribute to it)."""
    require(perms.can_contribute(user, project))
    values = {k: v for k, v in values.items() if k in DEFECT_FIELDS}
    _check_links(project, values)
    defect = Defect(project=project, created_by=user, **values)
    if defect.status is None or defect.status == "":
        defect.status = DefectStatus.OPEN
    if defect.found_on is None:
        defect.found_on = today or timezone.localdate()
    _apply_status(defect, None, values.get("fixed_on") is not None, today or timezone.localdate())
    return _save_defect(defect)


@transaction.atomic
def defect_update(*, user: Any, defect: Defect, values: dict[str, Any], today: date | None = None) -> Defect:
    """Change a defect's fields; a status change to fixed or closed sets its fix date, reopening clears it."""
    defect = Defect.objects.select_for_update(of=("self",)).select_related("project").get(pk=defect.pk)
    require(perms.can_edit_defect(user, defect))
    values = {k: v for k, v in values.items() if k in DEFECT_FIELDS}
    _check_links(defect.project, values)
    old_status = defect.status
    for name, value in values.items():
        setattr(defect, name, value)
    if defect.status in (None, ""):
        raise ValidationError({"status": _("This field is required.")})
    if defect.found_on is None:
        raise ValidationError({"found_on": _("This field is required.")})
    _apply_status(
        defect,
        old_status,
        "fixed_on" in values and values["fixed_on"] is not None,
        today or timezone.localdate(),
    )
    return _save_defect(defect)


@transaction.atomic
def defect_delete(*, user: Any, defect: Defect) -> None:
    """Delete a defect (who edits the project)."""
    require(perms.can_manage_governance(user, defect.project))
    defect.delete()


# --- Indicator bands -------------------------------------------------------------------------------


@transaction.atomic
def indicator_set(
    *,
    user: Any,
    project_type: ProjectType | None,
    metric: str,
    lower: Decimal | None,
    upper: Decimal | None,
) -> QualityIndicator | None:
    """Set the band of `metric` for `project_type` (None: all projects); no bounds removes the band."""
    require(perms.can_configure_standards(user))
    if metric not in METRICS or not METRICS[metric].quality:
        raise ValidationError({"metric": _("Unknown quality indicator %(key)s.") % {"key": metric}})
    if lower is not None and upper is not None and upper < lower:
        raise ValidationError({"upper": _("The upper bound cannot be below the lower bound.")})
    rows = QualityIndicator.objects.select_for_update().filter(metric=metric)
    rows = rows.filter(project_type=project_type) if project_type else rows.filter(project_type__isnull=True)
    row = rows.order_by("pk").first()  # not the model's ordering: it outer-joins the type
    if lower is None and upper is None:
        if row is not None:
            row.delete()
        return None
    row = row or QualityIndicator(project_type=project_type, metric=metric)
    row.lower, row.upper = lower, upper
    _full_clean(row, exclude=["project_type"])
    row.save()
    return row


# --- Lessons ---------------------------------------------------------------------------------------


def _lesson_values(user: Any, values: dict[str, Any]) -> tuple[dict[str, Any], list[ProjectTemplate] | None]:
    templates = values.get("templates")
    fields = {k: v for k, v in values.items() if k in LESSON_FIELDS}
    project = fields.get("project")
    if project is not None and not can_view_project(user, project):
        raise ValidationError({"project": _("You cannot see this project.")})
    return fields, (list(templates) if templates is not None else None)


@transaction.atomic
def lesson_create(*, user: Any, values: dict[str, Any]) -> Lesson:
    """Record a lesson learned."""
    require(perms.can_record_lesson(user))
    fields, templates = _lesson_values(user, values)
    lesson = Lesson(created_by=user, **fields)
    _full_clean(lesson, exclude=["created_by", "project"])
    lesson.save()
    if templates:
        lesson.templates.set(templates)
    return lesson


@transaction.atomic
def lesson_update(*, user: Any, lesson: Lesson, values: dict[str, Any]) -> Lesson:
    """Change a lesson (its author or the PMO)."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    require(perms.can_edit_lesson(user, lesson))
    fields, templates = _lesson_values(user, values)
    for name, value in fields.items():
        setattr(lesson, name, value)
    _full_clean(lesson, exclude=["created_by", "project"])
    lesson.save()
    if templates is not None:
        lesson.templates.set(templates)
    return lesson


@transaction.atomic
def lesson_delete(*, user: Any, lesson: Lesson) -> None:
    """Delete a lesson (its author or the PMO)."""
    require(perms.can_edit_lesson(user, lesson))
    lesson.delete()


def task_of(project: Project, pk: int | None) -> Task | None:
    """The project's task `pk` (None for None), or a ValidationError on `task`."""
    if pk is None:
        return None
    task = Task.objects.filter(project=project, pk=pk).first()
    if task is None:
        raise ValidationError({"task": _("No task %(id)s in this project.") % {"id": pk}})
    return task


@transaction.atomic
def indicator_bands_set(
    *, user: Any, project_type: ProjectType | None, bands: dict[str, tuple[Decimal | None, Decimal | None]]
) -> None:
    """Set several bands of one project type (None: all projects) at once; all or nothing."""
    require(perms.can_configure_standards(user))
    for metric, (lower, upper) in bands.items():
        try:
            indicator_set(user=user, project_type=project_type, metric=metric, lower=lower, upper=upper)
        except ValidationError as exc:
            raise ValidationError({metric: exc.messages}) from exc
