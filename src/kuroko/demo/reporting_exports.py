"""Demo data of report exports: two report schedules — the weekly portfolio PDF to
the PMO and the executives on Fridays at 17:00, and the weekly status report of the demo PM's first
project to its PM (PDF and Excel, Fridays at 16:00). No file is generated at build time: the PDF engine
alone takes a second to load, and the archive fills on the first "run now" or Friday run."""

from __future__ import annotations

from datetime import date, time

from kuroko.core.models import Role, User
from kuroko.projects.models import Project, Status
from kuroko.reporting.models import Audience, ReportKind, ReportSchedule


def build(*, seed: int, today: date) -> None:
    """Add this part's demo rows (called by the demo generator after governance)."""
    users = {u.username: u for u in User.objects.filter(username__in=["pmo", "pm", "exec", "admin"])}
    pmo = users.get("pmo") or users.get("admin")
    if pmo is None:
        return
    portfolio = ReportSchedule.objects.create(
        name="週次ポートフォリオ報告（経営会議用）",
        kind=ReportKind.PORTFOLIO,
        formats=["pdf"],
        audience=Audience.EXECUTIVE,
        weekday=4,
        at=time(17, 0),
        owner=pmo,
    )
    readers = User.objects.filter(role__in=[Role.PMO_ADMIN, Role.PMO_MEMBER, Role.EXECUTIVE], is_active=True)
    portfolio.subscribers.set(readers.order_by("username")[:8])
    pm = users.get("pm")
    person = getattr(pm, "person", None) if pm is not None else None
    project = (
        Project.objects.filter(manager=person, status=Status.ACTIVE).order_by("code").first()
        if person
        else None
    )
    if pm is None or project is None:
        return
    weekly = ReportSchedule.objects.create(
        name=f"{project.code} 週報（PM 確認用）",
        kind=ReportKind.PROJECT,
        formats=["pdf", "xlsx"],
        audience=Audience.TEAM,
        project=project,
        weekday=4,
        at=time(16, 0),
        owner=pm,
    )
    weekly.subscribers.set([pm])
