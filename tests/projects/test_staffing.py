"""Staffing: candidates for a placeholder, who is free, the optimal proposal and applying it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.people import services as people_services
from kuroko.projects import services
from kuroko.projects.models import Assignment, Placeholder, Task
from kuroko.projects.selectors import staffing as selectors
from kuroko.projects.services.staffing import staffing_apply, staffing_proposal
from tests.api.test_api import Api
from tests.conftest import signed_in
from tests.factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 4, 6)


@dataclass
class Staff:
    """The people, skill, placeholder and placeholder assignments of the staffing tests."""

    java: Any
    aoki: Any  # Java 5, free
    baba: Any  # Java 3, fully booked that week on BETA
    chiba: Any  # Java 2: below the minimum
    doi: Any  # Java 4 with a certification that expired before the task
    eto: Any  # Java 3, half-time
    developer: Any  # placeholder "Java developer", level ≥ 3, ×2
    screens: Any  # placeholder assignment on Screens (5 days, Mon 6 – Fri 10 April), 200 %: two slots
    review: Any  # placeholder assignment on Review (2 days, 6–7 April), 50 %: one slot


def person(name: str, team: Any = None) -> Any:
    return PersonFactory(family_name=name, given_name="", team=team)


@pytest.fixture
def staff(world) -> Staff:
    return make_staff(world)


def make_staff(world) -> Staff:
    """Skills, five developers, a placeholder and its assignments on Screens and Review (week of 6 April)."""
    admin = world.admin
    for project in (world.project, world.other):
        services.project_update(
            actor=admin, project=project, data={"planned_start": MONDAY}, expected_version=None
        )
    java = people_services.skill_create(actor=admin, category="Languages", name="Java")
    team = TeamFactory(code="DEV", name="Developers")
    aoki, baba, chiba, doi, eto = (person(n, team) for n in ("Aoki", "Baba", "Chiba", "Doi", "Eto"))
    for who, level in ((aoki, 5), (baba, 3), (chiba, 2), (eto, 3)):
        people_services.person_skill_set(actor=admin, person=who, skill=java, level=level)
    people_services.person_skill_set(
        actor=admin, person=doi, skill=java, level=4, certification="Oracle Java", expires=date(2026, 1, 1)
    )
    people_services.availability_add(actor=admin, person=eto, data={"start": date(2026, 1, 1), "percent": 50})
    # Baba works full time on BETA that week.
    beta_work = services.task_create(
        actor=admin, project=world.other, data={"name": "Beta build", "duration_minutes": 5 * 480}
    )
    services.assignment_set(actor=admin, task=beta_work, person=baba)
    developer = services.placeholder_create(
        actor=admin,
        project=world.project,
        data={"name": "Java developer", "skill": java, "min_level": 3, "quantity": 2},
    )
    screens = services.assignment_set(
        actor=world.pm, task=Task.objects.get(pk=world.owned_task.pk), placeholder=developer, units=200
    )
    review = services.assignment_set(
        actor=world.pm, task=Task.objects.get(pk=world.plain_task.pk), placeholder=developer, units=50
    )
    return Staff(java, aoki, baba, chiba, doi, eto, developer, screens, review)


def assignments() -> list[tuple]:
    """Every assignment row, for before/after comparisons."""
    return list(
        Assignment.objects.order_by("pk").values_list(
            "pk", "task_id", "person_id", "placeholder_id", "units", "work_minutes", "contour", "booking"
        )
    )


# --- selectors --------------------------------------------------------------------------------------


def test_slots_share_units_and_work():
    """×2 at 200 % is two slots of 100 %; at 100 % one slot; at 250 % (×3) 84 + 83 + 83; never above ×N."""

    def shares(units, quantity, work=1000):
        row = Assignment(units=units, work_minutes=work, placeholder=Placeholder(quantity=quantity))
        return [(s.units, s.work_minutes) for s in selectors.slots_of(row)]

    assert shares(200, 2) == [(100, 500), (100, 500)]
    assert shares(100, 2) == [(100, 1000)]
    assert shares(250, 3, 1001) == [(84, 334), (83, 334), (83, 333)]
    assert shares(400, 2) == [(200, 500), (200, 500)]
    assert shares(50, 1) == [(50, 1000)]


def test_candidates_ranked_by_skill_and_free_time_with_reasons(world, staff):
    """Aoki (Java 5, free) comes first, then Eto (Java 3, half-time); Baba is fully booked, Chiba below
    the level, Doi's certification expired, the others lack Java: none of them is a candidate."""
    found = selectors.staffing_candidates(world.pm, staff.screens)
    assert [c.person for c in found] == [staff.aoki, staff.eto]
    aoki, eto = found
    assert aoki.level == 5 and aoki.excess == 2
    assert aoki.free_percent == pytest.approx(100) and aoki.working_days == 5
    assert aoki.needed_minutes == 5 * 480  # one slot of two: 100 % of the 5-day task
    assert aoki.fits and aoki.score == 80  # 0.4 × (4 − 2) / 4 = 0.2
    assert aoki.reasons == ("Java level 5 (needs 3)", "free 100 % of 5 days")
    assert eto.capacity_minutes == pytest.approx(5 * 240)
    assert eto.reasons[:2] == ("Java level 3 (needs 3)", "free 100 % of 5 days")
    assert not eto.fits and eto.score == 30  # 0.4 × 1 + 0.6 × 0.5
    assert "free time covers 50 % of the work" in eto.reasons
    assert selectors.staffing_candidates(world.pm, staff.screens, limit=1) == [aoki]


