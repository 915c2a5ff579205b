"""Building the demo organisation described in :mod:`kuroko.demo.content` and
:mod:`kuroko.demo.project_specs` into the database."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kuroko.core.models import Organisation, Role, User
from kuroko.demo import content, names, project_specs
from kuroko.demo.plan import Plan, materialise
from kuroko.demo.project_specs import ProjectSpec
from kuroko.demo.store import Counts, bulk_insert, dependency, insert_links, insert_tasks
from kuroko.demo.wbs_templates import Staff, agile_project, maintenance_project, si_project
from kuroko.demo.workdays import WorkCalendar
from kuroko.people.models import EmploymentType, Person, Team
from kuroko.projects.models import Dependency, Program, Project, ProjectMember, ProjectRole, Status

# username, role, KeyPerson key
LOGINS: list[tuple[str, Role, str]] = [
    ("admin", Role.PMO_ADMIN, "admin"),
    ("pmo", Role.PMO_MEMBER, "pmo"),
    ("pm", Role.PROJECT_MANAGER, "pm"),
    ("member", Role.TEAM_MEMBER, "member"),
    ("exec", Role.EXECUTIVE, "exec"),
]


def build(*, seed: int, today: date, password: str) -> Counts:
    """Create the demo organisation in one transaction. Refuses to run where the demo already is."""
    usernames = [username for username, _role, _key in LOGINS]
    codes = [spec.code for spec in content.PROGRAMS]
    if (
        User.objects.filter(username__in=usernames).exists()
        or Program.objects.filter(code__in=codes).exists()
    ):
        raise ValueError("The demo organisation is already in this database (its users or programs exist).")
    rng = random.Random(seed)
    with transaction.atomic():
        _organisation()
        teams = _teams()
        people, key_people = _people(rng, teams)
        users = _users(key_people, password)
        programs = {
            spec.code: Program.objects.create(code=spec.code, name=spec.name, description=spec.description)
            for spec in content.PROGRAMS
        }
        tasks, links = _projects(seed, rng, today, programs, people, key_people)
    projects = len(project_specs.PROJECTS)
    return Counts(len(programs), projects, tasks, links, len(people), len(teams), len(users))


def _organisation() -> None:
    org = Organisation.current()
    org.name = content.ORGANISATION_NAME
    org.currency = "JPY"
    org.fiscal_year_start_month = 4
    org.hours_per_day = Decimal(8)
    org.hours_per_month = Decimal(160)
    org.holiday_country = "JP"
    org.save()


def _teams() -> dict[str, Team]:
    teams: dict[str, Team] = {}
    for spec in content.TEAMS:
        teams[spec.code] = Team.objects.create(
            code=spec.code, name=spec.name, parent=teams[spec.parent] if spec.parent else None
        )
    return teams


def _person(
    name: names.Name, team: Team, employment: str, domain: str, used_emails: set[str], *, active: bool = True
) -> Person:
    local = name.romaji
    email = f"{local}@{domain}"
    number = 2
    while email in used_emails:
        email = f"{local}{number}@{domain}"
        number += 1
    used_emails.add(email)
    return Person(
        family_name=name.family,
        given_name=name.given,
        family_name_kana=name.family_kana,
        given_name_kana=name.given_kana,
        email=email,
        team=team,
        employment_type=employment,
        is_active=active,
    )


def _people(rng: random.Random, teams: dict[str, Team]) -> tuple[list[Person], dict[str, Person]]:
    """The named key people, then generated staff with names not used yet."""
    used_names: set[str] = set()
    used_emails: set[str] = set()
    people: list[Person] = []
    key_people: dict[str, Person] = {}
    for spec in content.KEY_PEOPLE:
        name = names.find(spec.name)
        used_names.add(name.display)
        person = _person(name, teams[spec.team], EmploymentType.EMPLOYEE, content.COMPANY_DOMAIN, used_emails)
        people.append(person)
        key_people[spec.key] = person
    for group in content.STAFF:
        for number in range(group.count):
            name = names.random_name(rng, foreign_share=group.foreign_share)
            while name.display in used_names:
                name = names.random_name(rng, foreign_share=group.foreign_share)
            used_names.add(name.display)
            active = number >= group.inactive
            people.append(
                _person(name, teams[group.team], group.employment, group.domain, used_emails, active=active)
            )
    bulk_insert(people, Person, history=True)
    return people, key_people


def _users(key_people: dict[str, Person], password: str) -> list[User]:
    users: list[User] = []
    encoded = make_password(password)
    for username, role, key in LOGINS:
        person = key_people[key]
        admin = role == Role.PMO_ADMIN
        user = User(
            username=username,
            role=role,
            is_staff=admin,
            is_superuser=admin,
            email=person.email,
            first_name=person.given_name,
            last_name=person.family_name,
        )
        # One hash for all: the demo password is public anyway, and each PBKDF2 round costs ~0.5 s.
        user.password = encoded
        user.save()
        person.user = user
        person.save(update_fields=["user"])
        users.append(user)
    return users


def _members(
    spec: ProjectSpec, rng: random.Random, people: list[Person], key_people: dict[str, Person]
) -> tuple[list[tuple[Person, str]], Staff]:
    """The project's members with their roles, and who owns its tasks."""
    chosen: list[tuple[Person, str]] = []
    taken: set[int] = set()

    def add(person: Person, role: str) -> None:
        if person.pk not in taken:
            taken.add(person.pk)
            chosen.append((person, role))

    add(key_people[spec.manager], ProjectRole.PROJECT_MANAGER)
    if spec.deputy:
        add(key_people[spec.deputy], ProjectRole.DEPUTY_MANAGER)
    finished = spec.status in (Status.CLOSED, Status.CANCELLED)
    named = {p.pk for p in key_people.values()}
    pool = [
        p
        for p in people
        if p.team is not None
        and p.team.code in spec.teams
        and (p.is_active or finished)
        and p.pk not in named
    ]
    employees = [p for p in pool if p.employment_type == EmploymentType.EMPLOYEE and p.is_active]
    leads = rng.sample(employees, min(spec.leads, len(employees)))
    for person in leads:
        add(person, ProjectRole.TEAM_LEAD)
    for key in spec.extra_members:
        add(key_people[key], ProjectRole.MEMBER)
    rest = [p for p in pool if p.pk not in taken]
    for person in rng.sample(rest, min(spec.members, len(rest))):
        add(person, ProjectRole.MEMBER)
    for key in spec.reviewers:
        add(key_people[key], ProjectRole.REVIEWER)
    add(key_people[spec.sponsor], ProjectRole.STAKEHOLDER)
    for key in spec.stakeholders:
        add(key_people[key], ProjectRole.STAKEHOLDER)
    staff = Staff(
        key_people[spec.manager].pk,
        leads=[p.pk for p, role in chosen if role in (ProjectRole.TEAM_LEAD, ProjectRole.DEPUTY_MANAGER)],
        members=[p.pk for p, role in chosen if role == ProjectRole.MEMBER],
        reviewers=[p.pk for p, role in chosen if role == ProjectRole.REVIEWER],
    )
    return chosen, staff


