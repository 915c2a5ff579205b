"""PSPLIB single-mode (`.sm`) instances and solution tables ⇄ `LevelingProblem`.

Kolisch & Sprecher, "PSPLIB — a project scheduling problem library", EJOR 96 (1997). An instance has a
header (``jobs (incl. supersource/sink ):  32``, ``- renewable : 4 R``), ``PRECEDENCE RELATIONS:`` (job,
modes, successor count, successors), ``REQUESTS/DURATIONS:`` (job, mode, duration, demand per resource)
and ``RESOURCEAVAILABILITIES:`` (capacity per resource). Jobs keep their numbers as ids ("1" … "32").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from kuroko.engine.leveling import Job, LevelingProblem
from kuroko.engine.model import Link, LinkType, Plan, Task
from kuroko.formats.mspdi.records import Assignment, MspdiProject, Resource

__all__ = ["PsplibError", "Solution", "psplib_to_mspdi", "read_psplib", "read_solutions"]


class PsplibError(ValueError):
    """A PSPLIB file cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Solution:
    """One row of a solution table: instance ``j30{parameter}_{instance}``, its makespan and lower bound
    (the lower bound is the makespan when the table gives none)."""

    parameter: int
    instance: int
    makespan: int
    lower_bound: int

    @property
    def name(self) -> str:
        return f"{self.parameter}_{self.instance}"


def _ints(text: str, where: str, lineno: int) -> list[int]:
    try:
        return [int(x) for x in text.split()]
    except ValueError:
        raise PsplibError(f"{where}, line {lineno}: expected whole numbers, got {text.strip()!r}.") from None


def parse_psplib(text: str, *, name: str = "<text>") -> LevelingProblem:
    """Parse the text of a single-mode PSPLIB instance; `name` is used in error messages."""
    lines = text.splitlines()
    n_jobs: int | None = None
    n_res: int | None = None
    succ: dict[int, tuple[int, ...]] = {}
    req: dict[int, tuple[int, tuple[int, ...]]] = {}
    caps: tuple[int, ...] | None = None
    section = ""
    header_seen = False
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("*"):  # a rule of stars closes a section
            section = ""
            continue
        if not line or set(line) <= {"-", "="}:
            continue
        upper = line.upper()
        if upper.startswith("JOBS"):
            m = re.search(r":\s*(\d+)", line)
            if not m:
                raise PsplibError(f"{name}, line {lineno}: cannot read the number of jobs in {line!r}.")
            n_jobs = int(m.group(1))
            continue
        if line.startswith("- renewable"):
            m = re.search(r":\s*(\d+)", line)
            if not m:
                raise PsplibError(f"{name}, line {lineno}: cannot read the number of resources in {line!r}.")
            n_res = int(m.group(1))
            continue
        if upper.startswith("PRECEDENCE RELATIONS"):
            section, header_seen = "prec", False
            continue
        if upper.startswith("REQUESTS/DURATIONS"):
            section, header_seen = "req", False
            continue
        if upper.startswith("RESOURCEAVAILABILITIES"):
            section, header_seen = "cap", False
            continue
        if section and not header_seen and not line[0].isdigit():
            header_seen = True  # the column titles
            continue
        if section == "prec":
            values = _ints(line, name, lineno)
            if len(values) < 3 or len(values) != 3 + values[2]:
                raise PsplibError(
                    f"{name}, line {lineno}: a precedence row is job, modes, successor count and that "
                    f"many successors; got {line!r}."
                )
            if values[1] != 1:
                raise PsplibError(
                    f"{name}, line {lineno}: job {values[0]} has {values[1]} modes; "
                    "only single-mode files are read."
                )
            if values[0] in succ:
                raise PsplibError(f"{name}, line {lineno}: job {values[0]} appears twice.")
            succ[values[0]] = tuple(values[3:])
        elif section == "req":
            values = _ints(line, name, lineno)
            if n_res is None:
                raise PsplibError(f"{name}, line {lineno}: requests come before the number of resources.")
            if len(values) != 3 + n_res:
                raise PsplibError(
                    f"{name}, line {lineno}: a request row is job, mode, duration and {n_res} demands; "
                    f"got {line!r}."
                )
            if values[0] in req:
                raise PsplibError(f"{name}, line {lineno}: job {values[0]} has two request rows.")
            if values[2] < 0 or min(values[3:], default=0) < 0:
                raise PsplibError(f"{name}, line {lineno}: durations and demands cannot be negative.")
            req[values[0]] = (values[2], tuple(values[3:]))
        elif section == "cap":
            values = _ints(line, name, lineno)
            if n_res is not None and len(values) != n_res:
                raise PsplibError(f"{name}, line {lineno}: expected {n_res} capacities, got {line!r}.")
            caps = tuple(values)
            section = ""
    if n_jobs is None:
        raise PsplibError(f"{name}: no 'jobs (incl. supersource/sink)' line; is this a PSPLIB .sm file?")
    if caps is None:
        raise PsplibError(f"{name}: no RESOURCEAVAILABILITIES section.")
    for label, table in (("PRECEDENCE RELATIONS", succ), ("REQUESTS/DURATIONS", req)):
        missing = sorted(set(range(1, n_jobs + 1)) - set(table))
        if missing:
            raise PsplibError(
                f"{name}: {label} has no row for job {missing[0]} (the header says {n_jobs} jobs)."
            )
        extra = sorted(set(table) - set(range(1, n_jobs + 1)))
        if extra:
            raise PsplibError(f"{name}: {label} has job {extra[0]}, beyond the {n_jobs} jobs of the header.")
    uneven = next((j for j in sorted(req) if len(req[j][1]) != len(caps)), None)
    if uneven is not None:
        raise PsplibError(
            f"{name}: job {uneven} requests {len(req[uneven][1])} resources, but "
            f"RESOURCEAVAILABILITIES has {len(caps)}."
        )
    try:
        return LevelingProblem(
            jobs=tuple(
                Job(str(j), req[j][0], tuple(str(s) for s in succ[j]), req[j][1])
                for j in range(1, n_jobs + 1)
            ),
            capacities=caps,
            name=name,
        )
    except ValueError as exc:
        raise PsplibError(f"{name}: {exc}") from exc


