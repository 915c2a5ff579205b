"""Calendar feeds: private token URLs (create, fetch, revoke), what each feed shows, the page and the API."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from kuroko.formats.ical import FeedEvent
from kuroko.projects import services
from kuroko.projects.models import FeedToken, ProjectMember, Status, Task
from kuroko.projects.selectors import feeds as feed_selectors
from kuroko.projects.services import feeds as feed_services
from tests.conftest import signed_in


def fetch(secret: str) -> Calendar:
    """GET the feed anonymously (as a calendar client does) and parse it."""
    response = Client().get(f"/feeds/{secret}.ics")
    assert response.status_code == 200, response.content[:200]
    return Calendar.from_ical(response.content)


def uids(cal: Calendar) -> set[str]:
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


def uid(task: Task) -> str:
    return f"task-{task.pk}@kuroko"  # the site name of UIDs (KUROKO_SITE_HOST), not the request's host


def milestone(world, name: str = "Go-live", *, project=None, owner=None) -> Task:
    task = services.task_create(
        actor=world.admin,
        project=project or world.project,
        data={"name": name, "kind": "milestone", "duration_minutes": 0, "owner": owner},
    )
    task.refresh_from_db()
    return task


# --- tokens -------------------------------------------------------------------------------------------


def test_secret_is_never_stored_in_clear(world):
    """Only the SHA-256 of the secret is stored: no column of any row holds the secret itself."""
    token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.hint == secret[-4:]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {FeedToken._meta.db_table}")
        rows = cursor.fetchall()
    assert rows and not any(secret in str(value) for row in rows for value in row)
    assert len(secret) >= 40


@pytest.mark.parametrize(
    ("kind", "project", "field"),
    [
        ("person", "ALPHA", "project"),  # a person feed is not for one project
        ("project", None, "project"),  # a project feed needs its project
        ("meetings", None, "kind"),  # no such kind of feed
    ],
)
def test_create_refuses_bad_requests(world, kind, project, field):
    """A feed of the wrong shape is refused naming the field, and nothing is written."""
    target = world.project if project else None
    with pytest.raises(ValidationError) as caught:
        feed_services.feed_token_create(actor=world.member, kind=kind, project=target)
    assert field in caught.value.message_dict
    assert not FeedToken.objects.exists()


def test_project_feed_needs_read_access(world):
    """The outsider may not subscribe to ALPHA's milestones."""
    with pytest.raises(PermissionDenied):
        feed_services.feed_token_create(actor=world.outsider, kind="project", project=world.project)
    assert not FeedToken.objects.exists()


def test_revoke_by_owner_or_pmo_admin_only(world):
    """Someone else's feed is not found (404); its owner and a PMO administrator may revoke it."""
    token, _secret = feed_services.feed_token_create(actor=world.member, kind="person")
    for stranger in (world.pm, world.pmo, world.outsider):
        with pytest.raises(Http404):
            feed_services.feed_token_revoke(actor=stranger, pk=token.pk)
    assert feed_services.feed_token_revoke(actor=world.admin, pk=token.pk).revoked_at is not None
    other, _ = feed_services.feed_token_create(actor=world.member, kind="person")
    assert feed_services.feed_token_revoke(actor=world.member, pk=other.pk).revoked_at is not None


# --- fetching -----------------------------------------------------------------------------------------


