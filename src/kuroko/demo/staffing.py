"""The demo's skills and open roles: a skills catalogue, people's levels and certifications, and
placeholder resources ("Java開発者 ×2") on upcoming tasks of a few projects, so the staffing page has
something to fill. Deterministic: its own random stream from the seed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kuroko.demo.store import bulk_insert
from kuroko.people.models import Person, PersonSkill, Skill, SkillCategory
from kuroko.projects.models import Assignment, Placeholder, Project, Task

# (category, skill, certification that may come with it)
SKILLS: list[tuple[str, str, str]] = [
    ("プログラミング言語", "Java", "Oracle Certified Java Programmer"),
    ("プログラミング言語", "COBOL", ""),
    ("プログラミング言語", "TypeScript", ""),
    ("プログラミング言語", "Python", ""),
    ("基盤", "AWS", "AWS Certified Solutions Architect"),
    ("基盤", "Oracle Database", "ORACLE MASTER Gold"),
    ("業務知識", "勘定系業務", ""),
    ("品質", "Software testing", "JSTQB Foundation"),
    ("マネジメント", "PMP", "PMP"),
]

# project code -> (placeholder name, skill, minimum level, quantity, tasks to put it on)
OPEN_ROLES: dict[str, list[tuple[str, str, int, int, int]]] = {
    "CBR-01": [("Java開発者", "Java", 3, 2, 3), ("勘定系業務SE", "勘定系業務", 4, 1, 2)],
    "CBR-03": [("AWSエンジニア", "AWS", 3, 1, 2)],
    "ECP-01": [
        ("TypeScript developer", "TypeScript", 3, 2, 2),
        ("Test engineer", "Software testing", 2, 1, 2),
    ],
}

LEVEL_WEIGHTS = (2, 3, 4, 3, 1)  # levels 1–5: most people in the middle, few experts


def build(*, seed: int, today: date) -> int:
    """Add the catalogue, people's skills and the placeholders; returns how many placeholder assignments."""
    rng = random.Random(f"{seed}:staffing")
    categories = {
        name: SkillCategory.objects.create(name=name) for name in dict.fromkeys(c for c, _s, _x in SKILLS)
    }
    skills = {
        name: skill
        for name, skill in zip(
            (s for _c, s, _x in SKILLS),
            bulk_insert([Skill(category=categories[c], name=s) for c, s, _x in SKILLS], Skill, history=True),
            strict=True,
        )
    }
    certifications = {s: cert for _c, s, cert in SKILLS}
    rows = []
    for person in Person.objects.filter(is_active=True).order_by("email", "pk"):
        for name in rng.sample(list(skills), rng.choice((1, 2, 2, 3))):
            level = rng.choices(range(1, 6), weights=LEVEL_WEIGHTS)[0]
            cert = certifications[name] if level >= 3 and rng.random() < 0.5 else ""
            # Certifications last two or three years; a few lapsed recently.
            expires = today + timedelta(days=rng.randint(-120, 900)) if cert else None
            rows.append(
                PersonSkill(
                    person=person, skill=skills[name], level=level, certification=cert, expires=expires
                )
            )
    bulk_insert(rows, PersonSkill, history=True)
    return _open_roles(rng, skills, today)


def _open_roles(rng: random.Random, skills: dict[str, Skill], today: date) -> int:
    """Placeholders on leaf tasks that have not started, a few weeks to a few months ahead."""
    created: list[Assignment] = []
    for code, roles in OPEN_ROLES.items():
        project = Project.objects.filter(code=code).first()
        if project is None:
            continue
        upcoming = list(
            Task.objects.filter(
                project=project,
                kind="task",
                percent_complete=0,
                planned_start__gt=today + timedelta(days=7),
                planned_start__lte=today + timedelta(days=120),
                duration_minutes__gt=0,
            ).order_by("row")
        )
        used: set[int] = set()
        for name, skill, level, quantity, count in roles:
            placeholder = Placeholder.objects.create(
                project=project, name=name, skill=skills[skill], min_level=level, quantity=quantity
            )
            free = [t for t in upcoming if t.pk not in used]
            for task in sorted(rng.sample(free, min(count, len(free))), key=lambda t: t.row):
                used.add(task.pk)
                units = 100 * quantity if rng.random() < 0.5 else 100  # the whole ×N, or one person
                created.append(
                    Assignment(
                        task=task,
                        placeholder=placeholder,
                        units=units,
                        work_minutes=round(task.duration_minutes * units / 100),
                    )
                )
    bulk_insert(created, Assignment, history=True)
    return len(created)
