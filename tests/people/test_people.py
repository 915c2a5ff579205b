"""People directory (search, team filter with sub-teams), person pages (only the projects the viewer may
see), and the people/team services (PMO only, delete refused for people on projects, no team cycles)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kuroko.core.versioning import ConflictError
from kuroko.people import services
from kuroko.people.models import Person, Team
from kuroko.projects import services as project_services
from kuroko.projects.models import ProjectRole
from tests.conftest import signed_in
from tests.factories import PersonFactory, TeamFactory


def listed(html: str) -> list[str]:
    """Names of the people in the directory table, top to bottom."""
    return re.findall(r'<td><a href="/people/\d+/">([^<]+)</a>', html)


@pytest.fixture
def org(world) -> dict[str, Any]:
    """Engineering ▸ Web ▸ Frontend, plus Sales; one person in each, and one inactive person."""
    eng = TeamFactory(code="ENG", name="Engineering")
    web = TeamFactory(code="WEB", name="Web", parent=eng)
    front = TeamFactory(code="FE", name="Frontend", parent=web)
    sales = TeamFactory(code="SAL", name="Sales")
    people = {
        "eng": PersonFactory(
            family_name="Sato",
            given_name="Ken",
            family_name_kana="さとう",
            team=eng,
            email="ken.sato@example.com",
        ),
        "web": PersonFactory(family_name="Suzuki", given_name="Aoi", team=web, employment_type="contractor"),
        "front": PersonFactory(family_name="Takahashi", given_name="Ren", team=front),
        "sales": PersonFactory(family_name="Ito", given_name="Mio", team=sales),
        "gone": PersonFactory(family_name="Watanabe", given_name="Sho", team=front, is_active=False),
    }
    return {
        "eng": eng,
        "web": web,
        "front": front,
        "sales": sales,
        **{f"p_{k}": v for k, v in people.items()},
    }


# --- directory --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("q=sato", ["Ken Sato"]),  # family name
        ("q=さとう", ["Ken Sato"]),  # reading
        ("q=ken.sato@", ["Ken Sato"]),  # email
        ("q=AOI", ["Aoi Suzuki"]),  # case-insensitive given name
        ("employment_type=contractor", ["Aoi Suzuki"]),
        ("team={sales}", ["Mio Ito"]),
        ("team={front}", ["Ren Takahashi"]),  # inactive people hidden by default
        ("team={front}&inactive=1", ["Ren Takahashi", "Sho Watanabe"]),
    ],
)
def test_directory_search_and_filters(world, org, query, names):
    """The directory finds people by name, reading, email, employment type and team."""
    html = (
        signed_in(world.member).get("/people/?" + query.format(**{k: v.pk for k, v in org.items()})).content
    )
    assert sorted(listed(html.decode())) == sorted(names)


def test_directory_team_filter_includes_sub_teams(world, org):
    """Filtering by a team lists the people of its sub-teams at every depth."""
    html = signed_in(world.outsider).get(f"/people/?team={org['eng'].pk}").content.decode()
    assert sorted(listed(html)) == ["Aoi Suzuki", "Ken Sato", "Ren Takahashi"]
    html = signed_in(world.outsider).get(f"/people/?team={org['web'].pk}").content.decode()
    assert sorted(listed(html)) == ["Aoi Suzuki", "Ren Takahashi"]


def test_directory_htmx_returns_the_results_fragment(world, org):
    """With HX-Request the directory returns only #results."""
    response = signed_in(world.member).get("/people/?q=sato", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert listed(html) == ["Ken Sato"]


def test_directory_is_for_signed_in_users(world):
    """Anonymous visitors are sent to the login page."""
    response = Client().get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_directory_query_count_does_not_grow(world, django_assert_num_queries):
    """The directory takes the same number of queries for 5 and for 60 people."""
    client = signed_in(world.member)
    client.get("/people/")
    with CaptureQueriesContext(connection) as small:
        client.get("/people/")
    for _ in range(55):
        PersonFactory(team=TeamFactory(parent=world.member.person.team))
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get("/people/").content.decode()
    assert len(listed(html)) == 50


# --- person page ------------------------------------------------------------------------------------


@pytest.fixture
def busy(world) -> Person:
    """A person on ALPHA and BETA, owning an open task in each."""
    person = PersonFactory(family_name="Kobayashi", given_name="Yui")
    for project in (world.project, world.other):
        project_services.member_add(
            actor=world.admin, project=project, person=person, role=ProjectRole.REVIEWER
        )
        project_services.task_create(
            actor=world.admin, project=project, data={"name": f"{project.code} check", "owner": person}
        )
    return person


def _project_codes(html: str) -> list[str]:
    section = html.split("<h2>Projects</h2>", 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/projects/([^/"]+)/"><code>', section)


@pytest.mark.parametrize(
    ("role", "codes", "tasks"),
    [
        ("pmo", ["ALPHA", "BETA"], ["ALPHA check", "BETA check"]),
        ("executive", ["ALPHA", "BETA"], ["ALPHA check", "BETA check"]),
        ("member", ["ALPHA"], ["ALPHA check"]),
        ("pm", ["ALPHA"], ["ALPHA check"]),
        ("outsider", [], []),
    ],
)
def test_person_page_lists_only_projects_the_viewer_may_see(world, busy, role, codes, tasks):
    """A person's projects and open tasks are limited to the projects the viewer may read."""
    response = signed_in(world.user(role)).get(f"/people/{busy.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yui Kobayashi" in html
    assert _project_codes(html) == codes
    for name in ("ALPHA check", "BETA check"):
        assert (name in html) == (name in tasks), name
    if not codes:
        assert "Not on any project you can see." in html


def test_person_page_shows_the_role_and_team_path(world, org):
    """The person page shows their project role and the team breadcrumb from the top team."""
    html = signed_in(world.pmo).get(f"/people/{world.pm.person.pk}/").content.decode()
    assert "Project manager" in html
    html = signed_in(world.pmo).get(f"/people/{org['p_front'].pk}/").content.decode()
    crumbs = re.findall(r'<a href="/people/\?team=\d+">([^<]+)</a>', html)
    assert crumbs == ["Engineering", "Web", "Frontend"]


def test_person_history_lists_changes(world, org):
    """The history page shows who changed which field."""
    person = org["p_sales"]
    services.person_update(
        actor=world.pmo, person=person, data={"email": "mio@example.com"}, expected_version=person.version
    )
    html = signed_in(world.member).get(f"/people/{person.pk}/history/").content.decode()
    assert "mio@example.com" in html


# --- services ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("pmo", True),
        ("pm", False),
        ("member", False),
        ("executive", False),
        ("outsider", False),
    ],
)
def test_only_the_pmo_maintains_people(world, role, allowed):
    """Creating, updating and deleting people is for the PMO; others get PermissionDenied and no change."""
    actor = world.user(role)
    person = PersonFactory(family_name="Target")
    count = Person.objects.count()
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.person_create(actor=actor, data={"family_name": "New"})
        with pytest.raises(PermissionDenied):
            services.person_update(
                actor=actor, person=person, data={"given_name": "X"}, expected_version=person.version
            )
        with pytest.raises(PermissionDenied):
            services.person_delete(actor=actor, person=person)
        assert Person.objects.count() == count
        assert Person.objects.get(pk=person.pk).given_name == person.given_name
        return
    created = services.person_create(actor=actor, data={"family_name": "New", "team": person.team})
    assert created.pk and created.version == 1
    updated = services.person_update(
        actor=actor, person=person, data={"given_name": "X"}, expected_version=person.version
    )
    assert (updated.given_name, updated.version) == ("X", person.version + 1)
    services.person_delete(actor=actor, person=person)
    assert not Person.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("link", ["member", "owner", "manager"])
def test_person_on_projects_cannot_be_deleted(world, link):
    """A project member, task owner or project manager is not deleted (mark them inactive instead)."""
    person = PersonFactory(family_name="Busy")
    if link == "member":
        project_services.member_add(actor=world.admin, project=world.other, person=person)
    elif link == "owner":
        project_services.task_create(
            actor=world.admin, project=world.other, data={"name": "t", "owner": person}
        )
    else:
        project_services.project_create(
            actor=world.admin, data={"code": "MGR", "name": "m", "manager": person}
        )
    with pytest.raises(ValidationError, match="inactive"):
        services.person_delete(actor=world.admin, person=person)
    assert Person.objects.filter(pk=person.pk).exists()


def test_person_update_with_stale_version_conflicts(world, org):
    """Updating a person from an old version raises ConflictError naming the changed field."""
    person = org["p_sales"]
    services.person_update(
        actor=world.pmo, person=person, data={"given_name": "Mi"}, expected_version=person.version
    )
    with pytest.raises(ConflictError) as info:
        services.person_update(
            actor=world.admin, person=person, data={"email": "x@example.com"}, expected_version=person.version
        )
    assert [c.field for c in info.value.changes] == ["given_name"]
    assert Person.objects.get(pk=person.pk).email == person.email


def test_only_the_pmo_maintains_teams(world, org):
    """Team writes are PMO-only."""
    for role in ("pm", "member", "executive"):
        with pytest.raises(PermissionDenied):
            services.team_create(actor=world.user(role), data={"code": "NEW", "name": "New"})
        with pytest.raises(PermissionDenied):
            services.team_update(
                actor=world.user(role),
                team=org["sales"],
                data={"name": "X"},
                expected_version=org["sales"].version,
            )
    assert not Team.objects.filter(code="NEW").exists()
    assert services.team_create(actor=world.pmo, data={"code": "NEW", "name": "New", "parent": org["eng"]}).pk


@pytest.mark.parametrize("new_parent", ["self", "child", "grandchild"])
def test_team_cycle_is_refused(world, org, new_parent):
    """A team cannot be moved under itself or any of its sub-teams; the tree stays as it was."""
    target = {"self": org["eng"], "child": org["web"], "grandchild": org["front"]}[new_parent]
    with pytest.raises(ValidationError) as info:
        services.team_update(
            actor=world.pmo, team=org["eng"], data={"parent": target}, expected_version=org["eng"].version
        )
    assert "parent" in info.value.message_dict
    assert Team.objects.get(pk=org["eng"].pk).parent_id is None


def test_team_can_move_under_an_unrelated_team(world, org):
    """Moving a team under a team outside its subtree is allowed."""
    moved = services.team_update(
        actor=world.pmo, team=org["web"], data={"parent": org["sales"]}, expected_version=org["web"].version
    )
    assert Team.objects.get(pk=moved.pk).parent_id == org["sales"].pk


def test_team_with_members_or_sub_teams_cannot_be_deleted(world, org):
    """Deleting a team that still has members or sub-teams is refused."""
    with pytest.raises(ValidationError):
        services.team_delete(actor=world.pmo, team=org["eng"])
    with pytest.raises(ValidationError):
        services.team_delete(actor=world.pmo, team=org["sales"])
    empty = TeamFactory()
    services.team_delete(actor=world.pmo, team=empty)
    assert Team.objects.filter(pk__in=[org["eng"].pk, org["sales"].pk]).count() == 2
    assert not Team.objects.filter(pk=empty.pk).exists()
