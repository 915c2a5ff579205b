"""Report exports: a project's status report, the portfolio summary and the executive pack rendered as
PDF, Excel or PowerPoint, each file archived under KUROKO_DATA_DIR/reports/ as a `GeneratedReport`; report
schedules (create, update, delete, run now) and the background run of the schedules that are due, which
e-mails each subscriber the files in their language and audience."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuroko.core.permissions import is_pmo, require
from kuroko.formats.report_doc import Document
from kuroko.projects.models import Program, Project
from kuroko.projects.permissions import can_view_project
from kuroko.reporting import documents
from kuroko.reporting.levels import audience_for
from kuroko.reporting.models import (
    Audience,
    GeneratedReport,
    ReportFormat,
    ReportKind,
    ReportSchedule,
    StatusReport,
)
from kuroko.reporting.permissions import can_create_schedules, can_manage_schedule, can_schedule_for
from kuroko.reporting.weeks import week_label, week_start

log = logging.getLogger(__name__)

FORMATS = tuple(f.value for f in ReportFormat)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
CATCH_UP = timedelta(hours=6)


def reports_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def render(doc: Document, fmt: str) -> bytes:
    """A document as a file of `fmt` ("pdf", "xlsx" or "pptx")."""
    if fmt == "pdf":
        from kuroko.formats.report_pdf import render_pdf

        return render_pdf(doc)
    if fmt == "xlsx":
        from kuroko.formats.report_xlsx import render_xlsx

        return render_xlsx(doc)
    if fmt == "pptx":
        from kuroko.formats.report_pptx import render_pptx

        return render_pptx(doc)
    raise ValidationError(
        {"format": _("%(value)s is not a report format (pdf, xlsx or pptx).") % {"value": fmt}}
    )


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationError(
            {"format": _("%(value)s is not a report format (pdf, xlsx or pptx).") % {"value": fmt}}
        )
    return fmt


def check_language(language: str | None, user: Any = None) -> str:
    """The language asked for, else the user's, else the site's."""
    chosen = language or getattr(user, "language", "") or settings.LANGUAGE_CODE
    chosen = chosen.split("-")[0]
    if chosen not in LANGUAGES:
        raise ValidationError(
            {"lang": _("%(value)s is not a language of Kuroko (en or ja).") % {"value": chosen}}
        )
    return chosen


def _audience(user: Any, asked: str | None) -> str:
    """The PMO may export for any audience; others get their own."""
    if asked and is_pmo(user):
        if asked not in Audience.values:
            raise ValidationError({"audience": _("%(value)s is not an audience.") % {"value": asked}})
        return asked
    return audience_for(user)


def archive_save(
    *,
    data: bytes,
    kind: str,
    fmt: str,
    title: str,
    file_name: str,
    week: date | None = None,
    project: Project | None = None,
    program: Program | None = None,
    schedule: ReportSchedule | None = None,
    audience: str = Audience.PMO,
    language: str = "",
    actor: Any = None,
) -> GeneratedReport:
    """Write a generated file under KUROKO_DATA_DIR/reports/<year>/<month>/ and record it; the file is
    removed again when the record cannot be written."""
    now = timezone.localtime()
    relative = Path(f"{now:%Y}") / f"{now:%m}" / f"{uuid.uuid4().hex[:12]}-{file_name}"
    path = reports_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        with transaction.atomic():
            return GeneratedReport.objects.create(
                kind=kind,
                format=fmt,
                title=title[:255],
                week=week,
                project=project,
                program=program,
                schedule=schedule,
                audience=audience,
                language=language,
                file=relative.as_posix(),
                size=len(data),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def archive_path(generated: GeneratedReport) -> Path:
    """The stored file of an archive row (never outside the reports folder)."""
    root = reports_dir().resolve()
    path = (root / generated.file).resolve()
    if root not in path.parents:
        raise PermissionDenied(_("This report file is outside the archive."))
    return path


def _report_for(project: Project, week: date, actor: Any) -> StatusReport:
    report = StatusReport.objects.select_related("project").filter(project=project, week=week).first()
    if report is None:
        from kuroko.reporting.services.status import report_get_or_draft

        report = report_get_or_draft(project=project, week=week, actor=actor)
    return report


def project_report_export(
    *,
    actor: Any,
    project: Project,
    week: date,
    fmt: str,
    language: str | None = None,
    audience: str | None = None,
    schedule: ReportSchedule | None = None,
) -> GeneratedReport:
    """A project's status report of a week as a file, archived."""
    check_format(fmt)
    require(
        can_view_project(actor, project),
        _("You are not a member of project %(code)s.") % {"code": project.code},
    )
    lang = check_language(language, actor)
    chosen = _audience(actor, audience)
    week = week_start(week)
    report = _report_for(project, week, actor)
    doc = documents.project_document(report, audience=chosen, language=lang, user=actor)
    data = render(doc, fmt)
    return archive_save(
        data=data,
        kind=ReportKind.PROJECT,
        fmt=fmt,
        title=doc.title,
        week=week,
        project=project,
        program=project.program,
        schedule=schedule,
        audience=chosen,
        language=lang,
        actor=actor,
        file_name=documents.file_name("project", fmt, week=week, code=project.code),
    )