def test_judge_gives_the_reason_a_person_is_refused(world, staff):
    """Each refused person has a reason a PMO can act on."""
    pool = selectors.pool_for([staff.screens])
    slot = selectors.slots_of(staff.screens)[0]
    said = {p.family_name: selectors.judge(pool, slot, p) for p in (staff.baba, staff.chiba, staff.doi)}
    assert said["Baba"].reason == "fully booked in the task's period"
    assert said["Chiba"].reason == "Java level 2, needs 3"
    assert said["Doi"].reason == "certification Oracle Java expired on 2026-01-01"
    assert selectors.judge(pool, slot, world.member.person).reason == "no Java"


def test_a_placeholder_without_a_skill_takes_anyone_free(world, staff):
    """No skill asked: every active person with free time is a candidate, ranked by free time only."""
    helper = services.placeholder_create(actor=world.pm, project=world.project, data={"name": "Helper"})
    row = services.assignment_set(actor=world.pm, task=staff.review.task, placeholder=helper)
    found = selectors.staffing_candidates(world.pm, row)
    names = {c.person.family_name for c in found}
    assert {"Aoki", "Chiba", "Doi", "Pm", "Member"} <= names and "Baba" not in names
    assert all(c.level is None for c in found)
    assert found[0].score == 100 and found[-1].person == staff.eto  # half-time: covers half the work


def test_candidates_leave_out_people_already_on_the_task(world, staff):
    """Aoki assigned to Screens by name is no candidate for its placeholder any more."""
    services.assignment_set(actor=world.pm, task=staff.screens.task, person=staff.aoki)
    assert [c.person for c in selectors.staffing_candidates(world.pm, staff.screens)] == [staff.eto]


def test_candidates_need_a_readable_project_and_a_placeholder(world, staff):
    """An outsider may not look; a named person's assignment has no candidates."""
    with pytest.raises(PermissionDenied):
        selectors.staffing_candidates(world.outsider, staff.screens)
    named = services.assignment_set(actor=world.pm, task=staff.review.task, person=world.member.person)
    with pytest.raises(ValidationError) as info:
        selectors.staffing_candidates(world.pm, named)
    assert "assignment" in info.value.message_dict


def test_who_is_free(world, staff):
    """Five working days from Monday 6 April: Aoki is free, Eto half (capacity is halved, so 100 % of
    it is free), Baba is not; a skill and level narrow it; a team and its sub-teams filter it."""
    result = selectors.who_is_free(world.member, start=MONDAY, days=5, skill=staff.java, min_level=3)
    assert (result.first, result.last) == (MONDAY, date(2026, 4, 10))
    rows = {r.person.family_name: r for r in result.people}
    assert set(rows) == {"Aoki", "Eto"}  # Baba booked, Chiba level 2, Doi expired
    assert rows["Aoki"].free_minutes == pytest.approx(5 * 480) and rows["Aoki"].level == 5
    assert rows["Eto"].free_percent == pytest.approx(100) and rows["Eto"].free_minutes == pytest.approx(1200)
    everyone = selectors.who_is_free(world.member, start=MONDAY, days=5, min_free_percent=0)
    assert "Baba" in {r.person.family_name for r in everyone.people}
    assert next(r for r in everyone.people if r.person == staff.baba).free_percent == pytest.approx(0)
    sub = TeamFactory(code="DEV-1", name="Java squad", parent=staff.aoki.team)
    staff.eto.team = sub
    staff.eto.save()
    in_team = selectors.who_is_free(world.member, start=MONDAY, days=5, team=staff.aoki.team_id)
    assert {r.person.family_name for r in in_team.people} == {"Aoki", "Chiba", "Doi", "Eto"}


