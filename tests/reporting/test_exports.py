"""Report exports: the executive summary, project and portfolio files, the archive, schedules run by the
worker and e-mailed, and `kuroko report`."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from typer.testing import CliRunner

from kuroko import cli
from kuroko.reporting.facts import (
    FindingFact,
    IssueFact,
    MilestoneFact,
    OverallocationFact,
    ProjectFacts,
    RiskFact,
)
from kuroko.reporting.models import GeneratedReport, ReportSchedule, StatusReport
from kuroko.reporting.selectors.exports import archive_list
from kuroko.reporting.selectors.portfolio import portfolio_summary
from kuroko.reporting.services import exports
from kuroko.reporting.weeks import week_label, week_start
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 16)  # Monday of 2026-W47
LAST_WEEK = date(2026, 11, 9)


@pytest.fixture(autouse=True)
def _archive_dir(settings, tmp_path):
    """Each test archives into its own folder."""
    settings.DATA_DIR = tmp_path / "data"


def make_facts(project: Any, week: date = WEEK, **extra: Any) -> ProjectFacts:
    """A week's facts of `project` with a milestone, risks, an over-allocation and money."""
    values: dict[str, Any] = {
        "project_id": project.pk,
        "code": project.code,
        "name": project.name,
        "manager": str(project.manager or ""),
        "program": project.program.code if project.program else "",
        "project_type": "",
        "currency": "JPY",
        "week": week,
        "status_date": week + timedelta(days=4),
        "percent_complete": 42.0,
        "planned_percent": 50.0,
        "start": date(2026, 4, 1),
        "finish": date(2027, 1, 29),
        "baseline_finish": date(2027, 1, 15),
        "finish_variance_days": 10,
        "bac": 10_000_000.0,
        "ac": 4_800_000.0,
        "eac": 11_000_000.0,
        "spi": 0.84,
        "cpi": 0.91,
        "milestones_next": [
            MilestoneFact(
                1, "1.3", "結合テスト完了", date(2026, 11, 20), date(2026, 11, 27), None, 5, "upcoming"
            )
        ],
        "risks": [
            RiskFact(1, "R-001", "ベンダー納期遅延", "high", 16.0, "佐藤", date(2026, 11, 30), "raised"),
            RiskFact(2, "R-002", "Key person leaves", "medium", 6.0, "Suzuki", None, ""),
        ],
        "open_risks": 2,
        "high_risks": 1,
        "overallocations": [
            OverallocationFact("田中 一郎", date(2026, 11, 16), date(2026, 11, 20), 135.0, ["1.2 基本設計"])
        ],
        "gate": {"phase": "詳細設計", "status": "open", "due": "2026-11-27", "decision": ""},
    }
    values.update(extra)
    return ProjectFacts(**values)


def make_report(project: Any, week: date = WEEK, rag: str = "red", **extra: Any) -> StatusReport:
    """A submitted report of `project` whose colours are all `rag`."""
    facts = make_facts(project, week, **extra.pop("facts", {}))
    colours = {f"rag_{d}": rag for d in ("overall", "schedule", "cost", "scope", "quality", "risk")}
    return StatusReport.objects.create(
        project=project,
        week=week,
        status="submitted",
        facts=facts.to_dict(),
        computed={"schedule": {"rag": rag, "reasons": [{"code": "unknown_rule", "params": {}}]}},
        overrides={"overall": {"rag": rag, "justification": "顧客承認待ち"}},
        summary="結合テストが遅れています。",
        accomplishments="基本設計レビュー完了",
        **colours,
        **extra,
    )


