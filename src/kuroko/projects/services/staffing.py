"""Staffing a project: a proposal that fills its placeholder assignments with named people, and applying
the choices the project manager keeps.

The proposal is computed, never saved: the person reviews it as a diff and applies it (or not). It is
optimal in the sense of the assignment problem (`kuroko.engine.assignment`): among the people who may
fill each slot, it fills as many slots as possible and, among those fillings, picks the one of least
total cost, where a pair's cost (0–1, see `kuroko.projects.selectors.staffing.judge`) is

    0.6 × lack of free time   (the share of the slot's work their free time in the task's period
                               cannot cover)
  + 0.4 × skill margin        ((4 − levels above the placeholder's minimum) ∕ 4; 0 when no skill is asked)

and a pair is forbidden when the person lacks the skill or the level, holds a certification expired by
the task's start, is already on the task, or has no free time at all in its period.

A person fills at most one slot among tasks that overlap in time: slots are solved in groups of tasks
whose periods overlap (chained), each group one assignment problem. Groups do not overlap in time, so a
person may fill slots of several groups — one task after another — and one group's choices do not change
anyone's free time in another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kuroko.core.permissions import require
from kuroko.engine.assignment import solve_assignment
from kuroko.people.models import Person, PersonSkill
from kuroko.projects import permissions as perms
from kuroko.projects.models import Assignment, Project
from kuroko.projects.selectors.staffing import (
    Candidate,
    Pool,
    Refusal,
    Slot,
    judge,
    open_assignments,
    people_on_tasks,
    pool_for,
    skill_reason,
    slot_count,
    slots_of,
    task_period,
)
from kuroko.projects.services.assignments import _work, assignment_set


@dataclass(frozen=True)
class Fill:
    """A slot filled by a person in a proposal, with their score and the reasons."""

    slot: Slot
    candidate: Candidate

    @property
    def person(self) -> Person:
        return self.candidate.person


@dataclass(frozen=True)
class Unfilled:
    """A slot the proposal leaves open, and why."""

    slot: Slot
    reason: str


@dataclass(frozen=True)
class Proposal:
    """Who would fill which slot. Nothing is saved until `staffing_apply` is called with its choices."""

    project: Project
    fills: list[Fill]
    unfilled: list[Unfilled]

    @property
    def choices(self) -> list[tuple[int, int]]:
        """(placeholder assignment id, person id) of every fill: what `staffing_apply` takes."""
        return [(f.slot.assignment.pk, f.person.pk) for f in self.fills]

    @property
    def slots(self) -> int:
        return len(self.fills) + len(self.unfilled)


def _waves(slots: list[Slot]) -> list[list[Slot]]:
    """Slots in groups of tasks whose periods overlap, earliest first; undated tasks form a last group."""
    dated = sorted((s for s in slots if s.period is not None), key=lambda s: (s.period, s.task.row))
    waves: list[list[Slot]] = []
    end: date | None = None
    for slot in dated:
        first, last = slot.period  # type: ignore[misc]
        if end is None or first > end:
            waves.append([])
            end = last
        waves[-1].append(slot)
        end = max(end, last)
    undated = [s for s in slots if s.period is None]
    return waves + ([undated] if undated else [])


def _why_open(slot: Slot, judged: list[Candidate | Refusal]) -> str:
    """The reason a slot stays open, from what was said about each person."""
    placeholder = slot.placeholder
    candidates = [j for j in judged if isinstance(j, Candidate)]
    if candidates:
        names = ", ".join(str(c.person) for c in candidates[:3])
        busy = _("Everyone who could fill it is proposed for another slot at the same time (%(names)s).")
        return busy % {"names": names}
    if not any(isinstance(j, Refusal) and j.kind != "skill" for j in judged):
        if placeholder.skill is None:
            return _("Nobody active could be found.")
        return _("Nobody active has %(skill)s at level %(level)s or above.") % {
            "skill": placeholder.skill.name,
            "level": placeholder.min_level,
        }
    if placeholder.skill is None:
        return _("Everyone is fully booked, away or already on the task in its period.")
    return _("Everyone with the skill is fully booked, away or already on the task in its period.")


def staffing_proposal(
    *, actor: Any, project: Project, placeholder_assignment_ids: Iterable[int] | None = None
) -> Proposal:
    """The best filling of the project's placeholder assignments (or of the ones given) with people.

    Writes nothing. Refuses unknown ids with a ValidationError on `placeholder_assignment_ids`.
    """
    require(perms.can_edit_project(actor, project))
    ids = None if placeholder_assignment_ids is None else sorted(set(placeholder_assignment_ids))
    assignments = open_assignments(project, ids)
    if ids is not None and len(assignments) != len(ids):
        missing = sorted(set(ids) - {a.pk for a in assignments})
        raise ValidationError(
            {
                "placeholder_assignment_ids": _(
                    "No placeholder assignment with id %(ids)s in project %(code)s."
                )
                % {"ids": ", ".join(map(str, missing)), "code": project.code}
            }
        )
    if not assignments:
        return Proposal(project, [], [])
    pool = pool_for(assignments)
    taken = people_on_tasks(a.task_id for a in assignments)
    fills: list[Fill] = []
    unfilled: list[Unfilled] = []
    for wave in _waves([slot for a in assignments for slot in slots_of(a)]):
        wave_fills, wave_open = _solve_wave(pool, wave, taken)
        fills += wave_fills
        unfilled += wave_open
    order = {a.pk: i for i, a in enumerate(assignments)}
    fills.sort(key=lambda f: (order[f.slot.assignment.pk], f.slot.index))
    unfilled.sort(key=lambda u: (order[u.slot.assignment.pk], u.slot.index))
    return Proposal(project, fills, unfilled)


def _solve_wave(
    pool: Pool, wave: list[Slot], taken: set[tuple[int, int]]
) -> tuple[list[Fill], list[Unfilled]]:
    """One assignment problem: the wave's slots × the people who may fill at least one of them."""
    judged = [[judge(pool, slot, person, taken=taken) for person in pool.people] for slot in wave]
    columns = [c for c in range(len(pool.people)) if any(isinstance(row[c], Candidate) for row in judged)]
    cost = [[_cost(row[c]) for c in columns] for row in judged]
    matching = solve_assignment(cost) if columns else None
    fills: list[Fill] = []
    for r, c in matching.pairs if matching else ():
        candidate = judged[r][columns[c]]
        assert isinstance(candidate, Candidate)
        fills.append(Fill(wave[r], candidate))
    filled = {id(f.slot) for f in fills}
    unfilled = [
        Unfilled(slot, _why_open(slot, judged[r])) for r, slot in enumerate(wave) if id(slot) not in filled
    ]
    return fills, unfilled


