"""Tests for kuroko.formats.mspdi: reading, writing and refusing MS Project XML."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from kuroko.engine.cpm import schedule
from kuroko.engine.model import (
    Calendar,
    CalendarException,
    ConstraintType,
    ExternalDates,
    LagKind,
    Link,
    LinkType,
    Plan,
    Recurrence,
    Schedule,
    Split,
    Task,
    TaskSchedule,
)
from kuroko.formats.mspdi import MspdiError, MspdiProject, StoredDates, read_mspdi, write_mspdi
from kuroko.formats.mspdi.calendars import exception_days
from kuroko.formats.mspdi.units import (
    DurationUnits,
    day_type_to_weekday,
    format_iso_duration,
    format_time,
    mask_from_weekdays,
    parse_iso_duration,
    parse_time,
    weekday_to_day_type,
    weekdays_from_mask,
)
from tests.formats.shared import shared, shared_files

NS = "{http://schemas.microsoft.com/project}"


def _tasks(project: MspdiProject) -> dict[str, Task]:
    return {t.id: t for t in project.plan.tasks}


def _links(project: MspdiProject) -> dict[tuple[str, str], Link]:
    return {(link.predecessor, link.successor): link for link in project.plan.links}


def _xml(tasks: str = "", calendars: str = "", header: str = "") -> str:
    """A small MSPDI document around the given <Task> and <Calendar> elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">\n'
        "<StartDate>2024-04-01T08:00:00</StartDate>\n"
        f"<CalendarUID>1</CalendarUID>{header}\n"
        f"<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar></Calendar>"
        f"{calendars}</Calendars>\n"
        f"<Tasks>\n{tasks}</Tasks>\n"
        "</Project>\n"
    )


# --- Every shared file -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", shared_files())
def test_every_shared_file_is_read(path: Path) -> None:
    """Every shared MS Project file is read into a plan whose links and calendars refer to what exists."""
    project = read_mspdi(path)
    ids = {t.id for t in project.plan.tasks} | {e.id for e in project.plan.external}
    calendar_ids = {c.id for c in project.plan.calendars}
    assert project.plan.calendar in calendar_ids
    assert all(link.predecessor in ids and link.successor in ids for link in project.plan.links)
    assert all(t.parent is None or t.parent in ids for t in project.plan.tasks)
    assert all(t.calendar is None or t.calendar in calendar_ids for t in project.plan.tasks)
    assert all(c.base is None or c.base in calendar_ids for c in project.plan.calendars)
    assert set(project.stored) == {t.id for t in project.plan.tasks}


@pytest.mark.parametrize("path", shared_files())
def test_round_trip_keeps_everything(path: Path) -> None:
    """Read → write → read gives an equal plan and keeps outline, formats, baselines and resources."""
    project = read_mspdi(path)
    again = read_mspdi(write_mspdi(project))
    assert again.plan == project.plan
    # The writer always writes SaveVersion 14.
    assert again == replace(project, save_version=again.save_version)


@pytest.mark.parametrize("path", shared_files())
def test_written_xml_is_mspdi(path: Path) -> None:
    """The written document is UTF-8 MSPDI with a summary task 0 and tasks in row order."""
    data = write_mspdi(read_mspdi(path))
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    root = ET.fromstring(data)
    assert root.tag == f"{NS}Project"
    tasks = root.findall(f"{NS}Tasks/{NS}Task")
    assert tasks[0].findtext(f"{NS}UID") == "0"
    assert tasks[0].findtext(f"{NS}OutlineLevel") == "0"
    rows = [int(t.findtext(f"{NS}ID") or 0) for t in tasks if t.findtext(f"{NS}ExternalTask") != "1"]
    assert rows == sorted(rows)


# --- Spot checks against the XML ---------------------------------------------------------------------------