def test_summary_shows_colours_changes_and_the_week_lists(world, django_assert_max_num_queries):
    """The matrix holds this week's colours with the change since last week; the lists gather milestones at
    risk, top risks by score, hotspots, financials with totals and pending gates — in a few queries."""
    make_report(world.project, LAST_WEEK, rag="green")
    make_report(world.project, WEEK, rag="red")
    quiet = {"risks": [], "gate": {}, "eac": None, "ac": None, "bac": None, "milestones_next": [],
             "overallocations": []}  # fmt: skip
    make_report(world.other, WEEK, rag="amber", facts=quiet)
    with django_assert_max_num_queries(4):
        summary = portfolio_summary(world.pmo, week=WEEK)
        rows = {r.project.code: r for r in summary.rows}
    assert rows["ALPHA"].rags["overall"] == "red" and rows["ALPHA"].previous["overall"] == "green"
    assert rows["ALPHA"].changes["overall"] == "worse" and rows["BETA"].changes["overall"] == ""
    assert summary.counts() == {"red": 1, "amber": 1, "green": 0, "": 0}
    assert [m.name for _p, m in summary.milestones] == ["結合テスト完了"]
    assert [r.code for _p, r in summary.risks] == ["R-001", "R-002"]
    assert summary.hotspots[0].person == "田中 一郎" and summary.hotspots[0].peak_percent == 135.0
    assert [f.project.code for f in summary.financials] == ["ALPHA"]
    assert summary.totals is not None and summary.totals.variance == -1_000_000.0
    assert [(p.code, g["phase"]) for p, g in summary.gates] == [("ALPHA", "詳細設計")]


def test_summary_totals_only_one_currency(world):
    """Figures in two currencies are listed each with its own, and not added up."""
    make_report(world.project, WEEK)
    make_report(
        world.other, WEEK, facts={"currency": "USD", "bac": 70_000.0, "ac": 30_000.0, "eac": 75_000.0}
    )
    summary = portfolio_summary(world.pmo, week=WEEK)
    assert sorted(f.currency for f in summary.financials) == ["JPY", "USD"]
    assert summary.totals is None


def test_summary_shows_only_readable_projects(world):
    """A team member sees only their project's row; an outsider sees none."""
    make_report(world.project)
    make_report(world.other)
    assert [r.project.code for r in portfolio_summary(world.member, week=WEEK).rows] == ["ALPHA"]
    assert portfolio_summary(world.outsider, week=WEEK).rows == []


def test_reports_home_page_and_fragment(world):
    """The page shows the matrix with the worsening arrow and the export buttons; htmx gets the fragment."""
    make_report(world.project, LAST_WEEK, rag="green")
    make_report(world.project, WEEK, rag="red")
    client = signed_in(world.pmo)
    response = client.get("/reports/?week=2026-W47")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="matrix-ALPHA"' in html and "rag-worse" in html and 'id="export-pptx"' in html
    assert "/projects/ALPHA/status-reports/2026-W47/export/pdf/" in html
    fragment = client.get("/reports/?week=2026-W47", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="results">')


def test_reports_home_queries_do_not_grow_with_projects(world, portfolio):
    """The page reads the same number of queries for 2 or 7 reported projects (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kuroko.projects.models import Project

    client = signed_in(world.pmo)
    projects = list(Project.objects.filter(status__in=("active", "on_hold")).order_by("code"))
    for project in projects[:2]:
        make_report(project)
    client.get("/reports/?week=2026-W47")  # warm the session and the language
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/?week=2026-W47")
    for project in projects[2:]:
        make_report(project)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/reports/?week=2026-W47").content.decode()
    assert html.count('id="matrix-') == len(projects) > 2
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("week=2026-W99", "2026 has no week 99."),
        ("week=yesterday", "yesterday is not an ISO week such as 2026-W47."),
        ("program=NOPE", "There is no program NOPE."),
        ("week=9999-W52", "9999-W52 is outside the years 2000–2100."),  # no next week to link
        ("week=0001-01-01", "0001-01-01 is outside the years 2000–2100."),  # no previous week
    ],
    ids=["no-such-week", "not-a-week", "unknown-program", "after-the-years", "before-the-years"],
)
def test_reports_home_bad_filters_are_said_not_500(world, query, said):
    """A bad week or program is reported on the page as an error, which shows this week."""
    response = signed_in(world.pmo).get(f"/reports/?{query}")
    assert response.status_code == 200
    assert f'<li class="msg msg-error">{said}</li>' in response.content.decode()
    assert response.context["week_label"] == week_label(week_start(timezone.localdate()))


def test_project_export_archives_and_downloads_each_format(world):
    """A project's report downloads as PDF, Excel and PowerPoint; each is archived with its file."""
    make_report(world.project)
    client = signed_in(world.pm)
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("pptx", b"PK")):
        response = client.get(f"/projects/ALPHA/status-reports/2026-W47/export/{fmt}/")
        assert response.status_code == 200, fmt
        data = b"".join(response.streaming_content)
        assert data[:4].startswith(magic)
        assert f"status-ALPHA-2026-W47.{fmt}" in response["Content-Disposition"]
    files = list(GeneratedReport.objects.order_by("pk"))
    assert [g.format for g in files] == ["pdf", "xlsx", "pptx"]
    assert all(exports.archive_path(g).is_file() and g.created_by == world.pm for g in files)
    assert files[0].audience == "team" and files[0].project == world.project


