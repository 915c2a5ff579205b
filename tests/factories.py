"""factory-boy factories for the domain models."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from kuroko.core.models import Role, User
from kuroko.people.models import Person, Team
from kuroko.projects.models import Program, Project, ProjectMember, ProjectRole, Status, Task


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")
    role = Role.TEAM_MEMBER


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Team {n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    team = factory.SubFactory(TeamFactory)


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    code = factory.Sequence(lambda n: f"PG{n}")
    name = factory.Sequence(lambda n: f"Program {n}")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"PRJ-{n:03d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    program = factory.SubFactory(ProgramFactory)
    status = Status.ACTIVE


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)
    role = ProjectRole.MEMBER


class TaskFactory(DjangoModelFactory):
    """A raw task row; use kuroko.projects.services.task_create when derived fields matter."""

    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    duration_minutes = 480


# --- RAID ---------------------------------------------------------------------------------------------


def _raised_on():
    from datetime import date

    return date(2026, 4, 1)


class RiskFactory(DjangoModelFactory):
    """A raw risk row, scored on the current matrix; use kuroko.raid.services.risk_create for the rules
    and the number."""

    class Meta:
        model = "raid.Risk"

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Risk {n}")
    raised_on = factory.LazyFunction(_raised_on)
    probability = 3
    impact_cost = 3

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from kuroko.raid.services import risk_score

        risk = model_class(*args, **kwargs)
        risk_score(risk)
        risk.save()
        return risk


# --- RAID registers (issues, action items, decisions, change requests) ------------------------------


class IssueFactory(DjangoModelFactory):
    """A raw issue row; use kuroko.raid.services.issue_create when numbering and checks matter."""

    class Meta:
        model = "raid.Issue"

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Issue {n}")
    raised_on = factory.LazyFunction(date.today)


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = "raid.ActionItem"

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Action {n}")


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = "raid.Decision"

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Decision {n}")


class ChangeRequestFactory(DjangoModelFactory):
    class Meta:
        model = "raid.ChangeRequest"

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Change {n}")
    requested_on = factory.LazyFunction(date.today)


# --- schedule risk analysis (raid.models.simulation) ---


class TaskEstimateFactory(DjangoModelFactory):
    """A three-point estimate: 0.9 / 1.0 / 1.5 × the task's duration by default."""

    class Meta:
        model = "raid.TaskEstimate"

    task = factory.SubFactory(TaskFactory)
    minimum_minutes = factory.LazyAttribute(lambda o: int(o.task.duration_minutes * 0.9))
    most_likely_minutes = factory.LazyAttribute(lambda o: o.task.duration_minutes)
    maximum_minutes = factory.LazyAttribute(lambda o: int(o.task.duration_minutes * 1.5))
    distribution = "pert"


class CorrelationGroupFactory(DjangoModelFactory):
    class Meta:
        model = "raid.CorrelationGroup"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    coefficient = "0.50"

    @factory.post_generation
    def tasks(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.tasks.set(extracted)


# --- Governance: templates (part A) ---------------------------------------------------------------


def template_content(*, security_review: bool = False) -> dict:
    """A small waterfall template document: two phases with criteria, five tasks, two roles."""
    tasks = [
        {"key": "req", "name": "Requirements", "parent": ""},
        {"key": "busreq", "name": "Business requirements", "parent": "req", "duration_days": 5, "role": "se"},
        {"key": "req_done", "name": "Requirements complete", "parent": "req", "milestone": True},
        {"key": "design", "name": "Design", "parent": ""},
        {
            "key": "screens",
            "name": "Screen design",
            "parent": "design",
            "duration_days": 4,
            "role": "pg",
            "work_hours": 24,
        },
    ]
    links = [
        {"predecessor": "busreq", "successor": "req_done"},
        {"predecessor": "req_done", "successor": "screens", "type": "FS", "lag_days": 1},
    ]
    if security_review:
        tasks.append(
            {
                "key": "secreview",
                "name": "Security review",
                "parent": "design",
                "duration_days": 2,
                "role": "se",
            }
        )
        links.append({"predecessor": "screens", "successor": "secreview"})
    deliverables = [
        {"key": "reqdoc", "phase": "p_req", "name": "Requirements specification"},
        {"key": "designdoc", "phase": "p_design", "name": "Basic design document"},
    ]
    if security_review:
        deliverables.append({"key": "secreport", "phase": "p_design", "name": "Security review report"})
    return {
        "phases": [
            {
                "key": "p_req",
                "name": "Requirements",
                "summary_task": "req",
                "criteria": [
                    {"key": "c1", "kind": "checklist", "text": "Customer review done"},
                    {
                        "key": "c2",
                        "kind": "deliverable",
                        "text": "Specification approved",
                        "deliverable": "reqdoc",
                    },
                    {
                        "key": "c3",
                        "kind": "metric",
                        "text": "SPI ≥ 0.9",
                        "metric": "spi",
                        "operator": ">=",
                        "threshold": "0.9",
                    },
                ],
            },
            {"key": "p_design", "name": "Design", "summary_task": "design", "criteria": []},
        ],
        "tasks": tasks,
        "links": links,
        "roles": [
            {"key": "se", "name": "Systems engineer", "units_percent": 100},
            {"key": "pg", "name": "Programmer", "units_percent": 50},
        ],
        "deliverables": deliverables,
        "risks": [
            {
                "key": "r1",
                "title": "Requirements change late",
                "category": "scope",
                "probability": 3,
                "impact": 4,
                "response": "Freeze the scope at the gate.",
            }
        ],
        "report": {},
    }


def published_template(*, code: str = "WF", actor=None, versions: int = 1):
    """A template with `versions` published versions (v2 adds a security review task and deliverable)."""
    from django.utils import timezone

    from kuroko.governance.models import ProjectTemplate, TemplateVersion
    from kuroko.projects.models import ProjectType

    kind, _new = ProjectType.objects.get_or_create(code="SI", defaults={"name": "System integration"})
    template = ProjectTemplate.objects.create(code=code, name=f"Template {code}", project_type=kind)
    for number in range(1, versions + 1):
        TemplateVersion.objects.create(
            template=template,
            number=number,
            status="published",
            content=template_content(security_review=number > 1),
            published_at=timezone.now(),
            created_by=actor,
        )
    return template