def test_person_feed_shows_own_and_assigned_work(world):
    """The member's feed has the task and the milestone they own and a task they are assigned to — no
    summary, nobody else's work — with the headers calendar clients rely on."""
    gate = milestone(world, "Design approved", owner=world.member.person)
    milestone(world, "Someone else's")
    services.assignment_set(actor=world.admin, task=world.plain_task, person=world.member.person)
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    response = Client().get(f"/feeds/{secret}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    cal = Calendar.from_ical(response.content)
    assert uids(cal) == {uid(world.owned_task), uid(world.plain_task), uid(gate)}
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    owned = events[uid(world.owned_task)]
    assert str(owned["SUMMARY"]) == f"ALPHA {world.owned_task.wbs_code} Screens"
    assert owned.decoded("DTSTART") == world.owned_task.planned_start
    assert owned.decoded("DTEND") == world.owned_task.planned_finish + timedelta(days=1)
    fresh = Task.objects.get(pk=world.owned_task.pk)
    assert owned.decoded("SEQUENCE") == fresh.version + fresh.dates_revision
    assert str(owned["URL"]) == f"http://testserver/projects/ALPHA/#task-{world.owned_task.pk}"
    assert "Percent complete: 0%" in str(owned["DESCRIPTION"])
    assert "LAST-MODIFIED" in owned
    assert str(events[uid(gate)]["SUMMARY"]).startswith("◆ ALPHA")
    assert events[uid(gate)].decoded("DTSTART") == gate.planned_finish


def events_of(secret: str) -> dict[str, object]:
    return {str(e["UID"]): e for e in fetch(secret).walk("VEVENT")}


def test_sequence_rises_when_rescheduling_moves_a_task(world):
    """A successor moved by its predecessor (no edit of its own) gets a higher SEQUENCE and a newer
    LAST-MODIFIED (RFC 5545 3.8.7.4); moving it back raises SEQUENCE again; a task that did not move
    keeps its SEQUENCE."""
    person = world.member.person
    first = services.task_create(
        actor=world.admin, project=world.project, data={"name": "First", "duration_minutes": 480}
    )
    then = services.task_create(
        actor=world.admin,
        project=world.project,
        data={"name": "Then", "duration_minutes": 960, "owner": person},
    )
    services.dependency_create(actor=world.admin, predecessor=first, successor=then)
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    before = events_of(secret)
    start = before[uid(then)].decoded("DTSTART")
    unmoved = before[uid(world.owned_task)].decoded("SEQUENCE")
    first.refresh_from_db()
    services.task_update(
        actor=world.admin, task=first, data={"duration_minutes": 3 * 480}, expected_version=first.version
    )
    moved = events_of(secret)
    assert moved[uid(then)].decoded("DTSTART") > start
    assert moved[uid(then)].decoded("SEQUENCE") > before[uid(then)].decoded("SEQUENCE")
    assert moved[uid(then)].decoded("LAST-MODIFIED") >= before[uid(then)].decoded("LAST-MODIFIED")
    assert Task.objects.get(pk=then.pk).version == then.version  # no edit of its own
    assert moved[uid(world.owned_task)].decoded("SEQUENCE") == unmoved
    first.refresh_from_db()
    services.task_update(
        actor=world.admin, task=first, data={"duration_minutes": 480}, expected_version=first.version
    )
    back = events_of(secret)
    assert back[uid(then)].decoded("DTSTART") == start
    assert back[uid(then)].decoded("SEQUENCE") > moved[uid(then)].decoded("SEQUENCE")


def test_uids_do_not_depend_on_the_host_asked(world, settings):
    """UIDs use the configured site name: the same whatever Host header (an IPv6 address too) the
    calendar client used; the feed asks clients to refresh every four hours."""
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    settings.ALLOWED_HOSTS = ["*"]
    by_name = Client().get(f"/feeds/{secret}.ics", HTTP_HOST="pmo.example.com")
    by_address = Client().get(f"/feeds/{secret}.ics", HTTP_HOST="[::1]:8000")
    assert uids(Calendar.from_ical(by_name.content)) == uids(Calendar.from_ical(by_address.content))
    assert uid(world.owned_task) in uids(Calendar.from_ical(by_address.content))
    settings.KUROKO_SITE_HOST = "pmo.example.com"
    assert f"task-{world.owned_task.pk}@pmo.example.com" in uids(fetch(secret))
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in by_name.content
    assert b"X-PUBLISHED-TTL:PT4H\r\n" in by_name.content


def test_person_feed_keeps_to_open_projects_and_the_window(world):
    """Tasks of closed projects and tasks far in the past or future stay out of the person feed."""
    today = timezone.localdate()
    old = services.task_create(
        actor=world.admin, project=world.project, data={"name": "Old", "owner": world.member.person}
    )
    # Written directly: the services would reschedule the project.
    Task.objects.filter(pk=world.plain_task.pk).update(
        owner=world.member.person,
        planned_start=today + timedelta(days=800),
        planned_finish=today + timedelta(days=801),
    )
    Task.objects.filter(pk=old.pk).update(
        planned_start=today - timedelta(days=200), planned_finish=today - timedelta(days=91)
    )
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    assert uids(fetch(secret)) == {uid(world.owned_task)}
    world.project.__class__.objects.filter(pk=world.project.pk).update(status=Status.CLOSED)
    assert uids(fetch(secret)) == set()


def test_project_feed_shows_the_milestones(world):
    """A project feed has the project's milestones and nothing else, named after the project."""
    gate = milestone(world, "Go-live; phase 1, 設計完了")
    milestone(world, "Beta gate", project=world.other)
    _token, secret = feed_services.feed_token_create(actor=world.pm, kind="project", project=world.project)
    cal = fetch(secret)
    assert uids(cal) == {uid(gate)}
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"◆ ALPHA {gate.wbs_code} Go-live; phase 1, 設計完了"
    assert "ALPHA" in str(cal["X-WR-CALNAME"])


def test_project_feed_extension_point_adds_events(world):
    """A registered source (meetings, later) adds its events to project feeds."""

    def meetings(project, context):
        yield FeedEvent(
            uid=f"meeting-1@{context.host}", summary=f"{project.code} weekly", first_day=context.today,
            last_day=context.today,
        )  # fmt: skip

    feed_selectors.register_project_feed_source(meetings)
    try:
        _token, secret = feed_services.feed_token_create(
            actor=world.pm, kind="project", project=world.project
        )
        assert "meeting-1@kuroko" in uids(fetch(secret))  # the site name, as tasks have
    finally:
        feed_selectors._PROJECT_SOURCES.remove(meetings)


def test_feed_is_in_the_owners_language(world):
    """The member reads Japanese: the calendar's name and descriptions are Japanese."""
    world.member.language = "ja"
    world.member.save()
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    cal = fetch(secret)
    (event,) = cal.walk("VEVENT")
    assert "進捗率" in str(event["DESCRIPTION"])


def test_revoked_unknown_and_deactivated_feeds_are_not_found(world):
    """404 after revoking, for an unknown secret, and when the owner's account is deactivated."""
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    fetch(secret)
    assert Client().get("/feeds/not-a-real-secret-at-all.ics").status_code == 404
    world.member.is_active = False
    world.member.save()
    assert Client().get(f"/feeds/{secret}.ics").status_code == 404
    world.member.is_active = True
    world.member.save()
    fetch(secret)
    feed_services.feed_token_revoke(actor=world.member, pk=_token.pk)
    assert Client().get(f"/feeds/{secret}.ics").status_code == 404


def test_losing_access_to_a_project_removes_it(world):
    """Removed from ALPHA (and no longer owning its task), the member's project feed of ALPHA is gone and
    their person feed no longer shows ALPHA work they are still assigned to."""
    services.assignment_set(actor=world.admin, task=world.plain_task, person=world.member.person)
    _p, project_secret = feed_services.feed_token_create(
        actor=world.member, kind="project", project=world.project
    )
    _m, person_secret = feed_services.feed_token_create(actor=world.member, kind="person")
    assert uid(world.plain_task) in uids(fetch(person_secret))
    fetch(project_secret)
    Task.objects.filter(pk=world.owned_task.pk).update(owner=None)
    ProjectMember.objects.filter(project=world.project, person=world.member.person).delete()
    assert Client().get(f"/feeds/{project_secret}.ics").status_code == 404
    assert uids(fetch(person_secret)) == set()


def test_fetch_notes_last_use(world):
    """A fetch sets last_used_at (at most one write a minute)."""
    token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    fetch(secret)
    token.refresh_from_db()
    assert token.last_used_at is not None


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=st.text(max_size=300))
def test_any_secret_is_404_never_an_error(world, secret):
    """Whatever is put in the URL, an unknown feed answers 404 (never a 500)."""
    assert feed_selectors.feed_for_secret(secret) is None


