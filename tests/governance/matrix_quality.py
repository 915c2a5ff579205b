"""Permission-matrix cases and fixture rows of the governance quality part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.permission_cases import Case, api, page

_READ = (200, 200, 200, 200, 200, 403, 302)  # who reads ALPHA
_EDIT = (302, 302, 302, 403, 403, 403, 302)  # who edits ALPHA (a POST redirects)
_ALL = (200, 200, 200, 200, 200, 200, 302)  # everyone signed in

CASES: list[Case] = [
    # Quality page and records: project readers read; project editors change records.
    page(_READ, "project-quality", "GET", "/projects/ALPHA/quality/"),
    page((200, 200, 200, 403, 403, 403, 302), "project-quality-record", "GET",
         "/projects/ALPHA/quality/records/0/"),
    page(_EDIT, "project-quality-record", "POST", "/projects/ALPHA/quality/records/{q_phase}/",
         lambda ids: {"size_pages": "120", "review_findings": "90"}),
    # Defects: readers read and export; contributors (not executives) record; editors and the recorder edit;
    # editors delete.
    page(_READ, "project-defects", "GET", "/projects/ALPHA/defects/?severity=2&status=open&q=x"),
    page((302, 302, 302, 302, 403, 403, 302), "project-defects", "POST", "/projects/ALPHA/defects/",
         lambda ids: {"title": "New defect", "severity": "3", "status": "open", "found_on": "2026-06-01"}),
    page(_READ, "project-defects-export", "GET", "/projects/ALPHA/defects/export/"),
    page(_READ, "defect-detail", "GET", "/defects/{q_defect}/"),
    page((302, 302, 302, 302, 403, 403, 302), "defect-detail", "POST", "/defects/{q_defect}/",
         lambda ids: {"title": "Renamed", "severity": "2", "status": "fixed", "found_on": "2026-06-01"}),
    page(_EDIT, "defect-detail", "POST", "/defects/{q_defect}/", lambda ids: {"action": "delete"},
         label="delete"),
    # A member edits only the defects they recorded: one recorded by the PM is out of reach (page and API).
    page(_EDIT, "defect-detail", "POST", "/defects/{q_defect_pm}/",
         lambda ids: {"title": "Renamed", "severity": "2", "status": "open", "found_on": "2026-06-01"},
         label="recorded by the PM"),
    page((200, 200, 200, 403, 403, 403, 302), "defect-row", "POST", "/defects/{q_defect_pm}/row/",
         lambda ids: {"title": "Inline", "severity": "1", "status": "open", "found_on": "2026-06-01"},
         label="recorded by the PM"),
    page(_READ, "defect-row", "GET", "/defects/{q_defect}/row/"),
    page((200, 200, 200, 200, 403, 403, 302), "defect-row", "POST", "/defects/{q_defect}/row/",
         lambda ids: {"title": "Inline", "severity": "1", "status": "open", "found_on": "2026-06-01"}),
    # Bands: everyone signed in reads; the PMO edits.
    page(_ALL, "quality-indicators", "GET", "/governance/quality-indicators/?type=WF"),
    page((302, 302, 403, 403, 403, 403, 302), "quality-indicators", "POST",
         "/governance/quality-indicators/",
         lambda ids: {"type": "WF", "defect_density_kloc-lower": "2", "defect_density_kloc-upper": "9"}),
    # Lessons: everyone signed in reads; all but executives record; the author (member) and the PMO edit.
    page(_ALL, "lessons", "GET", "/lessons/?q=review&category=quality"),
    page((302, 302, 302, 302, 403, 302, 302), "lessons", "POST", "/lessons/",
         lambda ids: {"title": "L", "category": "risk", "situation": "S", "recommendation": "R"}),
    page(_ALL, "lesson-detail", "GET", "/lessons/{q_lesson}/"),
    page((302, 302, 403, 302, 403, 403, 302), "lesson-detail", "POST", "/lessons/{q_lesson}/",
         lambda ids: {"title": "Edited", "category": "quality", "situation": "S", "recommendation": "R"}),
    page((302, 302, 403, 302, 403, 403, 302), "lesson-detail", "POST", "/lessons/{q_lesson}/",
         lambda ids: {"action": "delete"}, label="delete"),
    # --- API -------------------------------------------------------------------------------------------
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/quality", code="alpha",
        query="by=week"),
    api((200, 200, 200, 403, 403, 403, 401), "PUT", "/projects/{code}/quality/records",
        lambda ids: {"phase": ids["q_phase"], "size_pages": "50"}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/defects", code="alpha",
        query="severity=2&status=open"),
    api((201, 201, 201, 201, 403, 403, 401), "POST", "/projects/{code}/defects",
        lambda ids: {"title": "API defect", "severity": 2}, code="alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/defects/{defect_id}", defect_id="q_defect"),
    api((200, 200, 200, 200, 403, 403, 401), "PATCH", "/defects/{defect_id}",
        lambda ids: {"status": "fixed"}, defect_id="q_defect"),
    api((200, 200, 200, 403, 403, 403, 401), "PATCH", "/defects/{defect_id}",
        lambda ids: {"title": "Patched"}, defect_id="q_defect_pm", label="recorded by the PM"),
    api((204, 204, 204, 403, 403, 403, 401), "DELETE", "/defects/{defect_id}", defect_id="q_defect"),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/quality-indicators", query="project_type=WF"),
    api((200, 200, 403, 403, 403, 403, 401), "PUT", "/quality-indicators",
        lambda ids: {"project_type": "WF", "metric": "tests_per_kloc", "lower": 30, "upper": 60}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/lessons", query="q=review"),
    api((201, 201, 201, 201, 403, 201, 401), "POST", "/lessons",
        lambda ids: {"title": "API lesson", "category": "risk", "situation": "S", "recommendation": "R"}),
    api((200, 200, 200, 200, 200, 200, 401), "GET", "/lessons/{lesson_id}", lesson_id="q_lesson"),
    api((200, 200, 403, 200, 403, 403, 401), "PATCH", "/lessons/{lesson_id}",
        lambda ids: {"title": "Patched"}, lesson_id="q_lesson"),
    api((204, 204, 403, 204, 403, 403, 401), "DELETE", "/lessons/{lesson_id}", lesson_id="q_lesson"),
]  # fmt: skip


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """Rows the cases above need, as ids for their paths (`world` is the matrix fixture's world)."""
    from kuroko.governance.models import Defect, Lesson, Phase, QualityIndicator
    from kuroko.projects.models import ProjectType

    waterfall = ProjectType.objects.get_or_create(code="WF", defaults={"name": "Waterfall"})[0]
    QualityIndicator.objects.create(project_type=waterfall, metric="defect_density_kloc", lower=3, upper=8)
    phase = Phase.objects.create(project=world.project, number=9, name="結合テスト")
    defect = Defect.objects.create(
        project=world.project, title="Crash", severity=2, phase_found=phase, found_on=date(2026, 6, 1),
        created_by=world.member,
    )  # fmt: skip
    by_pm = Defect.objects.create(
        project=world.project, title="Leak", severity=3, found_on=date(2026, 6, 2), created_by=world.pm
    )
    lesson = Lesson.objects.create(
        title="Review early", category="quality", situation="S", recommendation="R", created_by=world.member
    )
    return {"q_phase": phase.pk, "q_defect": defect.pk, "q_defect_pm": by_pm.pk, "q_lesson": lesson.pk}
