"""Excel export and import of the issue, action-item, decision and change-request registers: a round trip
changes nothing, rows add and update items through the registers' services, every kind of bad cell or
refused row leaves the database unchanged, formulas are read as values, the pages' preview → confirm flow,
the REST endpoints and who may use them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from kuroko.core.models import Notification
from kuroko.projects.services import baseline_capture
from kuroko.raid import excel, services
from kuroko.raid.excel_registers import REGISTERS
from kuroko.raid.models import ActionItem, ChangeRequest, Decision, Issue, Risk
from kuroko.raid.selectors.registers_excel import register_workbook
from kuroko.raid.services.registers_excel import ImportRefused, register_import
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
MODELS = {"issues": Issue, "actions": ActionItem, "decisions": Decision, "changes": ChangeRequest}


def workbook(*rows: list) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(world, register: str, data: bytes) -> list:
    """The rows of a workbook read with the register's columns (failing on any cell problem)."""
    rows, problems = excel.import_rows(REGISTERS[register].columns(world.project), data)
    assert problems == []
    return rows


def state() -> dict[str, list]:
    """Every register row with its version and links (to see that nothing changed)."""
    return {
        "risks": list(Risk.objects.order_by("pk").values_list("pk", "version")),
        "issues": list(Issue.objects.order_by("pk").values_list("pk", "version", "title", "status")),
        "issue_tasks": list(Issue.tasks.through.objects.order_by("pk").values_list("issue_id", "task_id")),
        "actions": list(ActionItem.objects.order_by("pk").values_list("pk", "version", "title")),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "version", "title")),
        "decision_risks": list(Decision.risks.through.objects.values_list("decision_id", "risk_id")),
        "changes": list(ChangeRequest.objects.order_by("pk").values_list("pk", "version", "status")),
        "notes": list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
    }


def filled(world) -> dict:
    """Every register with items using every column: links, tasks, dates, people, a baseline."""
    pm, project = world.pm, world.project
    risk = services.risk_create(actor=pm, project=project, data={"title": "Vendor late", "probability": 3})
    services.risk_create(actor=pm, project=project, data={"title": "Key person leaves", "probability": 2})
    issue = services.issue_create(
        actor=pm,
        project=project,
        data={
            "title": "Vendor is late",
            "description": "Parts missing",
            "severity": "high",
            "priority": "urgent",
            "owner": world.member.person,
            "due_date": date(2026, 6, 30),
            "status": "resolved",
            "resolution": "Second vendor",
            "risk": risk,
        },
        tasks=[world.owned_task, world.plain_task],
    )
    services.issue_create(actor=pm, project=project, data={"title": "Bare issue"})
    decision = services.decision_create(
        actor=pm,
        project=project,
        data={
            "title": "Use vendor B",
            "status": "decided",
            "decided_on": date(2026, 5, 2),
            "decided_by": "Steering committee",
            "due_date": date(2026, 5, 1),
            "owner": world.pm.person,
            "description": "Vendor B supplies the parts",
            "options": "A, B",
            "rationale": "Cheaper",
        },
        links={"risks": [risk], "issues": [issue]},
    )
    services.decision_create(actor=pm, project=project, data={"title": "Bare decision"})
    baseline_capture(actor=pm, project=project, number=1, name="Agreed")
    change = services.change_request_create(
        actor=pm,
        project=project,
        data={
            "title": "Add a screen",
            "description": "One more",
            "reason": "Customer asks",
            "requested_by": world.member.person,
            "requested_on": date(2026, 4, 20),
            "owner": world.pm.person,
            "scope_impact": "Screen 12",
            "schedule_impact_minutes": -480,
            "cost_impact": Decimal("12500.50"),
            "baseline": project.baselines.get(number=1),
        },
        decisions=[decision],
    )
    approved = services.change_request_create(actor=pm, project=project, data={"title": "Approved one"})
    for step in ("submit", "approve"):
        approved = services.change_request_transition(actor=world.admin, change=approved, action=step)
    decision.change_requests.set([change])
    services.action_create(
        actor=pm,
        project=project,
        data={
            "title": "Call vendor B",
            "description": "Ask for dates",
            "owner": world.member.person,
            "due_date": date(2026, 5, 10),
            "status": "in_progress",
            "risk": risk,
            "issue": issue,
            "decision": decision,
            "change_request": change,
        },
    )
    services.action_create(actor=pm, project=project, data={"title": "Bare action"})
    return {"risk": risk, "issue": issue, "decision": decision, "change": change, "approved": approved}