def test_project_workbook_in_japanese_holds_the_report(world):
    """The Excel export in Japanese has the report's sections, colours with reasons and risks."""
    from openpyxl import load_workbook

    make_report(world.project)
    generated = exports.project_report_export(
        actor=world.pmo, project=world.project, week=WEEK, fmt="xlsx", language="ja"
    )
    book = load_workbook(exports.archive_path(generated))
    assert book.sheetnames[0] == "サマリー"
    texts = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert "結合テストが遅れています。" in texts
    assert "ベンダー納期遅延" in texts
    assert any("顧客承認待ち" in t for t in texts)
    assert generated.language == "ja" and generated.audience == "pmo"


def test_executive_audience_sees_fewer_sections(world):
    """The executive level leaves out governance and resources (the default levels)."""
    from kuroko.reporting.documents import project_document

    report = make_report(world.project)
    team = [
        s.title for s in project_document(report, audience="team", language="en", with_charts=False).sections
    ]
    execs = [s.title for s in project_document(report, audience="executive", language="en").sections]
    assert "Over-allocations" in team and "Governance" in team
    assert "Over-allocations" not in execs and "Governance" not in execs and "Summary" in execs


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fmt": "docx"}, "format"),  # not a report format
        ({"fmt": "pdf", "language": "fr"}, "lang"),  # not a language of Kuroko
        ({"fmt": "pdf", "kind": "minutes"}, "kind"),  # minutes are not a portfolio report
    ],
)
def test_portfolio_export_bad_input_names_the_field_and_writes_nothing(world, kwargs, field):
    """Bad input raises a ValidationError naming its field; no file and no archive row are written."""
    with pytest.raises(ValidationError) as caught:
        exports.portfolio_export(actor=world.pmo, week=WEEK, **kwargs)
    assert field in caught.value.message_dict
    assert GeneratedReport.objects.count() == 0
    assert not exports.reports_dir().exists() or not any(exports.reports_dir().rglob("*.*"))


def test_executive_pack_has_summary_slides_and_a_slide_per_project(world):
    """The pack opens with the summary's slides and has one slide per project with its colour."""
    from pptx import Presentation

    make_report(world.project)
    generated = exports.portfolio_export(actor=world.executive, week=WEEK, fmt="pptx", kind="executive_pack")
    prs = Presentation(exports.archive_path(generated))
    titles = [s.shapes[0].text_frame.text for s in prs.slides]
    assert titles[0] == "Executive pack"
    assert "RAG matrix" in titles and "ALPHA Alpha" in titles and "BETA Beta" in titles
    assert generated.audience == "executive" and generated.project is None


def test_portfolio_export_view_downloads_the_workbook(world):
    """The Excel button downloads the summary workbook with the RAG matrix sheet."""
    from openpyxl import load_workbook

    make_report(world.project)
    response = signed_in(world.pmo).get("/reports/export/xlsx/?week=2026-W47")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    matrix = book["RAG matrix"]
    assert [c.value for c in matrix[3]][:2] == ["Program", "Project"]
    assert "ALPHA Alpha" in [c.value for c in matrix["B"]]


