"""Permission-matrix cases and fixture rows of the reporting meetings part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.

Who reads a project reads its meetings (agenda, minutes, PDF, .ics); the project's PM and the PMO organise
them, edit agendas and minutes and distribute; a portfolio meeting is read by the PMO, executives, its
organiser and attendees.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page

READ = (200, 200, 200, 200, 200, 403, 302)
MANAGE_PAGE = (200, 200, 200, 403, 403, 403, 302)
MANAGE_POST = (302, 302, 302, 403, 403, 403, 302)
API_READ = (200, 200, 200, 200, 200, 403, 401)
API_MANAGE = (200, 200, 200, 403, 403, 403, 401)
API_CREATED = (201, 201, 201, 403, 403, 403, 401)


def _series_form(ids: dict[str, Any]) -> dict[str, Any]:
    return {"title": "ALPHA 定例会議", "kind": "progress", "project": ids["mt_alpha"], "program": "",
            "frequency": "weekly", "first_date": ids["mt_next_week"], "until": "", "start_time": "10:00",
            "duration_minutes": 45, "location": "会議室B", "attendees": [ids["mt_member_user"]],
            "active": "on"}  # fmt: skip


def _meeting_form(ids: dict[str, Any]) -> dict[str, Any]:
    return {"title": "臨時会議", "kind": "other", "project": ids["mt_alpha"], "program": "",
            "date": ids["mt_next_week"], "start_time": "15:00", "duration_minutes": 30,
            "location": "Teams", "attendees": [ids["mt_member_user"]], "notes": "",
            "version": ids["mt_meeting_version"]}  # fmt: skip


# fmt: off
CASES: list[Case] = [
    #     admn pmo  pm   mmbr exec outs anon
    page((200, 200, 200, 200, 200, 200, 302), "meetings", "GET", "/meetings/"),
    page((200, 200, 200, 200, 200, 200, 302), "meetings", "GET",
         "/meetings/?when=all&kind=progress&project=ALPHA", label="filtered"),
    page(READ, "project-meetings", "GET", "/projects/ALPHA/meetings/"),
    page((200, 200, 403, 403, 200, 403, 302), "project-meetings", "GET", "/projects/BETA/meetings/"),
    # Organising: the PMO anywhere, a PM for the projects they manage.
    page(MANAGE_PAGE, "meeting-series-new", "GET", "/meetings/series/new/?project=ALPHA"),
    page(MANAGE_POST, "meeting-series-new", "POST", "/meetings/series/new/", _series_form),
    page(MANAGE_PAGE, "meeting-new", "GET", "/meetings/new/"),
    page(MANAGE_POST, "meeting-new", "POST", "/meetings/new/", _meeting_form),
    page(MANAGE_PAGE, "meeting-series-edit", "GET", "/meetings/series/{mt_series}/edit/"),
    page(MANAGE_POST, "meeting-series-edit", "POST", "/meetings/series/{mt_series}/edit/", _series_form),
    page(MANAGE_POST, "meeting-series-delete", "POST", "/meetings/series/{mt_series}/delete/"),
    # One meeting: readers of the project read it; its organisers change it.
    page(READ, "meeting", "GET", "/meetings/{mt_meeting}/"),
    page((200, 200, 403, 403, 200, 403, 302), "meeting", "GET", "/meetings/{mt_portfolio}/",
         label="portfolio"),
    page(MANAGE_PAGE, "meeting-edit", "GET", "/meetings/{mt_meeting}/edit/"),
    page(MANAGE_POST, "meeting-edit", "POST", "/meetings/{mt_meeting}/edit/", _meeting_form),
    page(MANAGE_POST, "meeting-cancel", "POST", "/meetings/{mt_meeting}/cancel/",
         lambda ids: {"version": ids["mt_meeting_version"]}),
    page(MANAGE_POST, "meeting-agenda-build", "POST", "/meetings/{mt_meeting}/agenda/build/"),
    page(MANAGE_POST, "meeting-agenda-add", "POST", "/meetings/{mt_meeting}/agenda/add/",
         lambda ids: {"title": "課題の確認", "duration_minutes": 10}),
    page(MANAGE_POST, "meeting-agenda-item", "POST", "/meetings/agenda/{mt_item}/",
         lambda ids: {"op": "update", "title": "進捗の確認", "duration_minutes": 15}),
    page(MANAGE_POST, "meeting-decision-add", "POST", "/meetings/agenda/{mt_item}/decision/",
         lambda ids: {"title": "リリース延期", "description": "1週間"}),
    page(MANAGE_POST, "meeting-action-add", "POST", "/meetings/agenda/{mt_item}/action/",
         lambda ids: {"title": "影響調査", "owner": ids["member_person"], "due_date": "2026-07-01"}),
    page(MANAGE_POST, "meeting-minutes", "POST", "/meetings/{mt_meeting}/minutes/",
         lambda ids: {"version": ids["mt_meeting_version"], "notes": "議事メモ"}),
    page(MANAGE_POST, "meeting-distribute", "POST", "/meetings/{mt_held}/distribute/"),
    page(READ, "meeting-pdf", "GET", "/meetings/{mt_held}/minutes.pdf"),
    page(READ, "meeting-ics", "GET", "/meetings/{mt_meeting}/invitation.ics"),
    # --- API ---
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/meeting-series"),
    api(API_CREATED, "POST", "/meeting-series",
        lambda ids: {"title": "定例", "project_id": ids["mt_alpha"], "first_date": ids["mt_next_week"],
                     "start_time": "10:00", "attendee_ids": [ids["mt_member_user"]]}),
    api(API_READ, "GET", "/meeting-series/{series_id}", series_id="mt_series"),
    api(API_MANAGE, "PATCH", "/meeting-series/{series_id}", lambda ids: {"location": "会議室C"},
        series_id="mt_series"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/meeting-series/{series_id}", series_id="mt_series"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/meetings"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/meetings", query="when=all&kind=progress",
        label="filtered"),
    api(API_CREATED, "POST", "/meetings",
        lambda ids: {"title": "臨時", "project_id": ids["mt_alpha"],
                     "start": ids["mt_next_week"] + "T10:00:00+09:00",
                     "end": ids["mt_next_week"] + "T11:00:00+09:00"}),
    api(API_READ, "GET", "/meetings/{meeting_id}", meeting_id="mt_meeting"),
    api(API_MANAGE, "PATCH", "/meetings/{meeting_id}",
        lambda ids: {"version": ids["mt_meeting_version"], "location": "Zoom"}, meeting_id="mt_meeting"),
    api(API_MANAGE, "POST", "/meetings/{meeting_id}/cancel",
        lambda ids: {"version": ids["mt_meeting_version"]}, meeting_id="mt_meeting"),
    api(API_READ, "GET", "/meetings/{meeting_id}/invitation.ics", meeting_id="mt_meeting"),
    api(API_READ, "GET", "/meetings/{meeting_id}/agenda", meeting_id="mt_meeting"),
    api(API_CREATED, "POST", "/meetings/{meeting_id}/agenda", lambda ids: {"title": "その他"},
        meeting_id="mt_meeting"),
    api(API_MANAGE, "POST", "/meetings/{meeting_id}/agenda/rebuild", meeting_id="mt_meeting"),
    api(API_MANAGE, "PATCH", "/agenda-items/{item_id}", lambda ids: {"notes": "確認済み"}, item_id="mt_item"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/agenda-items/{item_id}", item_id="mt_item"),
    api(API_MANAGE, "PUT", "/meetings/{meeting_id}/minutes",
        lambda ids: {"version": ids["mt_meeting_version"], "notes": "議事メモ"}, meeting_id="mt_meeting"),
    api(API_CREATED, "POST", "/agenda-items/{item_id}/decisions", lambda ids: {"title": "承認"},
        item_id="mt_item"),
    api(API_CREATED, "POST", "/agenda-items/{item_id}/actions",
        lambda ids: {"title": "調査", "owner_id": ids["member_person"]}, item_id="mt_item"),
    api(API_MANAGE, "POST", "/meetings/{meeting_id}/distribute", meeting_id="mt_held"),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """A weekly series of ALPHA organised by its PM (the next meeting with one agenda item, the one after
    held) and a portfolio meeting of the PMO."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from kuroko.reporting.services import meetings as services

    today = timezone.localdate()
    series = services.series_create(
        actor=world.pm,
        data={"title": "ALPHA 定例会議", "kind": "progress", "project": world.project, "frequency": "weekly",
              "first_date": today + timedelta(days=1), "start_time": time(10, 0), "duration_minutes": 60,
              "attendees": [world.member]},
    )  # fmt: skip
    first, second = list(series.meetings.order_by("start")[:2])
    item = services.agenda_item_add(actor=world.pm, meeting=first, data={"title": "進捗報告"})
    held = services.meeting_hold(actor=world.pm, meeting=second, expected_version=second.version)
    start = timezone.make_aware(datetime.combine(today + timedelta(days=3), time(9)))
    portfolio = services.meeting_create(
        actor=world.pmo,
        data={
            "title": "ステアリングコミッティ",
            "kind": "steering",
            "start": start,
            "end": start + timedelta(hours=1),
        },
    )
    first.refresh_from_db()
    return {
        "mt_series": series.pk,
        "mt_meeting": first.pk,
        "mt_meeting_version": first.version,
        "mt_held": held.pk,
        "mt_portfolio": portfolio.pk,
        "mt_item": item.pk,
        "mt_alpha": world.project.pk,
        "mt_member_user": world.member.pk,
        "mt_next_week": (today + timedelta(days=7)).isoformat(),
    }
