"""Shared fixtures: role personas on a small organisation with two projects."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from kuroko.core.i18n import compile_catalogs

compile_catalogs()

# In CI every property test explores the same examples on every run: a red build then means a change
# broke something, not that the random search got lucky. Locally the search stays random.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Clients are reused: building one loads the middleware, and WhiteNoise scans all static files then.
_CLIENTS: dict[str, Any] = {}


def signed_in(user: Any) -> Any:
    """A test client signed in as `user` (one per username, cookies reset)."""
    from django.test import Client

    client = _CLIENTS.setdefault(user.username, Client())
    client.cookies.clear()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _english(request):
    """Tests assert English text unless they switch language themselves (no-op without Django)."""
    if request.config.pluginmanager.hasplugin("django"):
        request.getfixturevalue("settings").LANGUAGE_CODE = "en"


@dataclass
class World:
    """Two projects and one account per role.

    - `pm` manages `project` (not `other`); `member` belongs to `project` and owns `owned_task`;
    - `outsider` is a team member of neither project; `other` has no one but the PMO and executive.
    """

    admin: Any
    pmo: Any
    pm: Any
    member: Any
    executive: Any
    outsider: Any
    project: Any
    other: Any
    summary: Any
    owned_task: Any
    plain_task: Any
    other_task: Any

    def user(self, role: str) -> Any:
        return getattr(self, role)


ROLES = ["admin", "pmo", "pm", "member", "executive", "outsider"]


@pytest.fixture
def world(db) -> World:
    from kuroko.core.models import Role
    from kuroko.projects import services
    from kuroko.projects.models import ProjectRole
    from tests.factories import PersonFactory, ProgramFactory, UserFactory

    def account(name: str, role: str, **extra: Any) -> Any:
        user = UserFactory(username=name, role=role, **extra)
        PersonFactory(family_name=name.title(), user=user)
        return user

    admin = account("admin", Role.PMO_ADMIN, is_staff=True, is_superuser=True)
    pmo = account("pmo", Role.PMO_MEMBER)
    pm = account("pm", Role.PROJECT_MANAGER)
    member = account("member", Role.TEAM_MEMBER)
    executive = account("executive", Role.EXECUTIVE)
    outsider = account("outsider", Role.TEAM_MEMBER)
    program = ProgramFactory(code="PG1", name="Core")
    project = services.project_create(
        actor=admin,
        data={
            "code": "ALPHA",
            "name": "Alpha",
            "program": program,
            "manager": pm.person,
            "status": "active",
        },
    )
    other = services.project_create(
        actor=admin,
        data={
            "code": "BETA",
            "name": "Beta",
            "program": program,
            "status": "active",
        },
    )
    services.member_add(actor=admin, project=project, person=member.person, role=ProjectRole.MEMBER)
    summary = services.task_create(actor=admin, project=project, data={"name": "Design"})
    owned = services.task_create(
        actor=admin,
        project=project,
        parent=summary,
        data={"name": "Screens", "duration_minutes": 2400, "owner": member.person},
    )
    plain = services.task_create(
        actor=admin, project=project, parent=summary, data={"name": "Review", "duration_minutes": 960}
    )
    other_task = services.task_create(actor=admin, project=other, data={"name": "Beta work"})
    for obj in (summary, owned, plain, other_task, project, other):
        obj.refresh_from_db()
    # Setting up told the member and the PM they joined the team and own a task: tests start from an empty
    # inbox.
    from kuroko.core.models import Notification

    Notification.objects.all().delete()
    return World(
        admin, pmo, pm, member, executive, outsider, project, other, summary, owned, plain, other_task
    )


@pytest.fixture
def portfolio(world) -> dict[str, Any]:
    """Five more projects over two programs, statuses, managers and RAG colours (for list filters)."""
    from decimal import Decimal

    from tests.factories import PersonFactory, ProgramFactory, ProjectFactory

    growth = ProgramFactory(code="PG7", name="Growth")
    manager = PersonFactory(family_name="Kimura")
    rows = [
        ("P-01", "Payroll upgrade", growth, "proposed", "red", 300, None),
        ("P-02", "Warehouse robots", growth, "active", "green", 100, manager),
        ("P-03", "Payment gateway", world.project.program, "closed", "amber", 200, manager),
        ("P-04", "Intranet", growth, "active", "", 400, None),
        ("P-05", "Data lake", world.project.program, "on_hold", "green", 500, None),
    ]
    for code, name, program, status, rag, budget, pm in rows:
        ProjectFactory(
            code=code,
            name=name,
            program=program,
            status=status,
            rag_overall=rag,
            budget=Decimal(budget),
            manager=pm,
            description="payments" if code == "P-04" else "",
        )
    return {"manager": manager}