def test_archive_shows_each_user_what_concerns_them(world):
    """The PMO sees every file; a member the files of their project and their own portfolio files; the
    outsider none; downloading another's file is refused."""
    make_report(world.project)
    make_report(world.other)
    alpha = exports.project_report_export(actor=world.pmo, project=world.project, week=WEEK, fmt="xlsx")
    beta = exports.project_report_export(actor=world.pmo, project=world.other, week=WEEK, fmt="xlsx")
    mine = exports.portfolio_export(actor=world.member, week=WEEK, fmt="xlsx")
    theirs = exports.portfolio_export(actor=world.pm, week=WEEK, fmt="xlsx")
    assert set(archive_list(world.pmo)) == {alpha, beta, mine, theirs}
    assert set(archive_list(world.member)) == {alpha, mine}
    assert list(archive_list(world.outsider)) == []
    client = signed_in(world.member)
    assert client.get(f"/reports/archive/{alpha.pk}/download/").status_code == 200
    assert client.get(f"/reports/archive/{beta.pk}/download/").status_code == 403
    assert client.get(f"/reports/archive/{theirs.pk}/download/").status_code == 403


def test_archive_page_lists_and_filters(world, django_assert_max_num_queries):
    """The archive page lists files with filters, in a bounded number of queries."""
    make_report(world.project)
    for fmt in ("pdf", "xlsx", "xlsx"):
        exports.project_report_export(actor=world.pmo, project=world.project, week=WEEK, fmt=fmt)
    client = signed_in(world.pmo)
    client.get("/reports/archive/")  # warm the session and the language
    with django_assert_max_num_queries(12):
        html = client.get("/reports/archive/?format=xlsx").content.decode()
    assert html.count('<span class="chip">PDF</span>') == 0
    assert html.count('<span class="chip">Excel</span>') == 2 and html.count("Status report ALPHA") == 2


def schedule_data(world: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "name": "ALPHA 週報",
        "kind": "project",
        "formats": ["pdf", "xlsx"],
        "audience": "team",
        "project": world.project,
        "program": None,
        "weekday": 4,
        "at": time(17, 0),
        "subscribers": [world.pm, world.member],
        "enabled": True,
    }
    data.update(extra)
    return data


def test_schedule_permissions(world):
    """The PMO schedules anything; a PM their own project's report only; others nothing."""
    assert exports.schedule_create(actor=world.pmo, data=schedule_data(world, kind="portfolio", project=None))
    assert exports.schedule_create(actor=world.pm, data=schedule_data(world)).owner == world.pm
    for actor, data in (
        (world.pm, schedule_data(world, project=world.other)),  # not their project
        (world.pm, schedule_data(world, kind="portfolio", project=None)),  # the portfolio is the PMO's
        (world.member, schedule_data(world)),  # team members do not schedule
        (world.executive, schedule_data(world)),  # executives read only
    ):
        with pytest.raises(PermissionDenied):
            exports.schedule_create(actor=actor, data=data)
    assert ReportSchedule.objects.count() == 2


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": "  "}, "name"),  # no name
        ({"formats": []}, "formats"),  # no format
        ({"formats": ["pdf", "docx"]}, "formats"),  # an unknown format
        ({"kind": "minutes"}, "kind"),  # minutes are not scheduled here
        ({"project": None}, "project"),  # a project report without a project
        ({"weekday": 7}, "weekday"),  # no eighth day
        ({"audience": "board"}, "audience"),  # unknown audience
    ],
)
def test_schedule_bad_input_names_the_field(world, extra, field):
    """Each bad value is refused with a message on its field; nothing is saved."""
    with pytest.raises(ValidationError) as caught:
        exports.schedule_create(actor=world.pmo, data=schedule_data(world, **extra))
    assert field in caught.value.message_dict
    assert ReportSchedule.objects.count() == 0