def test_links_types_and_lags() -> None:
    """PredecessorLink types 0–3 and lags in tenths of minutes become FF/FS/SF/SS links in minutes."""
    links = _links(read_mspdi(shared("generated__task-links__task-links-project2019-mspdi.xml")))
    assert links["1", "2"] == Link("1", "2", LinkType.FS, 0)
    assert links["3", "4"] == Link("3", "4", LinkType.FS, 480)  # LinkLag 4800, LagFormat 7 (1d)
    assert links["7", "8"] == Link("7", "8", LinkType.FS, 2400)  # LinkLag 24000, LagFormat 9 (1w)
    assert links["11", "12"] == Link("11", "12", LinkType.SF, 960)
    assert links["13", "14"] == Link("13", "14", LinkType.SS, 960)
    assert links["15", "16"] == Link("15", "16", LinkType.FF, 960)


def test_relations_file() -> None:
    """mspdirelations.xml: an FS, an SS with a one-day lag, an FF and an SF chain."""
    project = read_mspdi(shared("mspdirelations.xml"))
    assert [(link.predecessor, link.successor, link.type, link.lag) for link in project.plan.links] == [
        ("1", "2", LinkType.FS, 0),
        ("2", "3", LinkType.SS, 480),
        ("3", "4", LinkType.FF, 0),
        ("4", "5", LinkType.SF, 0),
    ]
    assert project.lag_formats["2", "3"] == 7


def test_outline_names_constraints_and_leads() -> None:
    """legacy__sample.xml: parents follow the outline, SNET dates and a one-day lead are kept."""
    project = read_mspdi(shared("legacy__sample.xml"))
    tasks = _tasks(project)
    assert [t.name for t in project.plan.tasks][:4] == [
        "First Task",
        "Second Task",
        "Third task",
        "Recurring Task",
    ]
    assert tasks["2"].parent == "1" and tasks["3"].parent == "1" and tasks["1"].parent is None
    assert tasks["7"].parent == "6" and tasks["9"].parent == "19" and tasks["21"].parent == "19"
    assert tasks["3"].milestone
    assert tasks["7"].constraint == ConstraintType.SNET
    assert tasks["7"].constraint_date == datetime(2003, 2, 1, 8)
    assert _links(project)["13", "14"].lag == -480
    assert project.tasks["6"].wbs == "1.3" and project.tasks["6"].outline_number == "2"
    assert project.plan.name == "sample"


def test_outline_level_wins_over_odd_outline_numbers() -> None:
    """legacy__sample1.xml (written by MPXJ) has outline numbers 1.1, 1.1.1 …: levels decide parents."""
    project = read_mspdi(shared("legacy__sample1.xml"))
    tasks = _tasks(project)
    assert tasks["2"].parent == "1" and tasks["1"].parent is None
    assert project.tasks["1"].outline_number == "1.1"
    assert tasks["9"].deadline == datetime(2003, 3, 14, 17)


def test_durations_and_elapsed_formats() -> None:
    """mspdiduration.xml: m, h, d, w, mo and their elapsed forms; elapsed ones count calendar minutes."""
    tasks = _tasks(read_mspdi(shared("mspdiduration.xml")))
    assert [(tasks[str(i)].duration, tasks[str(i)].elapsed) for i in range(1, 11)] == [
        (1, False),  # 1m
        (60, False),  # 1h
        (480, False),  # 1d
        (2400, False),  # 1w
        (9600, False),  # 1mo (20 days)
        (1, True),  # 1em
        (60, True),  # 1eh
        (1440, True),  # 1ed
        (10080, True),  # 1ew
        (43200, True),  # 1emo (30 days)
    ]


def test_stored_dates_and_slack() -> None:
    """MS Project's dates, slack (tenths of minutes → minutes) and Critical flag are kept per task."""
    project = read_mspdi(shared("generated__task-links__task-links-project2019-mspdi.xml"))
    assert project.stored["1"] == StoredDates(
        start=datetime(2018, 10, 18, 8),
        finish=datetime(2018, 10, 18, 17),
        early_start=datetime(2018, 10, 18, 8),
        early_finish=datetime(2018, 10, 18, 17),
        late_start=datetime(2018, 11, 1, 8),
        late_finish=datetime(2018, 11, 2, 8),
        total_slack=4800,
        free_slack=0,
        critical=False,
    )
    assert project.project_summary is not None
    assert project.project_summary.finish == datetime(2018, 11, 2, 17)
    assert project.tasks["1"].manual and project.tasks["1"].duration_format == 53