def _fiscal_year_start(today: date, start_month: int = 4) -> date:
    year = today.year if today.month >= start_month else today.year - 1
    return date(year, start_month, 1)


def _plan(
    spec: ProjectSpec,
    seed: int,
    origin: int,
    staff: Staff,
    calendar: WorkCalendar,
    today: date,
    limits: dict[str, int],
) -> tuple[Plan, dict[str, int], random.Random]:
    """The project's plan from `origin`; the same arguments give the same plan (its own random stream)."""
    rng = random.Random(f"{seed}:{spec.code}")
    plan = Plan(origin=origin)
    if spec.template == "si":
        anchors = si_project(plan, rng, staff, lang=spec.lang, modules=spec.modules, not_before=limits)
    elif spec.template == "maintenance":
        first = _fiscal_year_start(today)
        plan = Plan(origin=calendar.index(first))
        anchors = maintenance_project(plan, rng, staff, calendar, first_month=first)
    else:
        anchors = agile_project(plan, rng, staff, sprints=spec.sprints)
    return plan, anchors, rng


def _projects(
    seed: int,
    rng: random.Random,
    today: date,
    programs: dict[str, Program],
    people: list[Person],
    key_people: dict[str, Person],
) -> tuple[int, int]:
    """Plan, schedule and store every project; returns (tasks, dependencies) created."""
    calendar = WorkCalendar(today - timedelta(days=4 * 366), country="JP")
    now = calendar.index(today)
    plans: dict[str, Plan] = {}
    anchors: dict[str, dict[str, int]] = {}
    task_pks: dict[str, list[int]] = {}
    task_count = link_count = 0
    for spec in project_specs.PROJECTS:
        members, staff = _members(spec, rng, people, key_people)
        limits = {
            anchor: plans[other].items[anchors[other][other_anchor]].finish
            for anchor, (other, other_anchor) in spec.after.items()
        }
        # Plan once to learn the length, then again from the start that puts today where the spec says.
        trial, _anchors, _rng = _plan(spec, seed, 0, staff, calendar, today, {})
        origin = now - round(spec.elapsed * trial.end())
        plan, anchors[spec.code], plan_rng = _plan(spec, seed, origin, staff, calendar, today, limits)
        plans[spec.code] = plan
        if spec.status == Status.CLOSED:
            as_of = plan.end() + 1
        elif spec.stopped is not None:
            as_of = now + spec.stopped
        else:
            as_of = now - spec.slip
        plan.apply_progress(as_of, plan_rng)
        materialised = materialise(plan, calendar)
        rag = {f"rag_{dim}": colour for dim, (colour, _reason) in spec.rag.items()}
        reasons = {f"rag_{dim}_reason": reason for dim, (_colour, reason) in spec.rag.items()}
        project = Project.objects.create(
            code=spec.code,
            name=spec.name,
            description=spec.description,
            program=programs[spec.program],
            manager=key_people[spec.manager],
            sponsor=key_people[spec.sponsor],
            status=spec.status,
            priority=spec.priority,
            budget=Decimal(spec.budget),
            planned_start=materialised.planned_start,
            planned_finish=materialised.planned_finish,
            percent_complete=materialised.percent_complete,
            **rag,
            **reasons,
        )
        bulk_insert(
            [ProjectMember(project=project, person=p, role=role) for p, role in members],
            ProjectMember,
            history=True,
        )
        pks = insert_tasks([(project.pk, materialised)], history=True)[0]
        task_pks[spec.code] = pks
        task_count += len(pks)
        link_count += insert_links([(plan.links, pks)], history=True)
    cross = [
        dependency(
            task_pks[other][anchors[other][other_anchor]],
            task_pks[spec.code][anchors[spec.code][anchor]],
        )
        for spec in project_specs.PROJECTS
        for anchor, (other, other_anchor) in spec.after.items()
    ]
    bulk_insert(cross, Dependency, history=True)
    return task_count, link_count + len(cross)