def portfolio_export(
    *,
    actor: Any,
    week: date,
    fmt: str,
    kind: str = ReportKind.PORTFOLIO,
    program: Program | None = None,
    language: str | None = None,
    audience: str | None = None,
    schedule: ReportSchedule | None = None,
) -> GeneratedReport:
    """The portfolio summary (or, with `kind` "executive_pack", the executive pack) of a week, archived."""
    check_format(fmt)
    require(getattr(actor, "is_authenticated", False))
    lang = check_language(language, actor)
    week = week_start(week)
    chosen: str
    if kind == ReportKind.EXECUTIVE_PACK:
        chosen = Audience.EXECUTIVE
        doc = documents.executive_pack(actor, week=week, program=program, language=lang)
    elif kind == ReportKind.PORTFOLIO:
        chosen = _audience(actor, audience)
        doc = documents.portfolio_document(actor, week=week, program=program, audience=chosen, language=lang)
    else:
        raise ValidationError({"kind": _("%(value)s is not a portfolio report.") % {"value": kind}})
    data = render(doc, fmt)
    return archive_save(
        data=data,
        kind=kind,
        fmt=fmt,
        title=doc.title,
        week=week,
        program=program,
        schedule=schedule,
        audience=chosen,
        language=lang,
        actor=actor,
        file_name=documents.file_name(kind, fmt, week=week, code=program.code if program else ""),
    )


# --- schedules ---------------------------------------------------------------------------------------

SCHEDULE_KINDS = (ReportKind.PROJECT, ReportKind.PORTFOLIO, ReportKind.EXECUTIVE_PACK)


def schedule_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a schedule's fields (all problems at once, each naming its field)."""
    errors: dict[str, str] = {}
    out = dict(data)
    if not str(out.get("name") or "").strip():
        errors["name"] = _("Name the schedule.")
    if out.get("kind") not in SCHEDULE_KINDS:
        errors["kind"] = _("Choose a project report, the portfolio summary or the executive pack.")
    formats = list(out.get("formats") or [])
    if not formats or any(f not in FORMATS for f in formats):
        errors["formats"] = _("Choose one or more formats: pdf, xlsx, pptx.")
    out["formats"] = [f for f in FORMATS if f in formats]
    if out.get("kind") == ReportKind.PROJECT and out.get("project") is None:
        errors["project"] = _("A project report needs a project.")
    if out.get("kind") != ReportKind.PROJECT and out.get("project") is not None:
        errors["project"] = _("Only a project report covers one project; choose a program or nothing.")
    if out.get("project") is not None and out.get("program") is not None:
        errors["program"] = _("A schedule covers a project or a program, not both.")
    weekday = out.get("weekday")
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        errors["weekday"] = _("The weekday is 0 (Monday) to 6 (Sunday).")
    if out.get("audience", Audience.PMO) not in Audience.values:
        errors["audience"] = _("Choose an audience.")
    if errors:
        raise ValidationError(errors)
    out["name"] = str(out["name"]).strip()
    return out