def test_project_settings() -> None:
    """Project header: minutes per day and week, calendar, honour-constraints flag as stored."""
    plan = read_mspdi(shared("baselines.xml")).plan
    assert (plan.minutes_per_day, plan.minutes_per_week, plan.days_per_month) == (450, 2250, 20)
    assert plan.start == datetime(2008, 1, 30, 9) and plan.finish == datetime(2008, 1, 31, 8, 30)
    assert plan.calendar == "1" and not plan.schedule_from_finish
    assert plan.honor_constraints is False and plan.critical_float == 0


def test_baselines() -> None:
    """baselines.xml: ten baselines of task 1 with start, finish, duration, work and cost."""
    project = read_mspdi(shared("baselines.xml"))
    assert [b.number for b in project.baselines] == list(range(1, 11))
    third = project.baselines[2]
    assert (third.task, third.start, third.duration, third.work, third.cost) == (
        "1",
        datetime(2001, 1, 3, 9),
        1350,
        180,
        Decimal(300),
    )


def test_resources_assignments_and_progress() -> None:
    """The assignments file: resources, their assignments, % complete, actual start, remaining duration."""
    project = read_mspdi(
        shared("generated__assignment-assignments__assignment-assignments-project2019-mspdi.xml")
    )
    names = {r.id: r.name for r in project.resources}
    assert names["1"] == "Resource 1" and names["3"] == "Resource 3"
    assert {(a.task, a.resource, a.work) for a in project.assignments} == {
        ("1", "1", 4800),
        ("2", "2", 4800),
        ("3", "3", 4800),
    }
    task = _tasks(project)["2"]
    assert (task.percent_complete, task.actual_start, task.remaining_duration) == (
        25,
        datetime(2016, 1, 4, 8),
        3600,
    )


def test_weeks_are_monday_first_and_bases_are_resolved() -> None:
    """DayType 1–7 (Sunday first) become a Monday-first week; 00:00 as an end is midnight; resource
    calendars without days take their base's week."""
    calendars = {c.id: c for c in read_mspdi(shared("legacy__sample.xml")).plan.calendars}
    night = calendars["2"]
    assert night.name == "Night Shift" and night.base is None
    assert night.week[0] == ((1380, 1440),)  # Monday 23:00–24:00
    assert night.week[1] == ((0, 180), (240, 480), (1380, 1440))
    assert night.week[5] == ((0, 180), (240, 480))  # Saturday
    assert night.week[6] == ()  # Sunday
    assert calendars["4"].base == "2" and calendars["4"].week == night.week


def test_legacy_exceptions() -> None:
    """legacy__caltest.xml: DayType 0 entries are non-working exceptions of a derived calendar."""
    calendars = {c.id: c for c in read_mspdi(shared("legacy__caltest.xml")).plan.calendars}
    three = calendars["6"]
    assert three.base == "3"
    assert three.exceptions == (
        CalendarException(date(2005, 11, 1), date(2005, 11, 4)),
        CalendarException(date(2005, 11, 21), date(2005, 11, 25)),
    )


RECURRING = "generated__calendar-recurring-exceptions__calendar-recurring-exceptions-project2016-mspdi.xml"


