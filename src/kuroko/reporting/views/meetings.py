"""Pages of meetings (定例会議, ステアリングコミッティ, 工程完了判定会議, リスクレビュー): the list,
a project's meetings, the series and meeting forms, and the meeting page (agenda before, minutes during
and after, attendance, decisions and actions, distribution, the PDF and the .ics invitation)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core.forms import add_errors
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.models import Role
from kuroko.core.permissions import require, role_of
from kuroko.projects import selectors as project_selectors
from kuroko.raid.services.registers import Refused
from kuroko.reporting import permissions as perms
from kuroko.reporting.forms_meetings import (
    ActionForm,
    AgendaItemForm,
    DecisionForm,
    MeetingFilterForm,
    MeetingForm,
    SeriesForm,
    owner_choices,
    project_choices,
)
from kuroko.reporting.models import Attendance, MeetingStatus
from kuroko.reporting.selectors import meetings as selectors
from kuroko.reporting.services import meetings as services
from kuroko.reporting.services import meetings_minutes as minutes_services


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _back(meeting_pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meeting", args=[meeting_pk]) + anchor)


@login_required
@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    """My upcoming and recent meetings (the PMO sees all), filtered by kind and project."""
    form = MeetingFilterForm(request.GET or {"when": "upcoming"})
    filters = form.filters()
    rows = list(selectors.meetings_list(request.user, filters)[:200])
    return render(
        request,
        "reporting/meetings.html",
        {
            "nav": "meetings",
            "form": form,
            "rows": rows,
            "filters": filters,
            "can_organise": perms.can_organise_meetings(request.user),
            "can_organise_any": _may_organise_some(request.user),
        },
    )


@login_required
@require_GET
def project_meetings(request: HttpRequest, code: str) -> HttpResponse:
    """A project's series and meetings."""
    project = project_selectors.project_get(request.user, code)
    series, rows = selectors.project_meetings(request.user, project)
    now = timezone.now()
    return render(
        request,
        "reporting/meetings_project.html",
        {
            "nav": "portfolio",
            "project": project,
            "series": series,
            "upcoming": [m for m in reversed(rows) if m.end >= now],
            "past": [m for m in rows if m.end < now],
            "can_organise": perms.can_organise_meetings(request.user, project),
        },
    )


def _may_organise_some(user: Any) -> bool:
    """The PMO, and project managers (for the projects they manage); the service checks the project."""
    return perms.can_organise_meetings(user) or role_of(user) == Role.PROJECT_MANAGER


def _initial_scope(request: HttpRequest) -> dict[str, Any]:
    code = request.GET.get("project", "")
    if code:
        project = project_selectors.project_get(request.user, code)
        return {"project": project.pk}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def series_new(request: HttpRequest) -> HttpResponse:
    """A new meeting series (its first meetings are created and the attendees invited)."""
    require(_may_organise_some(request.user))
    initial = {"kind": "progress", "frequency": "weekly", "duration_minutes": 60, "active": True,
               **_initial_scope(request)}  # fmt: skip
    form = SeriesForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(actor=request.user, data=form.data_for_service())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Meeting series created; the attendees were invited."))
            first = series.meetings.order_by("start").first()
            if first is not None:
                return redirect("meeting", first.pk)
            return redirect("meetings")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reporting/meeting_series_form.html", {"nav": "meetings", "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a series: its planned meetings from today on follow."""
    series = selectors.series_get(request.user, pk)
    require(perms.can_organise_meetings(request.user, series.project))
    initial = {"attendees": [u.pk for u in series.attendees.all()]}
    form = SeriesForm(request.POST or None, user=request.user, instance=series, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        try:
            services.series_update(actor=request.user, series=series, data=data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Meeting series saved; its planned meetings were updated."))
            target = (
                reverse("project-meetings", args=[series.project.code])
                if series.project
                else reverse("meetings")
            )
            return redirect(target)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reporting/meeting_series_form.html", {"nav": "meetings", "form": form, "series": series},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def series_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """End a series: its planned meetings are cancelled; held ones stay."""
    series = selectors.series_get(request.user, pk)
    project = series.project
    services.series_delete(actor=request.user, series=series)
    messages.success(request, _("Meeting series ended; its planned meetings were cancelled."))
    return redirect(reverse("project-meetings", args=[project.code]) if project else reverse("meetings"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """A one-off meeting."""
    require(_may_organise_some(request.user))
    initial = {"kind": "other", "duration_minutes": 60, "start_time": "10:00", **_initial_scope(request)}
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, data=form.data_for_service())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Meeting created; the attendees were invited."))
            return redirect("meeting", meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/meeting_form.html", {"nav": "meetings", "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one meeting (a planned meeting's attendees receive the invitation again)."""
    meeting = selectors.meeting_get(request.user, pk)
    require(perms.can_reschedule_meeting(request.user, meeting))
    form = MeetingForm(request.POST or None, user=request.user, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting, data=form.data_for_service(),
                expected_version=_version(request),
            )  # fmt: skip
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Meeting saved."))
            return _back(meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reporting/meeting_form.html", {"nav": "meetings", "form": form, "meeting": meeting},
        status=status,
    )  # fmt: skip