def _check_subscribers(data: Mapping[str, Any]) -> None:
    """A project report's subscribers must read the project (else they would get nothing yet see the
    schedule); ValidationError on "subscribers" naming them."""
    project = data.get("project")
    if data.get("kind") != ReportKind.PROJECT or project is None:
        return
    blind = [str(u) for u in data.get("subscribers") or [] if not can_view_project(u, project)]
    if blind:
        raise ValidationError(
            {
                "subscribers": _("%(names)s cannot read project %(code)s.")
                % {"names": ", ".join(blind), "code": project.code}
            }
        )


def _schedule_write(schedule: ReportSchedule, data: dict[str, Any]) -> ReportSchedule:
    for name in ("name", "kind", "formats", "audience", "project", "program", "weekday", "at", "enabled"):
        if name in data:
            setattr(schedule, name, data[name])
    schedule.save()
    if "subscribers" in data:
        schedule.subscribers.set(data["subscribers"])
    return schedule


@transaction.atomic
def schedule_create(*, actor: Any, data: Mapping[str, Any]) -> ReportSchedule:
    """A new schedule owned by `actor` (the PMO: any; a project manager: their project's report)."""
    require(can_create_schedules(actor))
    clean = schedule_clean(data)
    require(
        can_schedule_for(actor, kind=clean["kind"], project=clean.get("project")),
        _("You may schedule only the reports of projects you manage."),
    )
    _check_subscribers(clean)
    return _schedule_write(ReportSchedule(owner=actor), clean)


@transaction.atomic
def schedule_update(*, actor: Any, schedule: ReportSchedule, data: Mapping[str, Any]) -> ReportSchedule:
    """Change a schedule (the PMO, or its owner)."""
    require(can_manage_schedule(actor, schedule))
    current = {
        "name": schedule.name,
        "kind": schedule.kind,
        "formats": schedule.formats,
        "audience": schedule.audience,
        "project": schedule.project,
        "program": schedule.program,
        "weekday": schedule.weekday,
        "at": schedule.at,
        "enabled": schedule.enabled,
        "subscribers": list(schedule.subscribers.all()),
    }
    clean = schedule_clean({**current, **data})
    require(
        can_schedule_for(actor, kind=clean["kind"], project=clean.get("project")),
        _("You may schedule only the reports of projects you manage."),
    )
    _check_subscribers(clean)
    locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
    return _schedule_write(locked, clean)


@transaction.atomic
def schedule_delete(*, actor: Any, schedule: ReportSchedule) -> None:
    """Delete a schedule; the files it generated stay in the archive."""
    require(can_manage_schedule(actor, schedule))
    schedule.delete()


def _recipients(schedule: ReportSchedule) -> list[Any]:
    users = [u for u in schedule.subscribers.all() if u.is_active]
    return users or ([schedule.owner] if schedule.owner.is_active else [])


class ScheduleRunFailed(Exception):
    """Every file of a schedule's run failed (logged); the run is tried again at the next check."""