def test_recurring_exceptions() -> None:
    """Each recurrence type of MSPDI becomes the engine's Recurrence (weekdays Monday first)."""
    calendar = read_mspdi(shared(RECURRING)).plan.calendars[0]
    by_name = {e.name: e for e in calendar.exceptions}
    assert by_name["Daily 1"] == CalendarException(date(2000, 1, 1), date(2000, 1, 3), name="Daily 1")
    assert by_name["Daily 2"].recurrence == Recurrence("daily", 3, occurrences=4)
    assert by_name["Weekly 7 Sunday"].recurrence == Recurrence("weekly", 7, weekdays=(6,), occurrences=9)
    assert by_name["Monthly Relative 5"].recurrence == Recurrence(
        "monthly", 6, weekdays=(4,), nth=-1, occurrences=7
    )  # the last Friday every 6 months
    assert by_name["Monthly Absolute 2"].recurrence == Recurrence("monthly", 5, day=4, occurrences=6)
    assert by_name["Yearly Relative 1"].recurrence == Recurrence(
        "yearly", weekdays=(1,), nth=1, month=3, occurrences=4
    )  # Month 2 is March: MSPDI counts months from 0
    assert by_name["Yearly Absolute 1"].recurrence == Recurrence("yearly", day=1, month=2, occurrences=3)
    working = by_name["Recurring Working"]
    assert working.intervals == ((540, 780), (840, 1020))
    assert working.recurrence == Recurrence("monthly", 1, weekdays=(5,), nth=1, occurrences=3)


def _legacy_days(path: Path) -> set[date]:
    days: set[date] = set()
    for day in ET.parse(path).getroot().iter(f"{NS}WeekDay"):
        if day.findtext(f"{NS}DayType") == "0":
            first = date.fromisoformat((day.findtext(f"{NS}TimePeriod/{NS}FromDate") or "")[:10])
            last = date.fromisoformat((day.findtext(f"{NS}TimePeriod/{NS}ToDate") or "")[:10])
            days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return days


def test_recurrence_expansion_matches_ms_project() -> None:
    """The writer's expansion of every recurrence gives exactly the days MS Project listed itself."""
    path = shared(RECURRING)
    calendar = read_mspdi(path).plan.calendars[0]
    assert {day for e in calendar.exceptions for day in exception_days(e)} == _legacy_days(path)


def test_monthly_nth_weekday_of_month_is_expanded() -> None:
    """“The second weekday of every month” has no engine Recurrence: it becomes single days and a warning."""
    calendar = (
        "<Calendar><UID>2</UID><Name>Odd</Name><IsBaseCalendar>1</IsBaseCalendar><Exceptions><Exception>"
        "<EnteredByOccurrences>1</EnteredByOccurrences><TimePeriod><FromDate>2024-01-01T00:00:00</FromDate>"
        "<ToDate>2024-03-04T23:59:00</ToDate></TimePeriod><Occurrences>3</Occurrences><Name>X</Name>"
        "<Type>5</Type><Period>1</Period><MonthItem>1</MonthItem><MonthPosition>1</MonthPosition>"
        "<DayWorking>0</DayWorking></Exception></Exceptions></Calendar>"
    )
    project = read_mspdi(_xml(calendars=calendar))
    odd = next(c for c in project.plan.calendars if c.id == "2")
    assert [(e.start, e.finish) for e in odd.exceptions] == [
        (date(2024, 1, 2), date(2024, 1, 2)),
        (date(2024, 2, 2), date(2024, 2, 2)),
        (date(2024, 3, 4), date(2024, 3, 4)),
    ]
    assert any("expanded into 3 single days" in w for w in project.warnings)


# --- Writing plans and schedules ---------------------------------------------------------------------------