@pytest.mark.parametrize("register", ["issues", "actions", "decisions", "changes"])
def test_round_trip_changes_nothing(world, register):
    """Export → import: every row is unchanged, and nothing is written (no version moves)."""
    filled(world)
    response = signed_in(world.pm).get(f"/projects/ALPHA/{register}/export/")
    assert response.status_code == 200
    assert re.match(
        rf'attachment; filename="ALPHA-{register}-\d{{4}}-\d\d-\d\d\.xlsx"', response["Content-Disposition"]
    )
    rows = read(world, register, response.content)
    before = state()
    result = register_import(
        actor=world.pm, project=world.project, register=register, rows=rows, dry_run=False
    )
    assert [(line.action, line.changes) for line in result.lines] == [("unchanged", [])] * len(rows)
    assert len(rows) == MODELS[register].objects.count() == 2
    assert state() == before


def test_japanese_workbook_imports_back_in_english(world):
    """A workbook exported in Japanese (headers and choice labels) reads back unchanged in English."""
    filled(world)
    with translation.override("ja"):
        data = register_workbook(world.pm, world.project, "issues")
    ws = load_workbook(io.BytesIO(data)).active
    assert "重大度" in [c.value for c in ws[1]] and ws["C2"].value == "高"
    rows = read(world, "issues", data)
    result = register_import(actor=world.pm, project=world.project, register="issues", rows=rows)
    assert result.counts == {"add": 0, "update": 0, "unchanged": 2, "error": 0}


def test_exported_cells_are_what_people_read(world):
    """References, WBS codes, people's names, durations and amounts are written as people read them."""
    items = filled(world)
    issues = load_workbook(
        io.BytesIO(signed_in(world.pm).get("/projects/ALPHA/issues/export/").content)
    ).active
    row = dict(zip([c.value for c in issues[1]], [c.value for c in issues[2]], strict=True))
    assert (row["No."], row["From risk"], row["Affected tasks"]) == ("I-001", "R-001", "1.1, 1.2")
    assert row["Owner"] == world.member.person.full_name and row["Severity"] == "High"
    assert row["Due date"].date() == date(2026, 6, 30) and row["Escalation level"] == "Project"
    changes = load_workbook(
        io.BytesIO(signed_in(world.pm).get("/projects/ALPHA/changes/export/").content)
    ).active
    row = dict(zip([c.value for c in changes[1]], [c.value for c in changes[2]], strict=True))
    assert (row["Schedule impact"], row["Cost impact"], row["Baseline it changes"]) == ("-1d", 12500.5, 1)
    assert row["Related decisions"] == items["decision"].code and row["Status"] == "Draft"


def test_issue_rows_add_and_update(world):
    """New rows raise issues (owner by login, labels in Japanese, references, WBS codes); a row with a
    number updates that issue and the preview names the fields it changes."""
    items = filled(world)
    data = workbook(
        [
            "No.",
            "Title",
            "Severity",
            "Owner",
            "Due date",
            "Status",
            "Resolution",
            "From risk",
            "Affected tasks",
        ],
        [
            "I-001",
            "Vendor is very late",
            "Critical",
            "member",
            "2026-07-15",
            "In progress",
            "",
            "R-002",
            "1.2",
        ],
        [None, "Printer broken", "低", "pm", date(2026, 5, 1), "対応中", None, "r-1", "1.1, 1.2"],
    )
    rows = read(world, "issues", data)
    preview = register_import(actor=world.pm, project=world.project, register="issues", rows=rows)
    assert [(line.action, line.code) for line in preview.lines] == [("update", "I-001"), ("add", "I-003")]
    assert preview.lines[0].changes == [
        "Title", "Severity", "Status", "Due date", "Resolution", "From risk", "Affected tasks",
    ]  # fmt: skip
    assert Issue.objects.count() == 2 and Issue.objects.get(number=1).title == "Vendor is late"
    register_import(actor=world.pm, project=world.project, register="issues", rows=rows, dry_run=False)
    issue = Issue.objects.get(pk=items["issue"].pk)
    assert (issue.title, issue.severity, issue.status, issue.due_date) == (
        "Vendor is very late", "critical", "in_progress", date(2026, 7, 15),
    )  # fmt: skip
    assert issue.resolved_on is None and issue.risk.code == "R-002"
    assert [t.wbs_code for t in issue.tasks.all()] == ["1.2"]
    assert issue.history.count() == 2  # created, then updated once by the import
    new = Issue.objects.get(number=3)
    assert (new.severity, new.status, new.owner, new.risk) == (
        "low",
        "in_progress",
        world.pm.person,
        items["risk"],
    )
    assert sorted(t.wbs_code for t in new.tasks.all()) == ["1.1", "1.2"]
    assert new.raised_by == world.pm.person