def test_who_is_free_counts_working_days_of_the_organisation_calendar(world):
    """Three working days from Friday 24 April 2026 skip the weekend and Shōwa Day (29 April is Wed)."""
    result = selectors.who_is_free(world.member, start=date(2026, 4, 24), days=3)
    assert (result.first, result.last) == (date(2026, 4, 24), date(2026, 4, 28))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": 0}, "days"),  # no working days
        ({"days": 1000}, "days"),  # beyond a working year
        ({"min_level": 6}, "min_level"),  # levels are 1–5
        ({"min_free_percent": 120}, "min_free_percent"),  # a share above 100 %
    ],
)
def test_who_is_free_refuses_bad_input(world, kwargs, field):
    """Bad parameters name the field."""
    with pytest.raises(ValidationError) as info:
        selectors.who_is_free(world.member, **({"start": MONDAY, "days": 5} | kwargs))
    assert field in info.value.message_dict


# --- services ------------------------------------------------------------------------------------


def test_proposal_fills_slots_optimally_and_says_why_one_stays_open(world, staff):
    """Screens (two slots) and Review overlap, and only Aoki and Eto qualify: two of three slots are
    filled, at the least total cost, and the open one says why. Nothing is saved."""
    before = assignments()
    proposal = staffing_proposal(actor=world.pm, project=world.project)
    assert assignments() == before
    assert proposal.slots == 3
    # Aoki on Screens (0.4 × 2/4 = 0.2) and Eto on Review (half-time covers the 50 % of 2 days: 0.4)
    # cost 0.6; filling Screens' two slots in order (Aoki, then Eto at 0.4 + 0.6 × 0.5) would cost 0.9.
    assert [(f.slot.task.name, f.person) for f in proposal.fills] == [
        ("Screens", staff.aoki),
        ("Review", staff.eto),
    ]
    assert sum(f.candidate.cost for f in proposal.fills) == pytest.approx(0.6)
    assert proposal.choices == [(staff.screens.pk, staff.aoki.pk), (staff.review.pk, staff.eto.pk)]
    [open_slot] = proposal.unfilled
    assert open_slot.slot.task.name == "Screens" and open_slot.slot.index == 1
    assert open_slot.reason == (
        "Everyone who could fill it is proposed for another slot at the same time (Aoki, Eto)."
    )


def test_proposal_reuses_people_on_tasks_that_do_not_overlap(world, staff):
    """Review moved to the next week: Aoki can do Screens and then Review."""
    task = Task.objects.get(pk=world.plain_task.pk)
    services.dependency_create(actor=world.admin, predecessor=staff.screens.task, successor=task)
    proposal = staffing_proposal(actor=world.pm, project=world.project)
    assert not proposal.unfilled
    by_task = {}
    for fill in proposal.fills:
        by_task.setdefault(fill.slot.task.name, set()).add(fill.person)
    assert by_task == {"Screens": {staff.aoki, staff.eto}, "Review": {staff.aoki}}


def test_proposal_says_when_nobody_has_the_skill(world, staff):
    """A placeholder for a skill nobody has stays open with that reason."""
    cobol = people_services.skill_create(actor=world.admin, category="Languages", name="COBOL")
    old = services.placeholder_create(
        actor=world.pm, project=world.project, data={"name": "COBOL developer", "skill": cobol}
    )
    row = services.assignment_set(actor=world.pm, task=staff.review.task, placeholder=old)
    proposal = staffing_proposal(actor=world.pm, project=world.project, placeholder_assignment_ids=[row.pk])
    assert proposal.fills == []
    assert proposal.unfilled[0].reason == "Nobody active has COBOL at level 1 or above."