def test_bare_plan_round_trip() -> None:
    """A plan with text ids gets integer UIDs; structure, calendars, links and constraints survive."""
    holidays = CalendarException(
        date(2024, 1, 1),
        date(2030, 12, 31),
        name="Golden Week",
        recurrence=Recurrence("yearly", day=3, month=5),
    )
    plan = Plan(
        start=datetime(2024, 4, 1, 8),
        tasks=(
            Task("design", "Design"),
            Task("review", "Review", duration=960, parent="design", elapsed=True, calendar="office"),
            Task(
                "build",
                "Build",
                duration=2400,
                constraint=ConstraintType.SNET,
                constraint_date=datetime(2024, 4, 8, 8),
            ),
            Task("done", "Done", milestone=True, deadline=datetime(2024, 5, 1, 17), percent_complete=50),
        ),
        links=(
            Link("review", "build", LinkType.FS, 480),
            Link("build", "done", LinkType.SS, 50, LagKind.PERCENT),
            Link("review", "done", LinkType.FF, 1440, LagKind.ELAPSED),
            Link("supplier", "build"),
        ),
        calendars=(
            Calendar("standard", "Standard"),
            Calendar("office", "Office", exceptions=(holidays,), base="standard"),
        ),
        name="Launch",
        critical_float=960,
        external=(ExternalDates("supplier", datetime(2024, 4, 3, 8), datetime(2024, 4, 5, 17), "Parts"),),
        status_date=datetime(2024, 4, 2, 17),
    )
    project = read_mspdi(write_mspdi(plan))
    uid = {t.name: t.id for t in project.plan.tasks}
    assert [t.name for t in project.plan.tasks] == ["Design", "Review", "Build", "Done"]
    assert _tasks(project)[uid["Review"]].parent == uid["Design"]
    assert _tasks(project)[uid["Review"]].elapsed and _tasks(project)[uid["Review"]].duration == 960
    assert _tasks(project)[uid["Build"]].constraint_date == datetime(2024, 4, 8, 8)
    assert _tasks(project)[uid["Done"]].percent_complete == 50
    assert [(link.type, link.lag, link.lag_kind) for link in project.plan.links] == [
        (LinkType.FS, 480, LagKind.WORK),
        (LinkType.FS, 0, LagKind.WORK),
        (LinkType.SS, 50, LagKind.PERCENT),
        (LinkType.FF, 1440, LagKind.ELAPSED),
    ]
    (parts,) = project.plan.external
    assert (parts.name, parts.start, parts.finish) == (
        "Parts",
        datetime(2024, 4, 3, 8),
        datetime(2024, 4, 5, 17),
    )
    assert Link(parts.id, uid["Build"]) in project.plan.links
    assert project.plan.status_date == datetime(2024, 4, 2, 17)
    office = next(c for c in project.plan.calendars if c.name == "Office")
    assert office.exceptions == (holidays,)
    assert project.plan.name == "Launch" and project.plan.critical_float == 960


def test_manual_tasks_are_read() -> None:
    """Manual tasks keep MS Project's ManualStart; a manual task whose start is blank text has none."""
    links = read_mspdi(shared("generated__task-links__task-links-project2019-mspdi.xml"))
    task = _tasks(links)["4"]
    assert (task.manual, task.manual_start, task.duration) == (True, datetime(2018, 10, 22, 8), 480)
    dates = read_mspdi(shared("generated__task-dates__task-dates-project2019-mspdi.xml"))
    assert all(t.manual and t.manual_start is None for t in dates.plan.tasks)


def test_split_tasks_are_read_from_timephased_work() -> None:
    """The gaps in a task's planned timephased work become its splits, in working time from its start."""
    project = read_mspdi(shared("mspdisplittask.xml"))
    assert _tasks(project)["1"].splits == (Split(4 * 480, 3 * 480),)
    assert _tasks(project)["2"].splits == (Split(3 * 480, 2 * 480), Split(8 * 480, 3 * 480))
    assert all(info.split for info in project.tasks.values())