def test_due_schedule_runs_once_and_mails_each_subscriber(world):
    """On Friday 17:05 the Friday-17:00 schedule generates its files per language and audience, archives
    them and e-mails each subscriber with the files attached; the next check does not run it again."""
    make_report(world.project)
    world.member.language = "ja"
    for user in (world.pm, world.member):
        user.email = f"{user.username}@example.com"
        user.save()
    schedule = exports.schedule_create(actor=world.pm, data=schedule_data(world))
    friday = timezone.make_aware(datetime(2026, 11, 20, 17, 5))
    assert exports.schedules_run_due(now=friday) == [schedule.pk]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.pm.email, world.member.email])
    assert all(len(m.attachments) == 2 for m in mail.outbox)
    names = {a[0] for m in mail.outbox for a in m.attachments}
    assert names == {"status-ALPHA-2026-W47.pdf", "status-ALPHA-2026-W47.xlsx"}
    files = GeneratedReport.objects.filter(schedule=schedule)
    assert sorted(files.values_list("language", flat=True)) == ["en", "en", "ja", "ja"]
    assert exports.schedules_run_due(now=friday.replace(minute=10)) == []
    schedule.refresh_from_db()
    assert schedule.last_run_at == friday


def test_schedule_not_due_or_missed_long_ago_does_not_run(world):
    """Before its time, or more than six hours late (workers down), a schedule does not run."""
    exports.schedule_create(actor=world.pmo, data=schedule_data(world, kind="portfolio", project=None))
    assert exports.schedules_run_due(now=timezone.make_aware(datetime(2026, 11, 20, 16, 59))) == []
    assert exports.schedules_run_due(now=timezone.make_aware(datetime(2026, 11, 21, 0, 1))) == []
    assert not mail.outbox