def test_proposal_says_when_everyone_qualified_is_busy(world, staff):
    """Aoki and Eto already on Review, Baba booked: Review's placeholder slot stays open with that reason."""
    for who in (staff.aoki, staff.eto):
        services.assignment_set(actor=world.pm, task=staff.review.task, person=who)
    proposal = staffing_proposal(
        actor=world.pm, project=world.project, placeholder_assignment_ids=[staff.review.pk]
    )
    assert [u.reason for u in proposal.unfilled] == [
        "Everyone with the skill is fully booked, away or already on the task in its period."
    ]


def test_proposal_permissions_and_unknown_ids(world, staff):
    """Only who edits the project asks for a proposal; unknown ids name the field."""
    with pytest.raises(PermissionDenied):
        staffing_proposal(actor=world.member, project=world.project)
    with pytest.raises(ValidationError) as info:
        staffing_proposal(actor=world.pm, project=world.project, placeholder_assignment_ids=[999999])
    assert "placeholder_assignment_ids" in info.value.message_dict


def test_apply_replaces_placeholders_keeping_units_work_contour_and_booking(world, staff):
    """Applying the proposal gives each person their slot's share; the filled placeholder assignments
    go, the open slot stays on the placeholder with its share."""
    Assignment.objects.filter(pk=staff.screens.pk).update(contour="back", booking="tentative")
    proposal = staffing_proposal(actor=world.pm, project=world.project)
    created = staffing_apply(actor=world.pm, project=world.project, choices=proposal.choices)
    assert len(created) == 2
    screens = Assignment.objects.filter(task=staff.screens.task)
    aoki = screens.get(person=staff.aoki)
    assert (aoki.units, aoki.work_minutes, aoki.contour, aoki.booking) == (100, 5 * 480, "back", "tentative")
    left = screens.get(placeholder=staff.developer)
    assert (left.units, left.work_minutes) == (100, 5 * 480)  # one slot left on Screens
    review = Assignment.objects.get(task=staff.review.task)
    assert review.person == staff.eto and review.placeholder is None
    assert (review.units, review.work_minutes) == (50, 480)
    assert selectors.open_assignments(world.project) == [left]
    task = Task.objects.get(pk=staff.screens.task.pk)
    assert task.duration_minutes == 5 * 480  # work followed the duration: the task keeps it


@pytest.mark.parametrize(
    ("choose", "field", "words"),
    [
        (lambda s: [(s.screens.pk, s.chiba.pk)], "person_id", "Chiba cannot fill Java developer"),
        (lambda s: [(s.screens.pk, s.doi.pk)], "person_id", "expired"),
        (lambda s: [(s.screens.pk, s.aoki.pk), (s.screens.pk, s.aoki.pk)], "person_id", "chosen twice"),
        (
            lambda s: [(s.review.pk, s.aoki.pk), (s.review.pk, s.eto.pk)],
            "choices",
            "asks for 1 person, 2 were chosen",
        ),
        (lambda s: [(s.screens.pk, 999999)], "person_id", "No person with id 999999"),
        (lambda s: [(999999, s.aoki.pk)], "assignment_id", "No placeholder assignment with id 999999"),
        (lambda s: [], "choices", "Choose at least one"),
        # A valid first choice does not survive an invalid second one: all or nothing.
        (lambda s: [(s.review.pk, s.aoki.pk), (s.screens.pk, s.chiba.pk)], "person_id", "Chiba"),
    ],
)
def test_apply_refuses_invalid_choices_and_changes_nothing(world, staff, choose, field, words):
    """Each invalid choice is refused naming the person and task; the database is unchanged."""
    before = assignments()
    with pytest.raises(ValidationError) as info:
        staffing_apply(actor=world.pm, project=world.project, choices=choose(staff))
    assert words in " ".join(info.value.message_dict[field])
    assert assignments() == before


