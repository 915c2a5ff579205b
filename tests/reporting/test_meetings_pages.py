"""Meeting pages and API: the list (bounded queries), the meeting page's agenda (htmx) and minutes,
series form errors, the PDF and .ics downloads, API errors (422 naming the field, 409 refused)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from kuroko.reporting.models import Meeting
from kuroko.reporting.services import meetings as services
from tests.conftest import signed_in

TODAY = date(2026, 6, 8)


def _series(world, **extra):
    data = {
        "title": "ALPHA 定例会議", "kind": "progress", "project": world.project, "frequency": "weekly",
        "first_date": TODAY + timedelta(days=2), "start_time": time(10, 0), "duration_minutes": 60,
        "attendees": [world.member], **extra,
    }  # fmt: skip
    return services.series_create(actor=world.pm, data=data, today=TODAY)


def test_list_page_queries_are_bounded(world, django_assert_max_num_queries):
    """The meetings list reads a fixed number of queries however many meetings there are."""
    _series(world)
    _series(world, title="Second", first_date=TODAY + timedelta(days=3))
    client = signed_in(world.pmo)
    with django_assert_max_num_queries(12):
        response = client.get("/meetings/?when=all")
    assert response.status_code == 200
    assert response.content.decode().count("ALPHA 定例会議") == 8


def test_member_sees_project_meetings_and_outsider_none(world):
    """A project member lists its meetings; an outsider lists none and cannot open one."""
    meeting = _series(world).meetings.order_by("start").first()
    assert "ALPHA 定例会議" in signed_in(world.member).get("/meetings/?when=all").content.decode()
    outsider = signed_in(world.outsider)
    assert "ALPHA 定例会議" not in outsider.get("/meetings/?when=all").content.decode()
    assert outsider.get(f"/meetings/{meeting.pk}/").status_code == 403


def test_agenda_edits_through_htmx_return_the_partial(world):
    """Adding and moving agenda items by htmx answers the agenda section only."""
    meeting = _series(world).meetings.order_by("start").first()
    client = signed_in(world.pm)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/add/", {"title": "課題の確認"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="agenda">') and "課題の確認" in body
    response = client.post(f"/meetings/{meeting.pk}/agenda/add/", {"title": ""}, HTTP_HX_REQUEST="true")
    assert "msg-error" in response.content.decode()


def test_minutes_form_saves_and_marks_held(world):
    """The minutes form saves notes and attendance and marks the meeting held."""
    meeting = _series(world).meetings.order_by("start").first()
    item = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "進捗"})
    response = signed_in(world.pm).post(
        f"/meetings/{meeting.pk}/minutes/",
        {"version": meeting.version, "notes": "予定どおり", f"item-{item.pk}": "遅延なし",
         f"attendance-{world.member.pk}": "present", "hold": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.notes == "予定どおり"
    assert meeting.attendees.get(user=world.member).attendance == "present"


def test_series_form_shows_errors_next_to_fields(world):
    """An invalid series form answers 400 with the message on the field."""
    response = signed_in(world.pm).post(
        "/meetings/series/new/",
        {"title": "x", "kind": "progress", "project": world.project.pk, "frequency": "weekly",
         "first_date": "2026-06-10", "until": "2026-06-01", "start_time": "10:00", "duration_minutes": 60},
    )  # fmt: skip
    assert response.status_code == 400
    assert "The last date cannot be before the first meeting." in response.content.decode()


def test_pdf_and_ics_downloads(world):
    """The minutes PDF and the .ics invitation download for a reader."""
    meeting = _series(world).meetings.order_by("start").first()
    client = signed_in(world.member)
    pdf = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ics = client.get(f"/meetings/{meeting.pk}/invitation.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"METHOD:REQUEST" in ics.content


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "first_date": "2026-06-10", "start_time": "25:00"}, "start_time"),  # no such time
        (
            {"title": "x", "first_date": "2026-06-10", "start_time": "10:00", "frequency": "daily"},
            "frequency",
        ),  # unknown
        ({"title": "", "first_date": "2026-06-10", "start_time": "10:00"}, "title"),  # blank title
        (
            {"title": "x", "first_date": "2026-06-10", "start_time": "10:00", "duration_minutes": 0},
            "duration_minutes",
        ),  # too short
    ],
)
def test_api_bad_series_input_names_the_field(world, payload, field):
    """The API answers 422 with the field named and creates nothing."""
    payload = {"project_id": world.project.pk, **payload}
    response = signed_in(world.pm).post("/api/v1/meeting-series", payload, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert not Meeting.objects.exists()


def test_api_flow_minutes_and_refusals(world):
    """Through the API: rebuild, add an item, record an action, save minutes, distribute; cancelling a held
    meeting is refused with 409."""
    world.member.email = "member@example.com"
    world.member.save(update_fields=["email"])
    meeting = _series(world).meetings.order_by("start").first()
    client = signed_in(world.pm)
    assert client.post(f"/api/v1/meetings/{meeting.pk}/distribute").status_code == 409
    assert client.post(f"/api/v1/meetings/{meeting.pk}/agenda/rebuild").status_code == 200
    item = client.post(
        f"/api/v1/meetings/{meeting.pk}/agenda", {"title": "移行計画"}, content_type="application/json"
    )
    assert item.status_code == 201
    item_id = item.json()["id"]
    action = client.post(
        f"/api/v1/agenda-items/{item_id}/actions",
        {"title": "手順書レビュー", "owner_id": world.member.person.pk, "due_date": "2026-06-20"},
        content_type="application/json",
    )
    assert action.status_code == 201 and action.json()["code"] == "A-001"
    version = client.get(f"/api/v1/meetings/{meeting.pk}").json()["version"]
    saved = client.put(
        f"/api/v1/meetings/{meeting.pk}/minutes",
        {"version": version, "items": [{"item_id": item_id, "notes": "了承"}],
         "attendance": [{"user_id": world.member.pk, "attendance": "present"}], "held": True},
        content_type="application/json",
    )  # fmt: skip
    assert saved.status_code == 200 and saved.json()["status"] == "held"
    assert saved.json()["agenda"][-1]["action_ids"] == [action.json()["id"]]
    stale = client.put(
        f"/api/v1/meetings/{meeting.pk}/minutes", {"version": version}, content_type="application/json"
    )
    assert stale.status_code == 409
    cancel = client.post(
        f"/api/v1/meetings/{meeting.pk}/cancel",
        {"version": saved.json()["version"]},
        content_type="application/json",
    )
    assert cancel.status_code == 409 and cancel.json()["code"] == "refused"
    assert client.post(f"/api/v1/meetings/{meeting.pk}/distribute").json()["emailed"] == 1


def test_meeting_and_project_pages_queries_are_bounded(world, django_assert_max_num_queries):
    """The meeting page (agenda with decisions and actions) and a project's meetings read a bounded
    number of queries, whatever the number of items."""
    from kuroko.reporting.services import meetings_minutes as minutes

    meeting = _series(world).meetings.order_by("start").first()
    for n in range(6):
        item = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": f"議題 {n}"})
        minutes.minutes_decision_add(actor=world.pm, item=item, title=f"決定 {n}")
    client = signed_in(world.pm)
    with django_assert_max_num_queries(20):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/projects/ALPHA/meetings/").status_code == 200


def test_agenda_htmx_edits_redraw_the_minutes_out_of_band(world):
    """Adding or moving an agenda item by htmx also redraws the minutes (its notes box, its number)."""
    meeting = _series(world).meetings.order_by("start").first()
    first = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "最初"})
    client = signed_in(world.pm)
    body = client.post(
        f"/meetings/{meeting.pk}/agenda/add/", {"title": "課題の確認"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    minutes_part = body.split('id="minutes"', 1)[1]
    assert 'hx-swap-oob="true"' in body.split('id="minutes"', 1)[1][:40]
    assert "2. 課題の確認" in minutes_part
    body = client.post(
        f"/meetings/agenda/{first.pk}/", {"op": "down"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "1. 課題の確認" in body.split('id="minutes"', 1)[1]


def test_agenda_item_javascript_link_refused_by_the_api(world):
    """The API answers 422 naming `url` for a javascript: or over-long link; the page shows none."""
    meeting = _series(world).meetings.order_by("start").first()
    client = signed_in(world.pm)
    for url in ("javascript:alert(document.cookie)", "https://example.com/" + "x" * 500):
        response = client.post(
            f"/api/v1/meetings/{meeting.pk}/agenda", {"title": "click", "url": url},
            content_type="application/json",
        )  # fmt: skip
        assert response.status_code == 422 and "url" in response.content.decode()
    assert "javascript:" not in signed_in(world.member).get(f"/meetings/{meeting.pk}/").content.decode()


@pytest.mark.parametrize(
    "start,end",
    [("2026-06-10T10:00:00", "2026-06-10T11:00:00"), ("2026-06-10T10:00:00+09:00", "2026-06-10T11:00:00")],
)
def test_api_meeting_without_time_zone_is_local_time(world, start, end):
    """A naive start or end is read as local time (201, not 500)."""
    response = signed_in(world.pm).post(
        "/api/v1/meetings",
        {"title": "x", "project_id": world.project.pk, "start": start, "end": end,
         "attendee_ids": [world.member.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert Meeting.objects.get().end - Meeting.objects.get().start == timedelta(hours=1)


def test_api_and_form_refuse_far_dates(world):
    """Dates after 2100: 422 naming first_date in the API, a form error on the date in the page."""
    client = signed_in(world.pm)
    response = client.post(
        "/api/v1/meeting-series",
        {"title": "x", "project_id": world.project.pk, "first_date": "9999-12-20", "start_time": "10:00"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "first_date" in response.content.decode()
    response = client.post(
        "/meetings/new/",
        {"title": "x", "kind": "other", "project": world.project.pk, "date": "9999-12-31",
         "start_time": "23:30", "duration_minutes": 60},
    )  # fmt: skip
    assert response.status_code == 400
    assert "2100" in response.content.decode()
    assert not Meeting.objects.exists()


def test_api_refuses_an_attendee_who_cannot_read_the_project(world):
    """422 naming the attendee; nobody is invited."""
    response = signed_in(world.pm).post(
        "/api/v1/meetings",
        {"title": "x", "project_id": world.project.pk, "start": "2026-06-10T10:00:00+09:00",
         "end": "2026-06-10T11:00:00+09:00", "attendee_ids": [world.outsider.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    # The field as the client named it.
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "attendee_ids"]]
    assert not Meeting.objects.exists()


def test_meeting_page_action_chip_reads_akushon(world):
    """On the meeting page a recorded action reads アクション in Japanese."""
    from kuroko.reporting.services import meetings_minutes as minutes

    meeting = _series(world).meetings.order_by("start").first()
    item = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "議題"})
    minutes.minutes_action_add(actor=world.pm, item=item, title="資料を送る")
    world.pm.language = "ja"
    world.pm.save(update_fields=["language"])
    body = signed_in(world.pm).get(f"/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<span class="chip">アクション</span>' in body


@pytest.mark.parametrize("url", ["/meetings/new/", "/meetings/series/new/"])
def test_pm_choosing_a_program_gets_a_form_error_not_a_refusal(world, url):
    """A PM who picks a program (PMO only) sees the form again with the error and what they typed."""
    data = {"title": "PG 会議", "kind": "steering", "program": world.project.program_id, "date": "2026-06-10",
            "first_date": "2026-06-10", "start_time": "10:00", "duration_minutes": 60, "frequency": "weekly",
            "active": "on"}  # fmt: skip
    response = signed_in(world.pm).post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Only the PMO organises program and portfolio meetings." in body and "PG 会議" in body
    assert not Meeting.objects.exists()


def test_an_organiser_who_no_longer_organises_keeps_the_minutes_only(world, client):
    """An organiser who may no longer organise the project's meetings (e.g. no longer its manager) edits
    the agenda and minutes but can neither move nor cancel the meeting, on the page or in the API."""
    import json

    from kuroko.core.services import api_token_create

    meeting = _series(world).meetings.order_by("start").first()
    Meeting.objects.filter(pk=meeting.pk).update(organizer=world.member)
    meeting.refresh_from_db()
    member = signed_in(world.member)
    page = member.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="meeting-cancel"' not in page and f"/meetings/{meeting.pk}/edit/" not in page
    assert 'id="minutes-form"' in page  # the minutes stay theirs
    assert member.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    assert member.post(f"/meetings/{meeting.pk}/cancel/", {"version": meeting.version}).status_code == 403
    token = api_token_create(user=world.member, name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = json.dumps({"version": meeting.version, "location": "elsewhere"})
    response = client.patch(
        f"/api/v1/meetings/{meeting.pk}", body, content_type="application/json", **headers
    )
    assert response.status_code == 403
    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/cancel", json.dumps({"version": meeting.version}),
        content_type="application/json", **headers,
    )  # fmt: skip
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == "planned" and meeting.location != "elsewhere"
    services.agenda_item_add(actor=world.member, meeting=meeting, data={"title": "議題"})