def test_action_decision_and_change_rows_add_and_update(world):
    """Action items link by reference (the new owner is told), decisions link to several items, change
    requests read durations, amounts and baselines — and their status column is not imported."""
    items = filled(world)
    actions = read(world, "actions", workbook(
        ["No.", "Title", "Owner", "Status", "Decision", "Change request"],
        ["A-001", "Call vendor B", "pm", "Done", "D-001", None],
        [None, "Book room", world.member.person.email, None, None, "CR-2"],
    ))  # fmt: skip
    register_import(actor=world.pm, project=world.project, register="actions", rows=actions, dry_run=False)
    first, added = ActionItem.objects.get(number=1), ActionItem.objects.get(number=3)
    assert (first.owner, first.status, first.change_request, first.completed_on) == (
        world.pm.person, "done", None, timezone.localdate(),
    )  # fmt: skip
    assert (added.status, added.change_request, added.owner) == (
        "open",
        items["approved"],
        world.member.person,
    )
    assert Notification.objects.filter(recipient=world.member, title__contains="A-003").exists()

    decisions = read(world, "decisions", workbook(
        ["No.", "Title", "Status", "Decided on", "Decision", "Related risks", "Related issues",
         "Related change requests"],
        ["D-001", "Use vendor B", "Decided", "2026-05-02", "Vendor B supplies the parts", "R-001, R-002",
         "I-001", None],
        [None, "Overtime", "Pending", None, None, None, "I-002", "CR-001, CR-002"],
    ))  # fmt: skip
    result = register_import(
        actor=world.pm, project=world.project, register="decisions", rows=decisions, dry_run=False
    )
    assert [line.changes for line in result.lines] == [["Related risks", "Related change requests"], []]
    decision = Decision.objects.get(number=1)
    assert sorted(r.code for r in decision.risks.all()) == ["R-001", "R-002"]
    assert not decision.change_requests.exists()
    new = Decision.objects.get(number=3)
    assert [c.code for c in new.change_requests.order_by("number")] == ["CR-001", "CR-002"]

    changes = read(world, "changes", workbook(
        ["No.", "Title", "Status", "Requested by", "Schedule impact", "Cost impact", "Baseline it changes",
         "Related decisions"],
        ["CR-001", "Add two screens", "Approved", "member", "5d", "30,000", 1, "D-001, D-002"],
        [None, "New report", "Implemented", None, "4h", None, None, None],
    ))  # fmt: skip
    result = register_import(
        actor=world.pm, project=world.project, register="changes", rows=changes, dry_run=False
    )
    change = ChangeRequest.objects.get(pk=items["change"].pk)
    assert (change.title, change.status, change.schedule_impact_minutes, change.cost_impact) == (
        "Add two screens", "draft", 2400, Decimal("30000"),
    )  # fmt: skip
    assert sorted(d.code for d in change.decisions.all()) == ["D-001", "D-002"]
    new = ChangeRequest.objects.get(number=3)
    assert (new.status, new.schedule_impact_minutes, new.cost_impact, new.requested_by) == (
        "draft", 240, 0, None,
    )  # fmt: skip
    assert new.requested_on == timezone.localdate()


