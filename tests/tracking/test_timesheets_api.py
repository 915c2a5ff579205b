"""Timesheet REST API: the week (GET/PUT with 400/403/409 naming the date and task), submit, approve,
reject, reopen, the approval queue and the months."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kuroko.tracking.models import TimeEntry, TimesheetApproval
from tests.api.test_api import Api
from tests.tracking.test_timesheets import MON, TUE, WED, Sheets, entry, make_sheets, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheets(world) -> Sheets:
    return make_sheets(world)


def week(s) -> str:
    return f"/timesheets/{s.person.pk}/{WED.isoformat()}"


def test_put_replaces_the_week_and_get_reads_it(sheets):
    """PUT takes minutes or a time text; the answer is the week with entries, costs and status."""
    s = sheets
    api = Api(s.member)
    body = {
        "entries": [
            {"date": MON.isoformat(), "task": s.screens.pk, "minutes": 150, "comment": "Login"},
            {"date": TUE.isoformat(), "task": None, "category": "meetings", "time": "1:30"},
        ]
    }
    response = api.put(week(s), body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["week_start"] == MON.isoformat() and data["status"] == "open"
    assert data["total_minutes"] == 240
    assert [(e["project"], e["minutes"], e["cost"]) for e in data["entries"]] == [
        ("ALPHA", 150, "15000.00"),
        (None, 90, "9000.00"),
    ]
    assert api.get(week(s)).json() == data
    assert api.put(week(s), {"entries": []}).json()["entries"] == []
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize(
    ("bad", "status", "date", "field"),
    [
        # a task the member may not log to (BETA): 400 naming the date and task
        (lambda s: {"date": MON.isoformat(), "task": s.beta_task.pk, "minutes": 60}, 400, MON, "beta_task"),
        # a time that is not one
        (lambda s: {"date": TUE.isoformat(), "task": s.screens.pk, "time": "soon"}, 400, TUE, "screens"),
        # negative minutes
        (lambda s: {"date": TUE.isoformat(), "task": s.screens.pk, "minutes": -5}, 400, TUE, "screens"),
        # a day of another week
        (lambda s: {"date": (MON - timedelta(days=1)).isoformat(), "task": s.screens.pk, "minutes": 5}, 400,
         MON - timedelta(days=1), "screens"),
    ],
)  # fmt: skip
def test_put_refusals_are_json_naming_date_and_task(sheets, bad, status, date, field):
    """Bad entries answer 400 with detail and errors naming the date and task; nothing is saved."""
    s = sheets
    response = Api(s.member).put(week(s), {"entries": [bad(s)]})
    assert response.status_code == status
    data = response.json()
    assert data["detail"] and data["errors"][0]["date"] == date.isoformat()
    assert data["errors"][0]["task"] == getattr(s, field).pk
    assert not TimeEntry.objects.exists()


def test_over_24_hours_in_a_day_names_the_day(sheets):
    """Two rows adding up to more than a day: 400 naming the day, no task."""
    s = sheets
    body = {"entries": [entry(MON, s.screens, 900), entry(MON, s.build, 600)]}
    body["entries"] = [{**e, "date": e["date"].isoformat()} for e in body["entries"]]
    response = Api(s.member).put(week(s), body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "date": MON.isoformat(),
            "task": None,
            "category": "",
            "message": f"{MON} adds up to 25:00, more than 24 hours.",
        }
    ]


def test_submit_approve_reject_reopen(sheets):
    """The whole cycle over the API, with 409 for a submitted week and 403 for the wrong manager."""
    s = sheets
    member, pm, pm2 = Api(s.member), Api(s.world.pm), Api(s.pm2)
    save(s, [entry(MON, s.screens, 240), entry(TUE, s.build, 120)])
    data = member.post(f"{week(s)}/submit").json()
    assert data["status"] == "submitted" and [a["project"] for a in data["approvals"]] == ["ALPHA", "GAMMA"]
    refused = member.put(week(s), {"entries": []})
    assert refused.status_code == 409 and "Submitted" in refused.json()["detail"]
    queue = pm.get("/timesheet-approvals").json()
    assert [(q["approval"]["project"], q["minutes_per_day"][0], q["total_minutes"]) for q in queue] == [
        ("ALPHA", 240, 240)
    ]
    alpha, gamma = (TimesheetApproval.objects.get(project__code=c).pk for c in ("ALPHA", "GAMMA"))
    assert pm.post(f"/timesheet-approvals/{gamma}/approve").status_code == 403
    assert pm.post(f"/timesheet-approvals/{alpha}/approve").json()["status"] == "approved"
    no_reason = pm2.post(f"/timesheet-approvals/{gamma}/reject", {"reason": " "})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["message"]
    assert (
        pm2.post(f"/timesheet-approvals/{gamma}/reject", {"reason": "Tuesday?"}).json()["reason"]
        == "Tuesday?"
    )
    data = member.get(week(s)).json()
    assert data["status"] == "open" and "Tuesday?" in data["note"]
    assert member.post(f"{week(s)}/reopen", {"reason": "x"}).status_code == 409  # already open
    data = member.post(f"{week(s)}/submit").json()
    assert {a["project"]: a["status"] for a in data["approvals"]} == {"ALPHA": "approved", "GAMMA": "pending"}
    assert pm2.post(f"/timesheet-approvals/{gamma}/approve").status_code == 200
    assert member.get(week(s)).json()["status"] == "approved"
    assert member.post(f"{week(s)}/reopen", {"reason": "fix"}).status_code == 403
    assert Api(s.world.pmo).post(f"{week(s)}/reopen", {"reason": "fix"}).json()["status"] == "open"


def test_months_over_the_api(sheets):
    """The PMO reads months and a month's lines, closes and reopens a month; a closed day is 409."""
    s = sheets
    pmo = Api(s.world.pmo)
    save(s, [entry(MON, s.screens, 60)])
    closed = pmo.post("/timesheet-months/2027-04/close")
    assert closed.status_code == 200 and closed.json()["closed"] is True
    assert pmo.post("/timesheet-months/2027-04/close").status_code == 409
    refused = Api(s.member).put(week(s), {"entries": []})
    assert refused.status_code == 409 and refused.json()["errors"][0]["date"] == MON.isoformat()
    lines = pmo.get("/timesheet-months/2027-04/lines", by="project").json()
    assert [(line["project"], line["hours"], line["cost"]) for line in lines] == [
        ("ALPHA", "1.00", "6000.00")
    ]
    assert len(pmo.get("/timesheet-months").json()) == 12
    assert pmo.post("/timesheet-months/2027-04/reopen").json()["closed"] is False
    assert Api(s.member).get("/timesheet-months").status_code == 403
    assert Api(s.world.pm).post("/timesheet-months/2027-04/close").status_code == 403


def test_reading_someone_elses_week(sheets):
    """The person's PM reads it; an outsider gets 403; an unknown person 404."""
    s = sheets
    assert Api(s.world.pm).get(week(s)).status_code == 200
    assert Api(s.world.outsider).get(week(s)).status_code == 403
    assert Api(s.world.pm).put(week(s), {"entries": []}).status_code == 403
    assert Api(s.member).get(f"/timesheets/999999/{MON}").status_code == 404