def test_manual_and_split_tasks_round_trip() -> None:
    """Manual starts, blank manual dates and splits are written (ManualStart, StartText, timephased work
    on an assignment, MS Project's placeholder when there is none) and read back unchanged."""
    plan = Plan(
        start=datetime(2026, 11, 23, 8),
        tasks=(
            Task("fixed", "Fixed", duration=480, manual=True, manual_start=datetime(2026, 11, 25, 8)),
            Task("blank", "Blank", duration=480, manual=True),
            Task("split", "Split", duration=4 * 480, splits=(Split(960, 480), Split(1440, 960))),
        ),
        links=(Link("fixed", "split"),),
    )
    data = write_mspdi(plan, schedule(plan))
    root = ET.fromstring(data)
    assert root.find(f".//{NS}Task[{NS}Name='Blank']/{NS}StartText") is not None
    assert root.find(f".//{NS}Task[{NS}Name='Fixed']/{NS}ManualStart").text == "2026-11-25T08:00:00"
    timephased = root.findall(f".//{NS}Assignment/{NS}TimephasedData")
    assert [(t.findtext(f"{NS}Start"), t.findtext(f"{NS}Value")) for t in timephased] == [
        ("2026-11-26T08:00:00", "PT16H0M0S"),
        ("2026-11-27T17:00:00", "PT0H0M0S"),
        ("2026-12-01T08:00:00", "PT8H0M0S"),
        ("2026-12-01T17:00:00", "PT0H0M0S"),
        ("2026-12-04T08:00:00", "PT8H0M0S"),
    ]
    again = read_mspdi(data)
    read = {t.name: t for t in again.plan.tasks}
    assert (read["Fixed"].manual, read["Fixed"].manual_start) == (True, datetime(2026, 11, 25, 8))
    assert (read["Blank"].manual, read["Blank"].manual_start) == (True, None)
    assert read["Split"].splits == plan.tasks[2].splits
    assert [a.resource for a in again.assignments] == [None]  # the placeholder assignment
    assert schedule(again.plan).tasks[read["Split"].id].finish == datetime(2026, 12, 4, 17)


def test_schedule_dates_are_written() -> None:
    """With a schedule, each task's Start, Finish, early/late dates, slack and Critical come from it."""
    plan = Plan(start=datetime(2024, 4, 1, 8), tasks=(Task("1", "Only", duration=480),))
    day = datetime(2024, 4, 1, 8)
    computed = TaskSchedule(
        "1", day, day.replace(hour=17), day, day.replace(hour=17), day, day.replace(hour=17), 30, 0, True
    )
    schedule = Schedule(day, day.replace(hour=17), {"1": computed})
    project = read_mspdi(write_mspdi(plan, schedule))
    assert project.stored["1"] == StoredDates(
        day, day.replace(hour=17), day, day.replace(hour=17), day, day.replace(hour=17), 30, 0, True
    )
    assert project.project_summary is not None and project.project_summary.finish == day.replace(hour=17)


# --- Refusing bad input ------------------------------------------------------------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="http://schemas.microsoft.com/project"><Name>&secret;</Name></Project>
"""

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Project [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol9;</Name></Project>\n'
)


def test_external_entity_is_refused() -> None:
    """An XXE payload is refused before any entity is resolved, with a message saying why."""
    with pytest.raises(MspdiError, match="document type") as caught:
        read_mspdi(XXE)
    assert caught.value.line == 2
    assert "root:" not in str(caught.value)


def test_entity_expansion_is_refused() -> None:
    """A billion-laughs document is refused at once rather than expanded."""
    began = time.perf_counter()
    with pytest.raises(MspdiError, match="refused"):
        read_mspdi(BILLION_LAUGHS)
    assert time.perf_counter() - began < 1


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        # A closing tag that does not match: the line and column are named.
        (
            b'<Project xmlns="http://schemas.microsoft.com/project">\n<Name>x</Nme>\n</Project>',
            "line 2, column",
        ),
        # Nothing at all.
        (b"", "not well-formed XML: no element found"),
        # XML, but not MS Project's.
        (b"<html><body/></html>", "root element is <html>"),
        # A text that is not XML (probably a file name passed as str).
        ("plan.xml", "pass a pathlib.Path"),
        # A date that is not a date: the task, element and line are named.
        (
            _xml("<Task><UID>1</UID><Name>A</Name><Start>yesterday</Start></Task>\n"),
            "line 7: Task UID 1 (“A”), <Start>",
        ),
        # A duration that is not ISO 8601.
        (
            _xml("<Task><UID>1</UID><Duration>3 days</Duration></Task>\n"),
            "<Duration>: “3 days” is not a duration",
        ),
        # A constraint code outside 0–7.
        (
            _xml("<Task><UID>1</UID><ConstraintType>9</ConstraintType></Task>\n"),
            "ConstraintType 9 is not one of 0–7",
        ),
        # A task without a UID.
        (_xml("<Task><Name>A</Name></Task>\n"), "a task needs a <UID>"),
        # Two tasks with the same UID.
        (_xml("<Task><UID>1</UID></Task><Task><UID>1</UID></Task>\n"), "task UID 1 appears twice"),
        # % complete beyond 100 (the engine's own rule, reported with the element's line).
        (
            _xml("<Task><UID>1</UID><PercentComplete>120</PercentComplete></Task>\n"),
            "% complete must be between",
        ),
        # A working time that runs past midnight.
        (
            _xml(
                calendars="<Calendar><UID>2</UID><WeekDays><WeekDay><DayType>2</DayType><DayWorking>1</DayWorking>"
                "<WorkingTimes><WorkingTime><FromTime>22:00:00</FromTime><ToTime>06:00:00</ToTime></WorkingTime>"
                "</WorkingTimes></WeekDay></WeekDays></Calendar>"
            ),
            "cannot run past midnight",
        ),
    ],
)
def test_bad_input_is_named(source: bytes | str, fragment: str) -> None:
    """Malformed or invalid input raises MspdiError (a ValueError) naming the problem and where it is."""
    with pytest.raises(MspdiError) as caught:
        read_mspdi(source)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A path that cannot be read gives an MspdiError naming it."""
    with pytest.raises(MspdiError, match="cannot be read"):
        read_mspdi(tmp_path / "absent.xml")