# Cells that cannot be read: (register, header, row, column named in the error, words of the message).
BAD_CELLS = [
    # an owner nobody is called
    ("issues", ["Title", "Owner"], ["A", "Nobody Known"], "Owner", "is not a person"),
    # a date that is not one
    ("issues", ["Title", "Due date"], ["A", "tomorrow"], "Due date", "is not a date"),
    # a severity that is not a choice
    ("issues", ["Title", "Severity"], ["A", "Huge"], "Severity", "is not one of"),
    # a risk of another number
    ("issues", ["Title", "From risk"], ["A", "R-099"], "From risk", "There is no risk R-099"),
    # a reference of the wrong register
    (
        "issues",
        ["Title", "From risk"],
        ["A", "I-001"],
        "From risk",
        "is not a reference of the risk register",
    ),
    # two risks where one is linked
    ("issues", ["Title", "From risk"], ["A", "R-001, R-002"], "From risk", "Give one reference"),
    # a WBS code the project does not have
    ("issues", ["Title", "Affected tasks"], ["A", "9.9"], "Affected tasks", "No task with WBS code 9.9"),
    # the register's own number written wrongly
    ("issues", ["No.", "Title"], ["X-1", "A"], "No.", "is not a reference of this register"),
    # the title missing
    ("actions", ["Title", "Status"], [None, "Open"], "Title", "A value is required"),
    # a decision that does not exist
    ("actions", ["Title", "Decision"], ["A", "D-050"], "Decision", "There is no decision D-050"),
    # one of several links unknown
    ("decisions", ["Title", "Related issues"], ["A", "I-001, I-777"], "Related issues", "I-777"),
    # a status label that is not a decision status
    ("decisions", ["Title", "Status"], ["A", "Maybe"], "Status", "is not one of"),
    # a schedule impact that is not a duration
    ("changes", ["Title", "Schedule impact"], ["A", "soon"], "Schedule impact", "is not a duration"),
    # a cost that is not a number
    ("changes", ["Title", "Cost impact"], ["A", "lots"], "Cost impact", "is not a number"),
    # a baseline never captured
    ("changes", ["Title", "Baseline it changes"], ["A", 7], "Baseline it changes", "has no baseline"),
]


@pytest.mark.parametrize(("register", "header", "row", "column", "text"), BAD_CELLS)
def test_bad_cells_name_row_and_column_and_change_nothing(world, register, header, row, column, text):
    """Each bad cell is reported with its row and column on the page (422), and nothing is written."""
    filled(world)
    before = state()
    n = len(header)
    good = ["Fine", *[None] * (n - 1)] if header[0] == "Title" else [None, "Fine", *[None] * (n - 2)]
    data = workbook(header, good, row)
    _rows, problems = excel.import_rows(REGISTERS[register].columns(world.project), data)
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert text in problems[0].message
    upload = SimpleUploadedFile("bad.xlsx", data)
    response = signed_in(world.pm).post(f"/projects/ALPHA/{register}/import/", {"file": upload})
    assert response.status_code == 422
    assert f"Row 3, {column}:" in response.content.decode()
    assert state() == before


# Rows the registers' rules refuse: (register, header, rows, the refused row, words of its error).
REFUSED_ROWS = [
    # an issue resolved without its resolution
    ("issues", ["Title", "Status"], [["Crash", "Resolved"]], 3, "Resolution: Give the resolution"),
    # a number the register does not have
    ("issues", ["No.", "Title"], [["I-009", "Ghost"]], 3, "has no I-009"),
    # a summary task among the affected tasks
    ("issues", ["Title", "Affected tasks"], [["Crash", "1"]], 3, "is a summary task"),
    # the same item twice in one file
    ("actions", ["No.", "Title"], [["A-001", "Once"], ["A-001", "Twice"]], 4, "A-001 is already in row 3"),
    # a decided decision without its date
    (
        "decisions",
        ["Title", "Status", "Decision"],
        [["Go", "Decided", "We go"]],
        3,
        "Decided on: Give the date",
    ),
    # a decided decision without what was decided
    (
        "decisions",
        ["Title", "Status", "Decided on"],
        [["Go", "Decided", "2026-05-01"]],
        3,
        "Write what was decided",
    ),
    # a change to a request already approved
    ("changes", ["No.", "Title"], [["CR-002", "Approved, renamed"]], 3, "can no longer be edited"),
]