def _meeting_context(request: HttpRequest, meeting: Any, **extra: Any) -> dict[str, Any]:
    can_manage = perms.can_manage_meeting(request.user, meeting)
    items = list(meeting.agenda_items.all())
    return {
        "nav": "meetings",
        "meeting": meeting,
        "items": items,
        "attendees": list(meeting.attendees.all()),
        "attendance_choices": Attendance.choices,
        "can_manage": can_manage,
        "can_reschedule": perms.can_reschedule_meeting(request.user, meeting)
        and meeting.status != MeetingStatus.CANCELLED,
        "editable": can_manage and meeting.status != MeetingStatus.CANCELLED,
        "agenda_open": can_manage and meeting.status == MeetingStatus.PLANNED,
        "item_form": AgendaItemForm(),
        # Choices read once: the decision and action forms repeat under every agenda item.
        "owner_choices": owner_choices() if can_manage else [],
        "project_choices": project_choices(meeting) if can_manage and meeting.project_id is None else [],
        "needs_project": meeting.project_id is None,
        "total_minutes": sum(i.duration_minutes or 0 for i in items),
        **extra,
    }


@login_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting: its agenda (editable before), minutes, attendance, decisions and actions."""
    row = selectors.meeting_get(request.user, pk)
    return render(request, "reporting/meeting.html", _meeting_context(request, row))


def _agenda_done(request: HttpRequest, pk: int, **extra: Any) -> HttpResponse:
    if request.htmx:
        # The minutes list the agenda's items too: redrawn out of band so that both agree.
        row = selectors.meeting_get(request.user, pk)
        context = _meeting_context(request, row, **extra)
        agenda = render_to_string("reporting/meeting.html#agenda", context, request=request)
        notes = render_to_string("reporting/meeting.html#minutes", {**context, "oob": True}, request=request)
        return HttpResponse(agenda + notes)
    if "error" in extra:
        messages.error(request, extra["error"])
    return _back(pk, "#agenda")


@login_required
@require_POST
def agenda_build(request: HttpRequest, pk: int) -> HttpResponse:
    """Build (or rebuild) the agenda from the data; hand-edited items stay."""
    row = selectors.meeting_get(request.user, pk)
    try:
        services.agenda_build(actor=request.user, meeting=row)
    except Refused as exc:
        return _agenda_done(request, pk, error=" ".join(exc.messages))
    return _agenda_done(request, pk)


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an agenda item by hand."""
    row = selectors.meeting_get(request.user, pk)
    require(perms.can_manage_meeting(request.user, row))
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return _agenda_done(request, pk, error=_form_error(form))
    try:
        services.agenda_item_add(actor=request.user, meeting=row, data=_item_data(form))
    except ValidationError as exc:
        return _agenda_done(request, pk, error=" ".join(exc.messages))
    return _agenda_done(request, pk)


def _form_error(form: Any) -> str:
    return " ".join(f"{form.fields[n].label if n in form.fields else ''}: {m}".lstrip(": ")
                    for n, errors in form.errors.items() for m in errors)  # fmt: skip


def _item_data(form: Any) -> dict[str, Any]:
    d = form.cleaned_data
    return {"title": d["title"], "duration_minutes": d["duration_minutes"], "presenter": d["presenter"],
            "notes": d["notes"]}  # fmt: skip