def test_apply_is_all_or_nothing_when_a_write_fails(world, staff, monkeypatch):
    """If the second person's assignment fails while writing, the first is rolled back too."""
    from kuroko.projects.services import staffing as module

    real = module.assignment_set
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["person"])
        if len(calls) == 2:
            raise ValidationError({"person": "refused for the test"})
        return real(**kwargs)

    monkeypatch.setattr(module, "assignment_set", failing)
    before = assignments()
    with pytest.raises(ValidationError):
        staffing_apply(
            actor=world.pm,
            project=world.project,
            choices=[(staff.screens.pk, staff.aoki.pk), (staff.review.pk, staff.eto.pk)],
        )
    assert len(calls) == 2
    assert assignments() == before


def test_apply_refuses_people_already_on_the_task_and_inactive_people(world, staff):
    """A person already on the task, or no longer active, is refused by name."""
    services.assignment_set(actor=world.pm, task=staff.review.task, person=staff.aoki)
    with pytest.raises(ValidationError, match="Aoki is already assigned to task"):
        staffing_apply(actor=world.pm, project=world.project, choices=[(staff.review.pk, staff.aoki.pk)])
    staff.eto.is_active = False
    staff.eto.save()
    with pytest.raises(ValidationError, match="Eto is no longer active"):
        staffing_apply(actor=world.pm, project=world.project, choices=[(staff.review.pk, staff.eto.pk)])


def test_apply_needs_edit_rights_and_the_right_project(world, staff):
    """A member cannot apply; another project's placeholder assignment is unknown there."""
    with pytest.raises(PermissionDenied):
        staffing_apply(actor=world.member, project=world.project, choices=[(staff.review.pk, staff.aoki.pk)])
    with pytest.raises(ValidationError) as info:
        staffing_apply(actor=world.admin, project=world.other, choices=[(staff.review.pk, staff.aoki.pk)])
    assert "assignment_id" in info.value.message_dict


def test_apply_hands_typed_work_on_effort_driven(world, staff):
    """Work typed on the placeholder (effort-driven) goes to the person as typed; the duration holds."""
    task = staff.review.task
    services.assignment_set(actor=world.pm, task=task, placeholder=staff.developer, work_minutes=3 * 480)
    task.refresh_from_db()
    assert task.duration_minutes == 3 * 480
    row = Assignment.objects.get(task=task, placeholder=staff.developer)
    staffing_apply(actor=world.pm, project=world.project, choices=[(row.pk, staff.aoki.pk)])
    task.refresh_from_db()
    assert task.duration_minutes == 3 * 480
    assert Assignment.objects.get(task=task).work_minutes == 3 * 480


# --- pages ---------------------------------------------------------------------------------------


def test_staffing_page_lists_placeholders_with_suggestions(world, staff):
    """The PM sees each placeholder assignment with its best people and Assign buttons; a member sees
    the suggestions without buttons; an outsider is refused."""
    html = signed_in(world.pm).get("/projects/ALPHA/staffing/").content.decode()
    assert "Java developer" in html and "Screens" in html and "Review" in html
    assert "Aoki" in html and "Java level 5 (needs 3)" in html and "Chiba" not in html
    assert "3 people qualify" in html  # Aoki, Baba (booked) and Eto; not Chiba, nor Doi (expired)
    assert html.count('name="choice"') == 4  # Aoki and Eto on each of the two rows
    assert "Fill all optimally" in html
    member = signed_in(world.member).get("/projects/ALPHA/staffing/")
    assert member.status_code == 200 and 'name="choice"' not in member.content.decode()
    assert signed_in(world.outsider).get("/projects/ALPHA/staffing/").status_code == 403
    project = signed_in(world.pm).get("/projects/ALPHA/").content.decode()
    assert "/projects/ALPHA/staffing/" in project
    resources = signed_in(world.member).get("/resources/").content.decode()
    assert "/resources/free/" in resources


def test_staffing_page_queries_do_not_grow_with_rows(world, staff, django_assert_max_num_queries):
    """One pool for all rows: more placeholder assignments do not mean more queries per row."""
    client = signed_in(world.pm)
    client.get("/projects/ALPHA/staffing/")  # warm caches (organisation, calendars)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get("/projects/ALPHA/staffing/")
    extra = services.task_create(
        actor=world.admin, project=world.project, data={"name": "Extra", "duration_minutes": 960}
    )
    services.assignment_set(actor=world.pm, task=extra, placeholder=staff.developer)
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get("/projects/ALPHA/staffing/")