def read_psplib(path: str | Path) -> LevelingProblem:
    """Read a single-mode PSPLIB `.sm` instance file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise PsplibError(f"{path}: {exc.strerror or exc}.") from exc
    return parse_psplib(text, name=path.name)


def read_solutions(path: str | Path) -> dict[str, Solution]:
    """Read a PSPLIB solution table (``j30opt.sm``, ``j60hrs.sm``, ``j60lb.sm``), keyed ``"p_i"``.

    Data rows start with the parameter and instance numbers, then the makespan (or upper bound) and, in
    the ``lb`` tables, the lower bound; other lines are headers and are skipped.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise PsplibError(f"{path}: {exc.strerror or exc}.") from exc
    lower_bounds = "lb" in path.stem.lower()
    result: dict[str, Solution] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if len(parts) < 3 or not (parts[0].isdigit() and parts[1].isdigit()):
            continue
        try:
            ub = int(parts[2])
            lb = int(parts[3]) if lower_bounds else ub
        except (ValueError, IndexError):
            raise PsplibError(
                f"{path.name}, line {lineno}: cannot read a makespan in {raw.strip()!r}."
            ) from None
        sol = Solution(int(parts[0]), int(parts[1]), ub, lb)
        result[sol.name] = sol
    if not result:
        raise PsplibError(f"{path.name}: no solution rows found.")
    return result


def psplib_to_mspdi(problem: LevelingProblem, start: datetime, *, minutes_per_day: int = 480) -> MspdiProject:
    """A PSPLIB instance as the records a project is imported from: one task per job (a period is a
    working day of `minutes_per_day`), the dummy first and last jobs as milestones "Start" and "End",
    every precedence as a finish-to-start link, each renewable resource R1, R2, … as a resource whose
    maximum units are its capacity, and each request as an assignment of that many units (a request of
    2 is 200 %), so that the imported project's placeholders and its levelling see them. The plan
    starts at `start`; it has no calendar of its own (the project keeps the organisation's)."""
    last = len(problem.jobs) - 1
    resources = tuple(
        Resource(id=f"R{r + 1}", name=f"R{r + 1}", row=r + 1, max_units=Decimal(capacity))
        for r, capacity in enumerate(problem.capacities)
    )
    tasks: list[Task] = []
    assignments: list[Assignment] = []
    for index, job in enumerate(problem.jobs):
        if job.duration == 0 and index in (0, last):
            name = "Start" if index == 0 else "End"
        else:
            name = f"Job {job.id}"
        minutes = job.duration * minutes_per_day
        tasks.append(Task(id=job.id, name=name, duration=minutes, milestone=job.duration == 0))
        if len(job.demands) != len(resources):
            raise PsplibError(
                f"{problem.name}: job {job.id} requests {len(job.demands)} resources, but there are "
                f"{len(resources)}."
            )
        for resource, request in zip(resources, job.demands, strict=True):
            if request > 0 and job.duration > 0:
                assignments.append(
                    Assignment(
                        id=f"{job.id}:{resource.id}",
                        task=job.id,
                        resource=resource.id,
                        units=Decimal(request),
                        work=minutes * request,
                    )
                )
    known = {job.id for job in problem.jobs}
    links = tuple(
        Link(job.id, successor, LinkType.FS)
        for job in problem.jobs
        for successor in job.successors
        if successor in known
    )
    name = problem.name.removesuffix(".sm") if problem.name else "PSPLIB"
    return MspdiProject(
        plan=Plan(start=start, tasks=tuple(tasks), links=links, name=name, minutes_per_day=minutes_per_day),
        resources=resources,
        assignments=tuple(assignments),
        title=name,
        own_calendar=False,
    )