@pytest.mark.parametrize(("register", "header", "rows", "bad", "text"), REFUSED_ROWS)
def test_refused_rows_write_nothing(world, register, header, rows, bad, text):
    """A row the register refuses fails the whole import: every row is listed, the bad one with its
    error, and nothing is written — not even the good rows before it."""
    filled(world)
    before = state()
    good = ["", "A good new row"] if header[0] == "No." else ["A good new row"] + [""] * (len(header) - 1)
    parsed = read(world, register, workbook(header, good, *rows))
    with pytest.raises(ImportRefused) as caught:
        register_import(actor=world.pm, project=world.project, register=register, rows=parsed, dry_run=False)
    lines = caught.value.result.lines
    assert lines[0].action == "add"
    refused = next(line for line in lines if line.row == bad)
    assert refused.action == "error" and text in " ".join(refused.errors)
    assert state() == before


def _with_cached_formula(data: bytes, cell: str, formula: str, value: str) -> bytes:
    """The workbook with `cell` holding a formula and the value Excel last calculated for it (openpyxl
    writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text, count = re.subn(
                    rf'<c r="{cell}"[^>]*>.*?</c>', f'<c r="{cell}"><f>{formula}</f><v>{value}</v></c>', text
                )
                assert count == 1
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_formula_cell_is_read_as_its_value(world):
    """A cost written as a formula imports as the value Excel calculated, not as the formula's text."""
    data = _with_cached_formula(workbook(["Title", "Cost impact"], ["Overtime", 1]), "B2", "1000*2.5", "2500")
    register_import(
        actor=world.pm,
        project=world.project,
        register="changes",
        rows=read(world, "changes", data),
        dry_run=False,
    )
    assert ChangeRequest.objects.get().cost_impact == Decimal("2500")


def test_not_a_workbook_is_refused_on_the_page_and_in_the_api(world):
    """A file that is not .xlsx: one message, 422, nothing written."""
    client = signed_in(world.pm)
    upload = SimpleUploadedFile("notes.xlsx", b"just some text")
    response = client.post("/projects/ALPHA/decisions/import/", {"file": upload})
    assert response.status_code == 422 and "not an Excel workbook" in response.content.decode()
    upload = SimpleUploadedFile("notes.xlsx", b"just some text")
    response = client.post("/api/v1/projects/ALPHA/decisions/import", {"file": upload})
    assert response.status_code == 422
    assert "not an Excel workbook" in response.json()["detail"][0]["msg"]
    assert not Decision.objects.exists()


def test_page_preview_then_apply_or_cancel(world):
    """The page previews without writing, says that a change request's status is not imported, and
    writes on confirmation; cancelling drops the upload; a stale token is refused."""
    filled(world)
    client = signed_in(world.pm)
    data = workbook(
        ["No.", "Title", "Status"], ["CR-001", "Add a big screen", "Approved"], [None, "New", None]
    )
    preview = client.post("/projects/ALPHA/changes/import/", {"file": SimpleUploadedFile("c.xlsx", data)})
    body = preview.content.decode()
    assert preview.status_code == 200 and 'id="import-preview"' in body and 'id="import-note"' in body
    assert "The status is not imported" in body and "Add a big screen" in body
    assert ChangeRequest.objects.count() == 2
    applied = client.post(
        "/projects/ALPHA/changes/import/", {"action": "apply", "token": preview.context["token"]}
    )
    assert applied.status_code == 302 and applied["Location"] == "/projects/ALPHA/changes/"
    assert ChangeRequest.objects.get(number=1).title == "Add a big screen"
    assert ChangeRequest.objects.get(number=3).status == "draft"
    again = client.post(
        "/projects/ALPHA/changes/import/", {"action": "apply", "token": preview.context["token"]}
    )
    assert again.status_code == 422  # the upload was used
    preview = client.post(
        "/projects/ALPHA/issues/import/", {"file": SimpleUploadedFile("i.xlsx", workbook(["Title"], ["X"]))}
    )
    assert client.post("/projects/ALPHA/issues/import/", {"action": "cancel"}).status_code == 302
    stale = client.post(
        "/projects/ALPHA/issues/import/", {"action": "apply", "token": preview.context["token"]}
    )
    assert stale.status_code == 422 and not Issue.objects.filter(title="X").exists()