def test_fill_all_optimally_shows_the_proposal_then_applies_it(world, staff):
    """htmx asks for the proposal fragment (nothing saved); posting its choices applies them."""
    client = signed_in(world.pm)
    before = assignments()
    fragment = client.get("/projects/ALPHA/staffing/proposal/", headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert "2 of 3 slots filled" in html and "1 slot stays open" in html
    assert f'value="{staff.screens.pk}:{staff.aoki.pk}"' in html
    assert assignments() == before
    full = client.get("/projects/ALPHA/staffing/proposal/").content.decode()
    assert "<html" in full and "Apply this proposal" in full
    choices = [f"{staff.screens.pk}:{staff.aoki.pk}", f"{staff.review.pk}:{staff.eto.pk}"]
    response = client.post("/projects/ALPHA/staffing/apply/", {"choice": choices})
    assert response.status_code == 302 and response["Location"] == "/projects/ALPHA/staffing/"
    page = client.get(response["Location"]).content.decode()
    assert "2 people assigned: Aoki, Eto." in page
    assert Assignment.objects.filter(person=staff.aoki, task=staff.screens.task).exists()
    assert signed_in(world.member).get("/projects/ALPHA/staffing/proposal/").status_code == 403


def test_assign_button_refusal_shows_the_reason_and_changes_nothing(world, staff):
    """A choice no longer valid (Aoki put on Review by name meanwhile) is refused on the page."""
    services.assignment_set(actor=world.pm, task=staff.review.task, person=staff.aoki)
    before = assignments()
    response = signed_in(world.pm).post(
        "/projects/ALPHA/staffing/apply/", {"choice": f"{staff.review.pk}:{staff.aoki.pk}"}
    )
    assert response.status_code == 422
    assert "Aoki is already assigned to task" in response.content.decode()
    assert assignments() == before
    garbled = signed_in(world.pm).post("/projects/ALPHA/staffing/apply/", {"choice": "x:y"})
    assert garbled.status_code == 422 and assignments() == before


def test_who_is_free_page(world, staff):
    """The form searches; htmx gets the fragment; a bad number of days is shown next to the field."""
    client = signed_in(world.member)
    url = f"/resources/free/?start=2026-04-06&days=5&skill={staff.java.pk}&min_level=3&min_free_percent=50"
    html = client.get(url).content.decode()
    assert "2026-04-06 – 2026-04-10 (5 working days)" in html
    assert "Aoki" in html and "Eto" in html and "Baba" not in html
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="free-search"' in fragment
    bad = client.get("/resources/free/?start=2026-04-06&days=0&min_level=1&min_free_percent=50")
    assert bad.status_code == 422 and "days_error" in bad.content.decode()
    assert client.get("/resources/free/").status_code == 200  # today, the defaults


# --- API -----------------------------------------------------------------------------------------


def test_candidates_api(world, staff):
    """Members read the candidates with numbers and reasons; outsiders may not; a limit is a limit."""
    found = Api(world.member).get(f"/assignments/{staff.screens.pk}/candidates").json()
    assert [c["person"] for c in found] == ["Aoki", "Eto"]
    assert found[0]["score"] == 80 and found[0]["reasons"] == [
        "Java level 5 (needs 3)",
        "free 100 % of 5 days",
    ]
    assert found[1]["fits"] is False and found[1]["free_percent"] == 100
    assert len(Api(world.pm).get(f"/assignments/{staff.screens.pk}/candidates", limit=1).json()) == 1
    assert Api(world.outsider).get(f"/assignments/{staff.screens.pk}/candidates").status_code == 403
    assert Api(world.pm).get("/assignments/999999/candidates").status_code == 404
    bad = Api(world.pm).get(f"/assignments/{staff.screens.pk}/candidates", limit=0)
    assert bad.status_code == 422 and "limit" in json.dumps(bad.json())


def test_who_is_free_api(world, staff):
    """The window and the free people; an unknown skill or a bad number of days is a 422 naming it."""
    api = Api(world.executive)
    found = api.get("/resources/free", start="2026-04-06", days=5, skill=staff.java.pk, min_level=3).json()
    assert (found["first"], found["last"], found["days"]) == ("2026-04-06", "2026-04-10", 5)
    assert [p["person"] for p in found["people"]] == ["Aoki", "Eto"]
    assert found["people"][0]["free_minutes"] == 2400 and found["people"][0]["level"] == 5
    unknown = api.get("/resources/free", start="2026-04-06", days=5, skill=999999)
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "skill"]
    no_days = api.get("/resources/free", start="2026-04-06", days=0)
    assert no_days.status_code == 422 and "days" in no_days.json()["detail"][0]["loc"]
    assert api.get("/resources/free", days=5).status_code == 422  # start is required
    assert Api().get("/resources/free", start="2026-04-06", days=5).status_code == 401