def test_run_now_button_queues_the_run(world):
    """ "Run now" runs the schedule (the immediate backend in tests) and mails the subscribers."""
    world.executive.email = "exec@example.com"
    world.executive.save()
    schedule = exports.schedule_create(
        actor=world.pmo,
        data=schedule_data(world, kind="portfolio", project=None, subscribers=[world.executive]),
    )
    response = signed_in(world.pmo).post(f"/reports/schedules/{schedule.pk}/run/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[world.executive.email]]
    assert GeneratedReport.objects.filter(schedule=schedule, audience="executive").count() == 2


def test_schedule_pages_create_edit_delete(world):
    """A PM creates their project's schedule on the page, edits and deletes it."""
    client = signed_in(world.pm)
    assert client.get("/reports/schedules/new/?project=ALPHA").status_code == 200
    form = {"name": "Weekly", "kind": "project", "formats": ["pdf"], "audience": "team", "project": "ALPHA",
            "program": "", "weekday": "4", "at": "17:00", "subscribers": [world.pm.pk],
            "enabled": "on"}  # fmt: skip
    assert client.post("/reports/schedules/new/", form).status_code == 302
    schedule = ReportSchedule.objects.get(name="Weekly")
    bad = client.post("/reports/schedules/new/", {**form, "project": "BETA"})
    assert bad.status_code == 200 and b"Select a valid choice" in bad.content
    assert client.post(f"/reports/schedules/{schedule.pk}/", {**form, "weekday": "0"}).status_code == 302
    schedule.refresh_from_db()
    assert schedule.weekday == 0
    page = client.get("/reports/schedules/").content.decode()
    assert "Weekly" in page and "Run now" in page
    assert client.post(f"/reports/schedules/{schedule.pk}/delete/").status_code == 302
    assert not ReportSchedule.objects.exists()


def test_scheduler_queues_the_schedule_check_every_five_minutes():
    """The reporting app registers an interval job whose slots fall on five-minute marks."""
    from kuroko.core.scheduler import PERIODIC

    job = PERIODIC["reporting.schedules"]
    slot = job.last_slot(timezone.make_aware(datetime(2026, 11, 20, 17, 7, 31)))
    assert slot == timezone.make_aware(datetime(2026, 11, 20, 17, 5))


# --- kuroko report ---------------------------------------------------------------------------------


@pytest.fixture
def kuroko(monkeypatch):
    """Run the CLI in this process on the test database."""
    monkeypatch.setattr(cli, "_django", lambda **env: None)
    monkeypatch.setattr(cli, "_manage", lambda *args: None)
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(cli.app, list(args))
        result.text = " ".join(result.output.split())
        return result

    return run


def test_cli_writes_a_project_report_and_archives_it(world, kuroko, tmp_path):
    """`kuroko report ALPHA --week 2026-W47 --format pdf -o FILE` writes the PDF and archives it."""
    make_report(world.project)
    out = tmp_path / "alpha.pdf"
    result = kuroko("report", "ALPHA", "--week", "2026-W47", "--format", "pdf", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"%PDF"
    assert GeneratedReport.objects.get().project == world.project


def test_cli_writes_the_portfolio_in_japanese(world, kuroko, tmp_path):
    """--portfolio --lang ja --format xlsx writes the Japanese summary workbook."""
    from openpyxl import load_workbook

    make_report(world.project)
    out = tmp_path / "portfolio.xlsx"
    result = kuroko("report", "--portfolio", "--week", "2026-W47", "--format", "xlsx", "--lang", "ja",
                    "--output", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "RAGマトリクス" in load_workbook(out).sheetnames


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE", "--week", "2026-W47"], "There is no project 'NOPE'"),  # unknown project
        (["ALPHA", "--week", "2026-W60"], "2026 has no week 60"),  # bad week
        (["--portfolio", "--week", "0001-01-01"], "outside the years"),  # a week no report can have
        (["--portfolio", "--week", "9999-W52"], "outside the years"),
        (["ALPHA", "--format", "docx"], "--format"),  # bad format
        (["ALPHA", "--lang", "fr"], "--lang"),  # bad language
        (["--portfolio", "--program", "NOPE"], "no program NOPE"),  # unknown program
        ([], "Name a project or pass --portfolio"),  # neither
        (["ALPHA", "--portfolio"], "Name a project or pass --portfolio"),  # both
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(world, kuroko, tmp_path, args, message):
    """Bad input prints a message and exits 2; no file is written or archived."""
    make_report(world.project)
    out = tmp_path / "out.pdf"
    result = kuroko("report", *args, "--output", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.text
    assert not out.exists() and GeneratedReport.objects.count() == 0


def test_cli_unwritable_output_exits_2(world, kuroko, tmp_path):
    """An output in a missing folder (or a folder itself) is refused before anything is generated."""
    make_report(world.project)
    for target in (tmp_path / "missing" / "x.pdf", tmp_path):
        result = kuroko("report", "ALPHA", "--week", "2026-W47", "--output", str(target))
        assert result.exit_code == 2 and "cannot be written" in result.text
    assert GeneratedReport.objects.count() == 0
    assert not any(Path(tmp_path).rglob("*.pdf"))


@pytest.mark.parametrize(
    "minutes",
    [
        0,  # no interval
        7,  # does not divide a day
        1441,  # longer than a day
    ],
)
def test_interval_jobs_divide_a_day(minutes):
    """An interval job's minutes must divide a day."""
    from kuroko.core.scheduler import register_interval

    with pytest.raises(ValueError, match="divide a day"):
        register_interval("test.bad", object(), minutes=minutes)


def test_interval_job_is_queued_once_per_slot(monkeypatch):
    """The worker's scheduler queues an interval job once per five-minute slot."""
    from kuroko.core import scheduler

    queued = []

    class FakeTask:
        def enqueue(self) -> None:
            queued.append(1)

    monkeypatch.setattr(scheduler, "PERIODIC", {})
    scheduler.register_interval("test.every5", FakeTask(), minutes=5)
    at = timezone.make_aware(datetime(2026, 11, 20, 17, 6))
    assert scheduler.periodic_enqueue_due(at) == ["test.every5"]
    assert scheduler.periodic_enqueue_due(at.replace(minute=9)) == []
    assert scheduler.periodic_enqueue_due(at.replace(minute=10)) == ["test.every5"]
    assert len(queued) == 2


# --- Who reads which file, failing schedules, edge weeks and what the files say ------------------------


def test_subscriber_reads_only_the_schedule_file_made_for_them(world):
    """A portfolio schedule's copy made for the PMO (all projects) is not readable by a member subscriber."""
    make_report(world.project)
    make_report(world.other)
    schedule = exports.schedule_create(
        actor=world.pmo,
        data=schedule_data(
            world, kind="portfolio", project=None, formats=["xlsx"], subscribers=[world.pmo, world.member]
        ),
    )
    files = exports.schedule_run(schedule=schedule, now=timezone.make_aware(datetime(2026, 11, 20, 17, 5)))
    pmo_file = next(g for g in files if g.created_by == world.pmo)
    member_file = next(g for g in files if g.created_by == world.member)
    assert set(archive_list(world.member)) == {member_file}
    client = signed_in(world.member)
    assert client.get(f"/api/v1/reports/archive/{pmo_file.pk}/download").status_code == 403
    assert client.get(f"/reports/archive/{member_file.pk}/download/").status_code == 200


def test_a_failing_schedule_does_not_stop_the_others_and_is_retried(world, monkeypatch):
    """When a schedule's files all fail, the next schedule still runs and the failed one runs again later."""
    make_report(world.project)
    data = {"kind": "portfolio", "project": None, "subscribers": [world.pmo]}
    broken = exports.schedule_create(actor=world.pmo, data=schedule_data(world, name="A", **data))
    fine = exports.schedule_create(actor=world.pmo, data=schedule_data(world, name="B", **data))
    real = exports.render

    calls: list[str] = []

    def render(doc: Any, fmt: str) -> bytes:
        calls.append(fmt)
        if len(calls) <= 2:  # the first schedule's two formats
            raise RuntimeError("renderer crashed")
        return real(doc, fmt)

    monkeypatch.setattr(exports, "render", render)
    friday = timezone.make_aware(datetime(2026, 11, 20, 17, 5))
    assert exports.schedules_run_due(now=friday) == [fine.pk]
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.last_run_at is None and fine.last_run_at == friday
    assert exports.schedules_run_due(now=friday.replace(minute=10)) == [broken.pk]


@pytest.mark.parametrize(
    "url", ["/reports/export/pdf/?week=0001-01-01", "/reports/export/xlsx/?week=9999-W52"]
)
def test_portfolio_export_of_an_edge_week_is_refused_not_500(world, url):
    """A week outside 2000–2100 is said on the summary page; nothing is archived."""
    response = signed_in(world.pmo).get(url, follow=True)
    assert response.status_code == 200 and b"outside the years" in response.content
    assert GeneratedReport.objects.count() == 0


def test_summary_variance_is_the_reported_vac_not_budget_minus_eac(world):
    """The financials' variance is the report's VAC (BAC − EAC); the approved budget is shown beside it."""
    make_report(world.project, facts={"budget": 50_000_000.0, "vac": -1_000_000.0})
    financial = portfolio_summary(world.pmo, week=WEEK).financials[0]
    assert financial.budget == 50_000_000.0 and financial.variance == -1_000_000.0


def test_drafts_do_not_count_as_reported_and_are_marked(world):
    """A draft is not counted in "N of M projects reported" (page, files) and is marked in the matrix."""
    make_report(world.project)
    make_report(world.other)
    StatusReport.objects.filter(project=world.other).update(status="draft")
    summary = portfolio_summary(world.pmo, week=WEEK)
    assert summary.reported == 1 and summary.counts()["red"] == 1
    from kuroko.reporting import documents

    doc = documents.portfolio_document(world.pmo, week=WEEK)
    assert "1 of 2 projects reported" in doc.sections[0].blocks[0].text
    matrix = next(b for b in doc.sections[0].blocks if hasattr(b, "rows"))
    assert any("BETA Beta (Draft)" in str(cell) for row in matrix.rows for cell in row)
    html = signed_in(world.pmo).get("/reports/?week=2026-W47").content.decode()
    assert "1 of 2 projects reported" in html and 'chip" title="Not submitted yet' in html


def _workbook_values(generated: GeneratedReport) -> set[str]:
    from openpyxl import load_workbook

    book = load_workbook(exports.archive_path(generated))
    return {str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None}


def test_japanese_files_and_page_name_the_stored_keys_in_japanese(world):
    """Risk levels, issue severity/priority/status, gate states and finding severities read in Japanese in
    the project and portfolio files and on the summary page, not as the stored English keys."""
    keys = {"high", "medium", "critical", "urgent", "open", "in_review", "upcoming"}
    make_report(
        world.project,
        facts={
            "issues": [IssueFact(1, "I-001", "API 仕様差異", "critical", "urgent", "open", "佐藤", None, "")],
            "findings": [FindingFact("dcma.logic", "high", "論理の欠落", None)],
            "gate": {"phase": "詳細設計", "status": "in_review", "due": "2026-11-27", "decision": ""},
        },
    )
    project = exports.project_report_export(
        actor=world.pmo, project=world.project, week=WEEK, fmt="xlsx", language="ja"
    )
    portfolio = exports.portfolio_export(actor=world.pmo, week=WEEK, fmt="xlsx", language="ja")
    assert not keys & _workbook_values(project)
    assert not keys & _workbook_values(portfolio)
    assert "判定中" in _workbook_values(portfolio)
    html = signed_in(world.pmo).get("/reports/?week=2026-W47", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert ">high<" not in html and ">in_review<" not in html


def test_executive_slide_top_risks_leave_out_closed_risks(world):
    """A project's slide lists its open risks only, with scores to one place."""
    from kuroko.reporting import documents

    make_report(
        world.project,
        facts={
            "risks": [
                RiskFact(1, "R-001", "Open one", "high", 16.0, "A", None, ""),
                RiskFact(2, "R-009", "Closed last week", "high", 20.0, "B", None, "closed"),
            ]
        },
    )
    doc = documents.executive_pack(world.pmo, week=WEEK)
    slide = next(sec for sec in doc.sections if sec.title.startswith("ALPHA"))
    table = next(b for b in slide.blocks if hasattr(b, "rows"))
    assert [row[0] for row in table.rows] == ["R-001"]


def test_a_project_schedule_refuses_subscribers_who_cannot_read_the_project(world):
    """Subscribing the outsider to ALPHA's report is refused on "subscribers", naming them; nothing saved."""
    with pytest.raises(ValidationError) as caught:
        exports.schedule_create(
            actor=world.pm, data=schedule_data(world, subscribers=[world.pm, world.outsider])
        )
    assert "outsider" in caught.value.message_dict["subscribers"][0]
    schedule = exports.schedule_create(actor=world.pm, data=schedule_data(world))
    with pytest.raises(ValidationError):
        exports.schedule_update(actor=world.pm, schedule=schedule, data={"subscribers": [world.outsider]})
    assert set(schedule.subscribers.all()) == {world.pm, world.member}


def _pdf_uris(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(path).pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]


def test_pdf_links_are_absolute_with_the_site_address(world, settings):
    """With KUROKO_BASE_URL set, the summary PDF's links open the site's pages (no relative /projects/…)."""
    settings.KUROKO_BASE_URL = "https://pmo.example.com/"
    make_report(world.project)
    generated = exports.portfolio_export(actor=world.pmo, week=WEEK, fmt="pdf")
    uris = _pdf_uris(exports.archive_path(generated))
    assert "https://pmo.example.com/projects/ALPHA/status-reports/" in uris
    assert all(uri.startswith("https://pmo.example.com/") for uri in uris)


def test_pdf_without_a_site_address_writes_paths_as_text(world, settings):
    """Without KUROKO_BASE_URL, a page of the site is named in the PDF but not linked (a relative link would
    not open from a file)."""
    from pypdf import PdfReader

    settings.KUROKO_BASE_URL = ""
    make_report(world.project)
    generated = exports.portfolio_export(actor=world.pmo, week=WEEK, fmt="pdf")
    path = exports.archive_path(generated)
    assert _pdf_uris(path) == []
    assert "ALPHA Alpha" in "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_summary_page_names_each_currency_without_a_total(world):
    """With two currencies the page names each project's currency and shows no total row."""
    make_report(world.project, WEEK)
    make_report(
        world.other, WEEK, facts={"currency": "USD", "bac": 70_000.0, "ac": 30_000.0, "eac": 75_000.0}
    )
    page = signed_in(world.pmo).get("/reports/?week=2026-W47").content.decode()
    financials = page[page.index('id="financials"') :]
    assert "(USD)" in financials and "(JPY)" in financials and "<tfoot>" not in financials