def _cost(judged: Candidate | Refusal) -> float:
    return judged.cost if isinstance(judged, Candidate) else math.inf


def _choice_pairs(choices: Iterable[Any]) -> list[tuple[int, int]]:
    """Choices as (assignment id, person id) pairs, from tuples or objects with those attributes."""
    out = []
    for choice in choices:
        if isinstance(choice, tuple | list):
            assignment_id, person_id = choice
        else:
            assignment_id, person_id = choice.assignment_id, choice.person_id
        out.append((int(assignment_id), int(person_id)))
    return out


@transaction.atomic
def staffing_apply(*, actor: Any, project: Project, choices: Sequence[Any]) -> list[Assignment]:
    """Replace placeholder assignments by the chosen people, all or nothing.

    `choices` are (placeholder assignment id, person id) pairs (or objects with `assignment_id` and
    `person_id`). Each person takes one slot's share of the assignment's units and work, with its contour
    and booking; the placeholder assignment keeps the slots no one was chosen for, or goes when all are
    filled. People are assigned through `assignment_set`, so effort-driven rules hold. Anything invalid —
    an unknown or already filled assignment, an inactive person, a person without the skill or level,
    already on the task or chosen twice for it, more people than slots — raises a ValidationError naming
    the task and person, and nothing is changed.
    """
    require(perms.can_edit_project(actor, project))
    pairs = _choice_pairs(choices)
    if not pairs:
        raise ValidationError({"choices": _("Choose at least one person for a placeholder.")})
    assignment_ids = {a for a, _p in pairs}
    rows = {
        a.pk: a
        for a in Assignment.objects.select_for_update(of=("self",))
        .filter(pk__in=assignment_ids, task__project=project, placeholder__isnull=False)
        .select_related("task", "placeholder__skill")
    }
    missing = sorted(assignment_ids - set(rows))
    if missing:
        gone = _("No placeholder assignment with id %(ids)s in project %(code)s (filled or removed since?).")
        raise ValidationError(
            {"assignment_id": gone % {"ids": ", ".join(map(str, missing)), "code": project.code}}
        )
    people = Person.objects.in_bulk({p for _a, p in pairs})
    unknown = sorted({p for _a, p in pairs} - set(people))
    if unknown:
        raise ValidationError(
            {"person_id": _("No person with id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}}
        )
    by_assignment: dict[int, list[Person]] = {}
    for assignment_id, person_id in pairs:
        by_assignment.setdefault(assignment_id, []).append(people[person_id])
    _check(rows, by_assignment)
    created: list[Assignment] = []
    for assignment_id, chosen in by_assignment.items():
        created += _fill(actor, rows[assignment_id], chosen)
    return created


def _check(rows: dict[int, Assignment], by_assignment: dict[int, list[Person]]) -> None:
    """Every rule of `staffing_apply`, before anything is written."""
    on_task = people_on_tasks({a.task_id for a in rows.values()})
    skills = {
        (s.person_id, s.skill_id): s
        for s in PersonSkill.objects.filter(
            person_id__in={p.pk for chosen in by_assignment.values() for p in chosen},
            skill_id__in={a.placeholder.skill_id for a in rows.values() if a.placeholder},
        )
    }
    chosen_for_task: set[tuple[int, int]] = set()
    for assignment_id, chosen in by_assignment.items():
        assignment = rows[assignment_id]
        task, placeholder = assignment.task, assignment.placeholder
        assert placeholder is not None
        names = {"task": f"{task.wbs_code} {task.name}".strip(), "placeholder": placeholder.name}
        count = slot_count(assignment)
        if len(chosen) > count:
            too_many = ngettext(
                "Task %(task)s: %(placeholder)s asks for %(count)s person, %(chosen)s were chosen.",
                "Task %(task)s: %(placeholder)s asks for %(count)s people, %(chosen)s were chosen.",
                count,
            )
            raise ValidationError({"choices": too_many % {**names, "count": count, "chosen": len(chosen)}})
        period = task_period(task)
        for person in chosen:
            who = {**names, "person": str(person)}
            if not person.is_active:
                raise ValidationError({"person_id": _("%(person)s is no longer active.") % who})
            if (task.pk, person.pk) in on_task:
                raise ValidationError(
                    {"person_id": _("%(person)s is already assigned to task %(task)s.") % who}
                )
            if (task.pk, person.pk) in chosen_for_task:
                twice = _("%(person)s is chosen twice for task %(task)s.")
                raise ValidationError({"person_id": twice % who})
            chosen_for_task.add((task.pk, person.pk))
            row = skills.get((person.pk, placeholder.skill_id)) if placeholder.skill_id else None
            reason = skill_reason(
                row, placeholder.skill, placeholder.min_level, period[0] if period else None
            )
            if reason is not None:
                cannot = _("%(person)s cannot fill %(placeholder)s on task %(task)s: %(reason)s.")
                raise ValidationError({"person_id": cannot % {**who, "reason": reason}})


def _fill(actor: Any, assignment: Assignment, chosen: list[Person]) -> list[Assignment]:
    """Give each chosen person one slot's share; keep the rest on the placeholder (or remove it)."""
    task = assignment.task
    slots = slots_of(assignment)
    taken, left = slots[: len(chosen)], slots[len(chosen) :]
    # Work that follows the duration keeps following it; typed (effort-driven) work is handed on as typed.
    follows = assignment.work_minutes == _work(task.duration_minutes, assignment.units)
    contour, booking = assignment.contour, assignment.booking
    if left:
        assignment.units = sum(s.units for s in left)
        assignment.work_minutes = (
            _work(task.duration_minutes, assignment.units) if follows else sum(s.work_minutes for s in left)
        )
        assignment.full_clean(validate_unique=False)
        assignment.save()
    else:
        assignment.delete()
    return [
        assignment_set(
            actor=actor,
            task=task,
            person=person,
            units=slot.units,
            work_minutes=None if follows else slot.work_minutes,
            contour=contour,
            booking=booking,
        )
        for person, slot in zip(chosen, taken, strict=True)
    ]
