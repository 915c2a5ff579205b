"""A synthetic organisation of any size, for load tests and benchmarks (see `generator.build_synthetic`)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from kuroko.demo import names
from kuroko.demo.plan import Materialised, Plan, materialise
from kuroko.demo.store import Counts, bulk_insert, insert_links, insert_tasks
from kuroko.demo.wbs_templates import SI_TEXT, Staff
from kuroko.demo.workdays import WorkCalendar
from kuroko.people.models import EmploymentType, Person, Team
from kuroko.projects.models import Program, Project, ProjectMember, ProjectRole, Rag, Status

PEOPLE_PER_TEAM = 20
TEAMS_PER_DEPARTMENT = 10
PROJECTS_PER_PROGRAM = 20
PROJECTS_PER_TRANSACTION = 10
# A "created" history record for every task, link and member, as rows created through the services
# have; it roughly doubles the build time (e.g. 18 s → 31 s for 500 × 200 tasks on SQLite).
HISTORY = True

_STATUSES = (
    [Status.ACTIVE] * 12
    + [Status.PROPOSED] * 3
    + [Status.ON_HOLD] * 2
    + [Status.CLOSED] * 2
    + [Status.CANCELLED]
)
_RAG = [Rag.GREEN] * 14 + [Rag.AMBER] * 4 + [Rag.RED] * 2
_REASONS: dict[str, str] = {
    "overall": "Schedule and cost under pressure; a recovery plan with {n} actions is due next month.",
    "schedule": "Critical path slipped {n} working days; {m} tasks overdue.",
    "cost": "Forecast at completion {n}% over budget; {m} change requests unfunded.",
    "scope": "{m} change requests awaiting a decision; {n}% of requirements still open.",
    "quality": "{m} severity-1 defects open; defect density {n}% above target.",
    "risk": "{m} high risks without a mitigation owner; exposure up {n}% since last month.",
}
_PHASES = ["req", "basic", "detail", "build", "test", "release"]
_PHASE_DONE = ["req_done", "basic_done", "dd_done", "build_done", "test_done", "golive"]
_WORK = {
    "en": [
        "Analyse",
        "Design",
        "Build",
        "Review",
        "Test",
        "Document",
        "Fix defects",
        "Prepare data",
        "Deploy",
    ],
    "ja": [
        "分析",
        "設計",
        "製造",
        "レビュー",
        "テスト",
        "文書作成",
        "不具合修正",
        "データ準備",
        "リリース作業",
    ],
}
_AREAS = [
    "Customer",
    "Finance",
    "Supply chain",
    "HR",
    "Data",
    "Cloud",
    "Security",
    "Mobile",
    "Retail",
    "Logistics",
    "Payments",
    "Analytics",
]
_KINDS = ["modernisation", "platform", "transformation", "renewal", "integration", "migration"]


def build(
    *,
    projects: int,
    tasks_per_project: int,
    people: int,
    seed: int,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> Counts:
    """Build the synthetic organisation (documented in `kuroko.demo.generator.build_synthetic`)."""
    if projects < 1 or tasks_per_project < 1 or people < 1:
        raise ValueError("projects, tasks_per_project and people must each be at least 1.")
    prefix = f"S{seed}-"
    if (
        Team.objects.filter(Q(code=f"S{seed}") | Q(code__startswith=prefix)).exists()
        or Program.objects.filter(code__startswith=prefix).exists()
        or Project.objects.filter(code__startswith=prefix).exists()
    ):
        raise ValueError(
            f"Synthetic data of seed {seed} is already in this database (codes {prefix}…); use another seed."
        )
    rng = random.Random(seed)
    with transaction.atomic():
        teams = _teams(seed, math.ceil(people / PEOPLE_PER_TEAM))
        persons = _people(rng, seed, people, teams)
        program_count = math.ceil(projects / PROJECTS_PER_PROGRAM)
        programs = bulk_insert(
            [
                Program(code=f"{prefix}G{number:03d}", name=_program_name(rng, number))
                for number in range(1, program_count + 1)
            ],
            Program,
            history=True,
        )
    active = [p.pk for p in persons if p.is_active] or [persons[0].pk]
    sponsors = active[: max(1, len(active) // 50)]
    calendar = WorkCalendar(today - timedelta(days=6 * 366), country="JP")
    now = calendar.index(today)
    tasks = links = 0
    for first in range(0, projects, PROJECTS_PER_TRANSACTION):
        numbers = range(first, min(first + PROJECTS_PER_TRANSACTION, projects))
        batch: list[tuple[Project, list[tuple[int, str]], Plan, Materialised]] = []
        for number in numbers:
            staff, members, sponsor = _members(rng, active, sponsors)
            plan = Plan()
            lang = rng.choice(["en", "ja"])
            _wbs(plan, rng, staff, tasks_per_project, lang)
            status, as_of = _place(plan, rng, now)
            plan.apply_progress(as_of, rng)
            materialised = materialise(plan, calendar)
            project = _project(
                rng,
                seed,
                number,
                programs[number * program_count // projects],
                staff,
                status,
                materialised,
                sponsor=sponsor,
            )
            batch.append((project, members, plan, materialised))
        with transaction.atomic():
            saved = bulk_insert([project for project, *_ in batch], Project, history=True)
            bulk_insert(
                [
                    ProjectMember(project_id=project.pk, person_id=person, role=role)
                    for project, (_p, members, _plan, _m) in zip(saved, batch, strict=True)
                    for person, role in members
                ],
                ProjectMember,
                history=HISTORY,
            )
            pks = insert_tasks(
                [(project.pk, m) for project, (*_, m) in zip(saved, batch, strict=True)], history=HISTORY
            )
            links += insert_links(
                [(plan.links, task_pks) for (_p, _m, plan, _mat), task_pks in zip(batch, pks, strict=True)],
                history=HISTORY,
            )
            tasks += sum(len(p) for p in pks)
        if progress is not None:
            progress(numbers.stop)
    return Counts(program_count, projects, tasks, links, len(persons), len(teams), 0)


def _teams(seed: int, count: int) -> list[Team]:
    """A root, departments of up to ten teams, and the teams (the ones people belong to)."""
    root = Team.objects.create(code=f"S{seed}", name=f"Synthetic organisation {seed} (合成組織)")
    departments = bulk_insert(
        [
            Team(code=f"S{seed}-D{d:03d}", name=f"Department {d} (第{d}部)", parent=root)
            for d in range(1, math.ceil(count / TEAMS_PER_DEPARTMENT) + 1)
        ],
        Team,
        history=True,
    )
    return bulk_insert(
        [
            Team(
                code=f"S{seed}-T{t:04d}",
                name=f"Team {t} (第{t}チーム)",
                parent=departments[(t - 1) // TEAMS_PER_DEPARTMENT],
            )
            for t in range(1, count + 1)
        ],
        Team,
        history=True,
    )


def _people(rng: random.Random, seed: int, count: int, teams: list[Team]) -> list[Person]:
    persons: list[Person] = []
    for number in range(count):
        name = names.random_name(rng, foreign_share=0.05)
        draw = rng.random()
        employment = (
            EmploymentType.EMPLOYEE
            if draw < 0.8
            else EmploymentType.CONTRACTOR
            if draw < 0.9
            else EmploymentType.PARTNER
        )
        persons.append(
            Person(
                family_name=name.family,
                given_name=name.given,
                family_name_kana=name.family_kana,
                given_name_kana=name.given_kana,
                email=f"{name.romaji}.{number + 1:05d}@s{seed}.synthetic.example",
                team=teams[number * len(teams) // count],
                employment_type=employment,
                is_active=rng.random() >= 0.02,
            )
        )
    return bulk_insert(persons, Person, history=True)


def _program_name(rng: random.Random, number: int) -> str:
    return f"{rng.choice(_AREAS)} {rng.choice(_KINDS)} {number}"


def _members(
    rng: random.Random, active: list[int], sponsors: list[int]
) -> tuple[Staff, list[tuple[int, str]], int]:
    """5–15 members (a manager, 1–2 team leads, a reviewer, members) and the sponsor, who joins as a
    stakeholder unless already a member."""
    team = rng.sample(active, min(len(active), rng.randint(5, 15)))
    manager, rest = team[0], team[1:]
    leads = rest[: rng.randint(1, 2)]
    reviewers = rest[len(leads) : len(leads) + 1]
    members = rest[len(leads) + len(reviewers) :]
    roles: list[tuple[int, str]] = [(manager, ProjectRole.PROJECT_MANAGER)]
    roles += [(p, ProjectRole.TEAM_LEAD) for p in leads]
    roles += [(p, ProjectRole.REVIEWER) for p in reviewers]
    roles += [(p, ProjectRole.MEMBER) for p in members]
    sponsor = rng.choice(sponsors)
    if sponsor not in team:
        roles.append((sponsor, ProjectRole.STAKEHOLDER))
    return Staff(manager, leads=leads, members=members, reviewers=reviewers), roles, sponsor


def _wbs(plan: Plan, rng: random.Random, staff: Staff, count: int, lang: str) -> None:
    """Exactly `count` tasks in a three-level WBS: phases (each closed by a milestone) of work packages
    of 2–6 finish-to-start chained tasks, run in parallel lanes of about ten tasks each (at least three),
    so that a project lasts months to a few years whatever its size."""
    col = 0 if lang == "ja" else 1
    work = _WORK[lang]
    if count <= 3:
        previous: list[int] = []
        for number in range(count):
            previous = [
                plan.task(
                    f"{work[number]} {number + 1}", rng.randint(1, 8), preds=previous, owner=staff.member()
                )
            ]
        return
    phases = max(1, min(10, count // 25, count // 4))
    sizes = [count // phases + (1 if p < count % phases else 0) for p in range(phases)]
    gate: int | None = None
    for p, size in enumerate(sizes):
        label = SI_TEXT[_PHASES[p % 6]][col] + (f" {p // 6 + 1}" if p >= 6 else "")
        phase = plan.summary(label, owner=staff.manager)
        remaining = size - 2
        lanes: list[int | None] = [None] * max(3, size // 10)
        package = 0
        while remaining > 0:
            package += 1
            lane = package % len(lanes)
            start = [x for x in (gate, lanes[lane]) if x is not None]
            if remaining <= 2:
                lanes[lane] = plan.task(
                    f"{rng.choice(work)} {p + 1}.{package}",
                    rng.randint(1, 8),
                    phase,
                    preds=start,
                    owner=staff.member(),
                )
                remaining -= 1
                continue
            size_here = min(rng.randint(2, 6), remaining - 1)
            wp = plan.summary(
                f"{'作業パッケージ' if lang == 'ja' else 'Work package'} {p + 1}.{package}",
                phase,
                owner=staff.lead(),
            )
            owner = staff.member()
            previous = start
            for step in range(size_here):
                previous = [
                    plan.task(
                        f"{rng.choice(work)} {p + 1}.{package}.{step + 1}",
                        rng.randint(1, 8),
                        wp,
                        preds=previous,
                        owner=owner,
                    )
                ]
            lanes[lane] = previous[0]
            remaining -= size_here + 1
        done = SI_TEXT[_PHASE_DONE[p % 6]][col] + (f" {p // 6 + 1}" if p >= 6 else "")
        gate = plan.milestone(done, phase, preds=plan.open_ends(phase), owner=staff.manager)


def _place(plan: Plan, rng: random.Random, now: int) -> tuple[str, int]:
    """Choose a status, move the plan to dates that fit it, and return (status, progress as of)."""
    length = max(plan.end(), 1)
    status = rng.choice(_STATUSES)
    if status == Status.PROPOSED:
        start = now + rng.randint(5, 120)
        as_of = start
    elif status == Status.CLOSED:
        start = now - length - rng.randint(5, 250)
        as_of = start + length + 1
    elif status == Status.ACTIVE:
        start = now - rng.randint(0, length - 1)
        as_of = now - rng.choice([0, 0, 0, 2, 5, 10])
    else:  # on hold or cancelled: stopped some time between the start and today
        start = now - rng.randint(length // 4, max(length // 4, length - 1))
        as_of = rng.randint(start, now)
    plan.shift(max(start, 0))
    return status, max(as_of, 0)


def _project(
    rng: random.Random,
    seed: int,
    number: int,
    program: Program,
    staff: Staff,
    status: str,
    materialised: Materialised,
    *,
    sponsor: int,
) -> Project:
    rag: dict[str, str] = {}
    for dim, template in _REASONS.items():
        colour = rng.choice(_RAG)
        rag[f"rag_{dim}"] = colour
        rag[f"rag_{dim}_reason"] = (
            template.format(n=rng.randint(2, 15), m=rng.randint(1, 12)) if colour != Rag.GREEN else ""
        )
    return Project(
        code=f"S{seed}-P{number + 1:05d}",
        name=f"{rng.choice(_AREAS)} {rng.choice(_KINDS)} {number + 1}",
        program=program,
        manager_id=staff.manager,
        sponsor_id=sponsor,
        status=status,
        priority=rng.randrange(100, 1000, 50),
        budget=Decimal(rng.randrange(10_000_000, 500_000_000, 100_000)),
        planned_start=materialised.planned_start,
        planned_finish=materialised.planned_finish,
        percent_complete=materialised.percent_complete,
        **rag,
    )