def schedule_run(
    *, schedule: ReportSchedule, actor: Any = None, now: datetime | None = None
) -> list[GeneratedReport]:
    """Generate a schedule's reports for each subscriber (in their language and audience, with what they
    may read), archive them and e-mail them; `actor` (run now) must manage the schedule. Subscribers who
    would get the same files share them. Returns the files generated."""
    if actor is not None:
        require(can_manage_schedule(actor, schedule))
    now = now or timezone.now()
    week = week_start(timezone.localtime(now).date())
    made: dict[tuple[Any, ...], list[GeneratedReport]] = {}
    out: list[GeneratedReport] = []
    failed = 0
    for user in _recipients(schedule):
        lang = check_language(None, user)
        audience = schedule.audience if is_pmo(user) else audience_for(user)
        if schedule.kind == ReportKind.PROJECT:
            if schedule.project is None or not can_view_project(user, schedule.project):
                continue
            key: tuple[Any, ...] = (lang, audience)
        else:
            from kuroko.projects.permissions import visible_projects

            key = (lang, audience, frozenset(visible_projects(user).values_list("pk", flat=True)))
        files = made.get(key)
        if files is None:
            files = []
            for fmt in schedule.formats:
                try:
                    if schedule.kind == ReportKind.PROJECT:
                        assert schedule.project is not None
                        files.append(
                            project_report_export(
                                actor=user,
                                project=schedule.project,
                                week=week,
                                fmt=fmt,
                                language=lang,
                                audience=audience,
                                schedule=schedule,
                            )
                        )
                    else:
                        files.append(
                            portfolio_export(
                                actor=user,
                                week=week,
                                fmt=fmt,
                                kind=schedule.kind,
                                program=schedule.program,
                                language=lang,
                                audience=audience,
                                schedule=schedule,
                            )
                        )
                except (ValidationError, PermissionDenied) as exc:
                    log.warning("Schedule %s could not generate %s for %s: %s", schedule.pk, fmt, user, exc)
                except Exception:  # one failing file must not stop the other formats and subscribers
                    log.exception("Schedule %s failed to generate %s for %s", schedule.pk, fmt, user)
                    failed += 1
            made[key] = files
            out.extend(files)
        for generated in files:
            generated.recipients.add(user)
        if files and user.email:
            _mail(schedule, user, files, week, lang)
    if failed and not out:
        raise ScheduleRunFailed(f"Schedule {schedule.pk} generated no file ({failed} failed).")
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_run_at=now)
    schedule.last_run_at = now
    return out


def schedule_run_now(*, actor: Any, schedule: ReportSchedule) -> None:
    """Queue a schedule's run in the background (the PMO, or its owner)."""
    require(can_manage_schedule(actor, schedule))
    from kuroko.reporting.tasks_exports import schedule_run_task

    schedule_run_task.enqueue(schedule.pk)


def _mail(schedule: ReportSchedule, user: Any, files: list[GeneratedReport], week: date, lang: str) -> None:
    with translation.override(lang):
        subject = _("%(name)s — %(week)s") % {"name": schedule.name, "week": week_label(week)}
        body = _("Attached: the reports of schedule %(name)s for %(week)s.") % {
            "name": schedule.name,
            "week": week_label(week),
        }
    message = EmailMessage(subject, body, to=[user.email])
    for generated in files:
        name = Path(generated.file).name.split("-", 1)[-1]
        message.attach(name, archive_path(generated).read_bytes(), CONTENT_TYPES[generated.format])
    try:
        message.send()
    except Exception:  # a failing mail server must not stop the other subscribers
        log.exception("Could not e-mail schedule %s to %s", schedule.pk, user.email)


def schedule_due_slot(schedule: ReportSchedule, now: datetime) -> datetime | None:
    """The latest weekday-and-time slot of a schedule at or before `now`, within a week."""
    local = timezone.localtime(now)
    for back in range(8):
        day = local.date() - timedelta(days=back)
        if day.weekday() != schedule.weekday:
            continue
        slot = timezone.make_aware(datetime.combine(day, schedule.at))
        if slot <= now:
            return slot
    return None


def schedules_run_due(*, now: datetime | None = None) -> list[int]:
    """Run every enabled schedule whose slot has come since its last run (not one missed by more than
    six hours); each is locked while it is checked so that two workers run it once. A run that fails is
    logged, does not stop the others and is tried again at the next check. Returns the ids that ran."""
    now = now or timezone.now()
    ran = []
    for pk in ReportSchedule.objects.filter(enabled=True).values_list("pk", flat=True):
        with transaction.atomic():
            schedule = ReportSchedule.objects.select_for_update().filter(pk=pk, enabled=True).first()
            if schedule is None:
                continue
            slot = schedule_due_slot(schedule, now)
            if slot is None or now - slot > CATCH_UP:
                continue
            if schedule.last_run_at is not None and schedule.last_run_at >= slot:
                continue
            previous = schedule.last_run_at
            # Claimed while locked so that another worker does not run it too; given back if the run fails.
            ReportSchedule.objects.filter(pk=pk).update(last_run_at=now)
        try:
            schedule_run(schedule=schedule, now=now)
        except Exception:
            log.exception("Schedule %s failed; it is tried again at the next check", pk)
            ReportSchedule.objects.filter(pk=pk, last_run_at=now).update(last_run_at=previous)
            continue
        ran.append(pk)
    return ran