def test_unknown_predecessor_is_a_warning() -> None:
    """A link to a task that is not in the file is skipped and reported, not fatal."""
    xml = _xml(
        "<Task><UID>1</UID><Name>A</Name><PredecessorLink><PredecessorUID>7</PredecessorUID></PredecessorLink></Task>\n"
    )
    project = read_mspdi(xml)
    assert project.plan.links == ()
    assert project.warnings == (
        "Task UID 1 (“A”): predecessor UID 7 is not a task of the file; link skipped.",
    )


# --- Units ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("PT8H0M0S", 480),
        ("PT0H1M0S", 1),
        ("PT720H0M0S", 43200),
        ("PT7H30M0S", 450),
        ("PT0H0M30S", 0.5),
        ("-PT8H0M0S", -480),
        ("P1D", 480),  # other tools: a working day of the file
        ("P1W", 2400),
        ("P1DT2H", 600),
    ],
)
def test_iso_durations(text: str, minutes: float) -> None:
    """ISO 8601 durations are minutes; days and weeks count working days and weeks of the file."""
    assert parse_iso_duration(text, DurationUnits(480, 2400, 20)) == minutes


def test_iso_duration_round_trip_and_errors() -> None:
    """MS Project's duration form round-trips; text that is not a duration is refused."""
    assert format_iso_duration(43200) == "PT720H0M0S"
    assert format_iso_duration(0.5) == "PT0H0M30S"
    for bad in ("", "P", "PT", "8h", "PT8X"):
        with pytest.raises(ValueError, match="not an ISO 8601 duration"):
            parse_iso_duration(bad, DurationUnits())


def test_day_numbering() -> None:
    """DayType 1 is Sunday and 2 Monday; bitmask bit 0 is Sunday; 00:00 ends a day at 1440."""
    assert [day_type_to_weekday(d) for d in range(1, 8)] == [6, 0, 1, 2, 3, 4, 5]
    assert [weekday_to_day_type(w) for w in range(7)] == [2, 3, 4, 5, 6, 7, 1]
    assert weekdays_from_mask(1 | 2 | 64) == (0, 5, 6)
    assert mask_from_weekdays((0, 5, 6)) == 67
    assert parse_time("00:00:00", end=True) == 1440 and parse_time("00:00:00") == 0
    assert format_time(1440) == "00:00:00" and format_time(510) == "08:30:00"
