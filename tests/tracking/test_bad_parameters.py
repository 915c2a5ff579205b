"""Nonsense in a URL or query string of the tracking pages and API gets a 4xx (or the page with a message),
never a server error."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in

BAD = "garbage"

# (path, what is wrong with it)
PAGES = [
    ("/timesheets/2026-02-30/", "a day that does not exist"),
    ("/timesheets/2026-06-01/?person=abc", "a person id that is not a number"),
    ("/timesheets/2026-06-01/?person=999999", "a person who does not exist"),
    ("/timesheets/day/2026-13-01/", "month 13"),
    ("/timesheets/months/?month=2026-13", "month 13 in the query"),
    ("/timesheets/months/?month=garbage", "not a month"),
    ("/timesheets/months/2026-13/export.csv?by=person", "month 13 in an export"),
    ("/timesheets/months/2026-06/export.csv?by=nobody", "an unknown grouping"),
    ("/attendance/2026-13/", "month 13"),
    ("/attendance/?person=abc", "a person id that is not a number"),
    ("/attendance/day/1/2026-02-30/", "a day that does not exist"),
    ("/attendance/reconciliation/2026-00/", "month 0"),
    ("/attendance/overtime/?year=abc", "a fiscal year that is not a number"),
    ("/attendance/overtime/?year=99999", "a fiscal year out of range"),
    ("/attendance/contracts/2026-13/", "month 13"),
    ("/projects/ALPHA/evm/?status_date=garbage", "not a date"),
    ("/projects/ALPHA/evm/?status_date=2026-02-30", "a day that does not exist"),
    ("/projects/ALPHA/evm/?unit=furlongs", "an unknown unit"),
    ("/evm/?status_date=garbage&unit=furlongs", "not a date, unknown unit"),
    ("/projects/ALPHA/costs/?month=garbage", "not a month"),
    ("/api/v1/timesheets/abc/2026-06-01", "API: a person id that is not a number"),
    ("/api/v1/timesheets/1/2026-02-30", "API: a day that does not exist"),
    ("/api/v1/projects/ALPHA/evm?status_date=garbage", "API: not a date"),
    ("/api/v1/projects/ALPHA/evm?unit=furlongs", "API: an unknown unit"),
    ("/api/v1/evm/portfolio?status_date=2026-02-30", "API: a day that does not exist"),
    ("/api/v1/attendance/days?month=2026-13", "API: month 13"),
    # Days and months at the ends of the calendar: stepping past them would overflow Python's dates.
    ("/timesheets/9999-12-31/", "the last day there is"),
    ("/timesheets/0001-01-01/", "the first day there is"),
    ("/timesheets/day/0001-01-01/", "the first day there is"),
    ("/timesheets/months/9999-12/export.csv?by=person", "the last month there is"),
    ("/timesheets/months/?month=9999-12", "the last month there is"),
    ("/attendance/9999-12/", "the last month there is"),
    ("/attendance/reconciliation/0001-01/", "the first month there is"),
    ("/attendance/contracts/9999-12/", "the last month there is"),
    ("/attendance/day/1/9999-12-31/", "the last day there is"),
    ("/projects/ALPHA/evm/?status_date=9999-12-31", "a status date at the end of time"),
    ("/projects/ALPHA/evm/?status_date=0001-01-01", "a status date at the start of time"),
    ("/api/v1/timesheets/1/9999-12-31", "API: the last day there is"),
    ("/api/v1/timesheet-months/9999-12/lines", "API: the last month there is"),
    ("/api/v1/attendance/days?month=9999-12", "API: the last month there is"),
    ("/api/v1/contracts/statements/9999-12", "API: the last month there is"),
    ("/api/v1/projects/ALPHA/evm/history?status_date=9999-12-31", "API: a status date at the end of time"),
    ("/api/v1/contracts/statements/2026-13", "API: month 13"),
]


@pytest.mark.parametrize(("path", "why"), PAGES, ids=[p for p, _ in PAGES])
def test_bad_parameters_are_not_server_errors(world, path, why):
    """A PMO member (who may see every page) gets no 5xx for the bad parameter."""
    response = signed_in(world.pmo).get(path)
    assert response.status_code < 500, f"{why}: {response.status_code}"


# (path, form data, what is wrong with it)
POSTS = [
    ("/timesheets/2026-06-01/save/", {"cell-tabc-0": "2h", "person": "abc"}, "a row and person not numbers"),
    ("/timesheets/2026-06-01/save/", {"cell-t999999-9": "2h"}, "a task that does not exist, day 9"),
    ("/timesheets/day/2026-06-01/", {"new-work": "t999999", "new-time": "1:30"}, "an unknown task"),
    ("/timesheets/day/2026-06-01/", {"new-work": "bogus", "new-time": "xx"}, "nonsense work and time"),
    ("/timesheets/999999/reopen/", {"reason": "x"}, "a week that does not exist"),
    ("/timesheets/months/2026-13/close/", {}, "month 13"),
    ("/attendance/clock/sideways/", {}, "an unknown clock action"),
    (
        "/attendance/day/1/2026-06-01/",
        {"clock_in": "25:99", "clock_out": "x", "break_minutes": "-5"},
        "bad times",
    ),
    ("/attendance/import/", {"step": "import"}, "an import with no file"),
    ("/projects/ALPHA/evm/status-date/", {"status_date": "garbage"}, "not a date"),
    ("/projects/ALPHA/evm/milestones/add/", {"task": "abc", "weight": "-1"}, "a bad task and weight"),
    ("/evm/milestones/999999/", {"achieved_on": "garbage"}, "a milestone that does not exist"),
]


@pytest.mark.parametrize(("path", "data", "why"), POSTS, ids=[f"{p} {w}" for p, _, w in POSTS])
def test_bad_posts_are_not_server_errors(world, path, data, why):
    """A PMO member posting nonsense gets a 4xx or the page with a message, never a 5xx."""
    response = signed_in(world.pmo).post(path, data)
    assert response.status_code < 500, f"{why}: {response.status_code}"


def test_editing_a_rule_set_that_is_not_a_number_is_404(world):
    """`?edit=abc` on the overtime rules page is a 404, not a server error."""
    assert signed_in(world.pmo).get("/attendance/overtime/rules/?edit=abc").status_code == 404