def test_person_feed_queries_do_not_grow_with_tasks(world, django_assert_max_num_queries):
    """The feed reads its tasks in one query: 40 tasks cost what 2 do."""
    rows = [
        Task(project=world.project, name=f"T{i}", owner=world.member.person, row=100 + i, wbs_code=f"9.{i}",
             planned_start=timezone.localdate(), planned_finish=timezone.localdate())
        for i in range(40)
    ]  # fmt: skip
    Task.objects.bulk_create(rows)
    _token, secret = feed_services.feed_token_create(actor=world.member, kind="person")
    client = Client()
    with django_assert_max_num_queries(4):
        response = client.get(f"/feeds/{secret}.ics")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 41


# --- page and API -------------------------------------------------------------------------------------


def test_page_creates_a_feed_and_shows_the_url_once(world):
    """POST on the page makes a feed and answers with its URL, once: the secret is not kept in the
    session, the response is not stored by caches, and the next page does not show it."""
    client = signed_in(world.member)
    response = client.post("/accounts/feeds/", {"kind": "project", "project": "ALPHA", "name": "phone"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert not any("feed" in key for key, _value in client.session.items())
    token = FeedToken.objects.get()
    assert (token.kind, token.project, token.name) == ("project", world.project, "phone")
    url = page.split('id="new-feed-url"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert url.startswith("http://testserver/feeds/") and url.endswith(f"{token.hint}.ics")
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200
    assert 'id="new-feed-url"' not in client.get("/accounts/feeds/").content.decode()


def test_page_refuses_a_project_it_cannot_read(world):
    """The form offers only readable projects: BETA is refused for the member (422), nothing written."""
    client = signed_in(world.member)
    response = client.post("/accounts/feeds/", {"kind": "project", "project": "BETA"})
    assert response.status_code == 422
    assert not FeedToken.objects.exists()


def test_project_page_subscribe_button(world):
    """ "Subscribe to milestones" on ALPHA's page creates a project feed of the signed-in user."""
    client = signed_in(world.pm)
    assert "Subscribe to milestones" in client.get("/projects/ALPHA/").content.decode()
    response = client.post("/projects/ALPHA/feed/")
    assert response.status_code == 200 and 'id="new-feed-url"' in response.content.decode()
    token = FeedToken.objects.get()
    assert (token.owner, token.kind, token.project) == (world.pm, "project", world.project)
    assert token.hint in response.content.decode() and not any(
        "feed" in k for k, _v in client.session.items()
    )


def test_api_create_list_revoke(world):
    """POST returns the URL once (201), GET lists without secrets, DELETE revokes (then the URL is 404)."""
    client = signed_in(world.member)
    created = client.post(
        "/api/v1/feeds", {"kind": "project", "project": "ALPHA"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    path = body["url"].removeprefix("http://testserver")
    assert Client().get(path).status_code == 200
    listed = client.get("/api/v1/feeds").json()
    assert [f["id"] for f in listed] == [body["id"]]
    assert "url" not in listed[0] and listed[0]["project"] == "ALPHA"
    assert signed_in(world.pm).delete(f"/api/v1/feeds/{body['id']}").status_code == 404
    assert client.delete(f"/api/v1/feeds/{body['id']}").json()["revoked_at"] is not None
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"kind": "project"}, 422),  # a project feed without its project
        ({"kind": "project", "project": "NOPE"}, 404),  # no such project
        ({"kind": "project", "project": "BETA"}, 403),  # a project the member may not read
        ({"kind": "agenda"}, 422),  # no such kind
        ({"kind": "person", "name": "x" * 101}, 422),  # label too long
    ],
)
def test_api_refuses_bad_requests(world, payload, status):
    """Bad requests get a 4xx with JSON and write nothing."""
    response = signed_in(world.member).post("/api/v1/feeds", payload, content_type="application/json")
    assert response.status_code == status
    assert "detail" in response.json()
    assert not FeedToken.objects.exists()


def test_person_feed_of_an_account_without_person_is_empty(world):
    """An account without a person gets an empty, valid calendar."""
    from tests.factories import UserFactory

    user = UserFactory(username="robot", role="pmo_member")
    _token, secret = feed_services.feed_token_create(actor=user, kind="person")
    cal = fetch(secret)
    assert cal.walk("VEVENT") == [] and "robot" in str(cal["X-WR-CALNAME"])


def test_window_constants_are_days():
    """The person feed's window is 90 days back and two years ahead."""
    assert (feed_selectors.PAST_DAYS, feed_selectors.FUTURE_DAYS) == (90, 730)
    assert date(2026, 1, 1) + timedelta(days=feed_selectors.FUTURE_DAYS) == date(2028, 1, 1)