def test_proposal_and_apply_api(world, staff):
    """The proposal as JSON; its choices applied; a bad choice is a 422 naming the field, DB unchanged."""
    pm = Api(world.pm)
    proposal = pm.post("/projects/ALPHA/staffing/proposal").json()
    assert proposal["slots"] == 3 and len(proposal["fills"]) == 2 and len(proposal["unfilled"]) == 1
    assert proposal["fills"][0] | {"reasons": None} == {
        "assignment_id": staff.screens.pk,
        "task_id": staff.screens.task_id,
        "task": "1.1 Screens",
        "placeholder_id": staff.developer.pk,
        "placeholder": "Java developer",
        "slot": 1,
        "slots": 2,
        "units": 100,
        "work_minutes": 2400,
        "person_id": staff.aoki.pk,
        "person": "Aoki",
        "score": 80,
        "cost": 0.2,
        "reasons": None,
    }
    from tests.api.test_api import _CLIENT

    empty = _CLIENT.post(
        "/api/v1/projects/ALPHA/staffing/proposal", b"", content_type="application/json", headers=pm.headers
    )
    assert empty.status_code == 200 and empty.json()["slots"] == 3  # no body at all: every placeholder
    only = pm.post("/projects/ALPHA/staffing/proposal", {"placeholder_assignment_ids": [staff.review.pk]})
    assert [f["person"] for f in only.json()["fills"]] == ["Aoki"]
    unknown = pm.post("/projects/ALPHA/staffing/proposal", {"placeholder_assignment_ids": [999999]})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "placeholder_assignment_ids"]
    assert Api(world.member).post("/projects/ALPHA/staffing/proposal").status_code == 403

    def post_list(api, body):
        return _CLIENT.post(
            "/api/v1/projects/ALPHA/staffing/apply", json.dumps(body), content_type="application/json",
            headers=api.headers,
        )  # fmt: skip

    before = assignments()
    refused = post_list(pm, [{"assignment_id": staff.screens.pk, "person_id": staff.chiba.pk}])
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "person_id"]
    assert "Chiba cannot fill Java developer on task 1.1 Screens" in refused.json()["detail"][0]["msg"]
    assert post_list(pm, [{"assignment_id": "x"}]).status_code == 422
    assert assignments() == before
    assert post_list(Api(world.member), proposal["choices"]).status_code == 403
    applied = post_list(pm, proposal["choices"])
    assert applied.status_code == 200
    assert {(a["person_id"], a["units"]) for a in applied.json()} == {
        (staff.aoki.pk, 100),
        (staff.eto.pk, 50),
    }


def test_cost_rates_join_the_ranking_and_only_the_pmo_sees_them(world, staff, client):
    """With rates, the rate takes a fifth of the cost: Aoki (Java 5, free) at 10,000/h against the pool's
    dearest (10,000) scores 0.5 × 0 + 0.3 × 0.5 + 0.2 × 1 = 0.35 → 65; Eto (Java 3, half-time) without a
    rate: 0.5 × 0.5 + 0.3 × 1 + 0.2 × 0.5 = 0.65 → 35."""
    people_services.rate_card_add(
        actor=world.admin, person=staff.aoki, data={"effective_from": date(2026, 1, 1), "cost_rate": 10000}
    )
    aoki, eto = selectors.staffing_candidates(world.pm, staff.screens)
    assert (aoki.person, aoki.score, aoki.rate, aoki.work_cost) == (staff.aoki, 65, 10000, 400000)
    assert (eto.person, eto.score, eto.rate) == (staff.eto, 35, None)
    client.force_login(world.pmo)
    assert "Cost per hour" in client.get("/projects/ALPHA/staffing/").content.decode()
    client.force_login(world.pm)
    page = client.get("/projects/ALPHA/staffing/").content.decode()
    assert "Cost per hour" not in page and "10000" not in page