@login_required
@require_POST
def agenda_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Change, move (up/down) or remove one agenda item (`op` in the form)."""
    item = selectors.agenda_item_get(request.user, pk)
    meeting_pk = item.meeting_id
    op = request.POST.get("op", "update")
    try:
        if op == "delete":
            services.agenda_item_delete(actor=request.user, item=item)
        elif op in ("up", "down"):
            services.agenda_item_move(
                actor=request.user, item=item, position=item.position + (-1 if op == "up" else 1)
            )
        else:
            form = AgendaItemForm(request.POST)
            if not form.is_valid():
                return _agenda_done(request, meeting_pk, error=_form_error(form))
            services.agenda_item_update(actor=request.user, item=item, data=_item_data(form))
    except ValidationError as exc:
        return _agenda_done(request, meeting_pk, error=" ".join(exc.messages))
    return _agenda_done(request, meeting_pk)


@login_required
@require_POST
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the minutes: general notes, notes per item, attendance (and mark held with `hold`)."""
    row = selectors.meeting_get(request.user, pk)
    item_notes = {i.pk: request.POST.get(f"item-{i.pk}", i.notes) for i in row.agenda_items.all()}
    attendance = {
        a.user_id: request.POST.get(f"attendance-{a.user_id}", a.attendance) for a in row.attendees.all()
    }
    try:
        saved = minutes_services.minutes_save(
            actor=request.user, meeting=row, expected_version=_version(request),
            notes=request.POST.get("notes", row.notes), item_notes=item_notes, attendance=attendance,
        )  # fmt: skip
        if request.POST.get("hold"):
            services.meeting_hold(actor=request.user, meeting=saved, expected_version=saved.version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(pk, "#minutes")
    messages.success(request, _("Minutes saved."))
    return _back(pk, "#minutes")


def _record_on_item(
    request: HttpRequest, pk: int, form_class: Any, record: Any, message: str
) -> HttpResponse:
    """A decision or an action recorded on an agenda item: check the form, call the service, say what
    was recorded (its code) or why not, and go back to the item."""
    item = selectors.agenda_item_get(request.user, pk)
    require(perms.can_manage_meeting(request.user, item.meeting))
    form = form_class(request.POST, meeting=item.meeting)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return _back(item.meeting_id, f"#item-{item.pk}")
    try:
        row = record(item, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message % {"code": row.code})
    return _back(item.meeting_id, f"#item-{item.pk}")


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision on an agenda item (into the project's decision log)."""
    return _record_on_item(
        request,
        pk,
        DecisionForm,
        lambda item, d: minutes_services.minutes_decision_add(
            actor=request.user,
            item=item,
            title=d["title"],
            description=d["description"],
            project=d["project"],
        ),
        _("Decision %(code)s recorded."),
    )


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an action on an agenda item (into the project's action log)."""
    return _record_on_item(
        request,
        pk,
        ActionForm,
        lambda item, d: minutes_services.minutes_action_add(
            actor=request.user,
            item=item,
            title=d["title"],
            owner=d["owner"],
            due_date=d["due_date"],
            project=d["project"],
        ),
        _("Action %(code)s recorded."),
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a planned meeting (the attendees receive a cancellation)."""
    row = selectors.meeting_get(request.user, pk)
    try:
        services.meeting_cancel(actor=request.user, meeting=row, expected_version=_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Meeting cancelled; the attendees were told."))
    return _back(pk)


@login_required
@require_POST
def meeting_distribute(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the minutes (with the PDF) to the attendees."""
    row = selectors.meeting_get(request.user, pk)
    try:
        sent = minutes_services.minutes_distribute(actor=request.user, meeting=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Minutes sent to %(n)s attendees.") % {"n": sent})
    return _back(pk)


@login_required
@require_GET
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as PDF."""
    row = selectors.meeting_get(request.user, pk)
    response = HttpResponse(minutes_services.minutes_pdf(row), content_type="application/pdf")
    day = timezone.localtime(row.start).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="minutes-{day}-{row.pk}.pdf"'
    return response


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's invitation as an .ics file (a cancellation once cancelled)."""
    row = selectors.meeting_get(request.user, pk)
    method = "CANCEL" if row.status == MeetingStatus.CANCELLED else "REQUEST"
    response = HttpResponse(
        services.meeting_ics(row), content_type=f"text/calendar; method={method}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{row.pk}.ics"'
    return response