def test_register_pages_show_export_and_import_to_who_may_use_them(world):
    """Every reader sees Export; only who manages the project sees Import."""
    for register in ("issues", "actions", "decisions", "changes"):
        pm = signed_in(world.pm).get(f"/projects/ALPHA/{register}/").content.decode()
        member = signed_in(world.member).get(f"/projects/ALPHA/{register}/").content.decode()
        assert f'id="{register}-export"' in pm and f'id="{register}-import"' in pm
        assert f'id="{register}-export"' in member and f'id="{register}-import"' not in member


def test_owners_and_readers_cannot_import(world):
    """An item's owner (who edits it on the page) may not import; executives and outsiders neither."""
    items = filled(world)
    rows = read(world, "issues", workbook(["No.", "Title"], ["I-001", "Renamed by the owner"]))
    assert items["issue"].owner == world.member.person
    for user in (world.member, world.executive, world.outsider):
        with pytest.raises(PermissionDenied):
            register_import(actor=user, project=world.project, register="issues", rows=rows)
    data = workbook(["Title"], ["X"])
    assert (
        signed_in(world.member)
        .post("/projects/ALPHA/issues/import/", {"file": SimpleUploadedFile("i.xlsx", data)})
        .status_code
        == 403
    )
    assert (
        signed_in(world.member)
        .post("/api/v1/projects/ALPHA/issues/import", {"file": SimpleUploadedFile("i.xlsx", data)})
        .status_code
        == 403
    )
    assert signed_in(world.outsider).get("/projects/ALPHA/issues/export/").status_code == 403
    assert signed_in(world.executive).get("/projects/ALPHA/issues/export/").status_code == 200
    assert Issue.objects.get(number=1).title == "Vendor is late"


def test_api_exports_previews_imports_and_lists_every_error(world):
    """GET …/export is the workbook; POST …/import with dry_run is the preview (nothing written), without
    it the rows are written; a bad file answers 422 with every row's error and writes nothing."""
    filled(world)
    client = signed_in(world.pm)
    response = client.get("/api/v1/projects/ALPHA/change-requests/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert len(read(world, "changes", response.content)) == 2
    data = workbook(["No.", "Title"], ["A-001", "Call vendor C"], [None, "Order parts"])
    preview = client.post(
        "/api/v1/projects/ALPHA/actions/import",
        {"file": SimpleUploadedFile("a.xlsx", data), "dry_run": "true"},
    )
    assert preview.status_code == 200
    body = preview.json()
    assert (body["dry_run"], body["applied"], body["counts"]["add"], body["counts"]["update"]) == (
        True,
        False,
        1,
        1,
    )
    assert body["rows"][0] == {"row": 2, "action": "update", "code": "A-001", "title": "Call vendor C",
                               "changes": ["Title"], "errors": []}  # fmt: skip
    assert ActionItem.objects.count() == 2
    applied = client.post(
        "/api/v1/projects/ALPHA/actions/import", {"file": SimpleUploadedFile("a.xlsx", data)}
    )
    assert applied.status_code == 200 and applied.json()["applied"] is True
    assert ActionItem.objects.get(number=1).title == "Call vendor C" and ActionItem.objects.count() == 3
    before = state()
    bad = workbook(["No.", "Title", "Status"], ["I-002", "Bare", "Resolved"], ["I-404", "Ghost", None])
    refused = client.post("/api/v1/projects/ALPHA/issues/import", {"file": SimpleUploadedFile("i.xlsx", bad)})
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert [d["loc"] for d in detail] == [["file", 2], ["file", 3]]
    assert "resolution" in detail[0]["msg"].lower() and "I-404" in detail[1]["msg"]
    cells = workbook(["Title", "Due date"], ["A", "soon"], ["B", "later"])
    unreadable = client.post(
        "/api/v1/projects/ALPHA/issues/import", {"file": SimpleUploadedFile("i.xlsx", cells)}
    )
    assert [d["loc"] for d in unreadable.json()["detail"]] == [
        ["file", 2, "Due date"],
        ["file", 3, "Due date"],
    ]
    assert state() == before
