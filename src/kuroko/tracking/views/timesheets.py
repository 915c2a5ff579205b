"""Timesheet pages: the week grid, the daily log (日報), the approval queue and the month-end close."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kuroko.core.dates import parse_day, parse_month
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.formats.durations import format_minutes
from kuroko.people.models import Person
from kuroko.tracking import permissions as tperms
from kuroko.tracking import selectors, services
from kuroko.tracking.models import IndirectCategory, Timesheet, TimesheetApproval
from kuroko.tracking.selectors.timesheets import (
    Cell,
    Row,
    WeekGrid,
    category_choices,
    category_label,
    row_key,
)
from kuroko.tracking.services.timesheets import EntryProblem, TimesheetRefused, can_reopen

NAV = "timesheets"


def _day(value: str) -> date:
    try:
        return parse_day(value)
    except ValueError:
        raise Http404(_("No such day.")) from None


def _month(value: str) -> date:
    try:
        return parse_month(value)
    except ValueError:
        raise Http404(_("No such month.")) from None


def _week_url(person: Person, user: Any, monday: date, **params: str) -> str:
    url = reverse("timesheet-week", kwargs={"week": monday.isoformat()})
    if tperms.own_person_id(user) != person.pk:
        params = {"person": str(person.pk), **params}
    return url + ("?" + urlencode(params) if params else "")


def _parse_key(key: str) -> tuple[int | None, str] | None:
    """(task id, category) of a grid row key ("t12", "imeetings")."""
    if key.startswith("t") and key[1:].isdigit():
        return int(key[1:]), ""
    if key.startswith("i") and key[1:] in IndirectCategory.values:
        return None, key[1:]
    return None


def _week_context(request: HttpRequest, grid: WeekGrid) -> dict[str, Any]:
    own = tperms.own_person_id(request.user) == grid.person.pk
    sheet = grid.timesheet
    return {
        "grid": grid,
        "nav": NAV,
        "own": own,
        "person_query": "" if own else f"?person={grid.person.pk}",
        "sunday": grid.days[-1],
        "today": timezone.localdate(),
        "can_reopen": sheet is not None and can_reopen(request.user, sheet),
        "week_url": lambda monday: _week_url(grid.person, request.user, monday),
        "previous_url": _week_url(grid.person, request.user, grid.previous),
        "next_url": _week_url(grid.person, request.user, grid.next),
        "copy_url": _week_url(grid.person, request.user, grid.week_start, copy="1"),
        "this_url": _week_url(grid.person, request.user, grid.week_start),
    }


@login_required
def timesheet_home(request: HttpRequest) -> HttpResponse:
    """The current week."""
    person = selectors.person_of(request.user, request.GET.get("person"))
    return redirect(_week_url(person, request.user, selectors.week_of(timezone.localdate())))


@login_required
def timesheet_week(request: HttpRequest, week: str) -> HttpResponse:
    person = selectors.person_of(request.user, request.GET.get("person"))
    grid = selectors.week_grid(request.user, person, _day(week), copy_previous=request.GET.get("copy") == "1")
    return render(request, "tracking/timesheet_week.html", _week_context(request, grid))


def _entries_from_post(post: Any, grid: WeekGrid) -> list[dict[str, Any]]:
    """The grid's cells as entries (text as typed), adding rows for tasks added in the browser; the
    typed text is kept on the grid's cells to show again if the save is refused."""
    entries = []
    addable = {t.pk: t for t in grid.addable}
    for name in post:
        if not name.startswith("cell-"):
            continue
        key, _sep, column = name[5:].rpartition("-")
        parsed = _parse_key(key)
        if parsed is None or not column.isdigit() or int(column) >= len(grid.days):
            continue
        day = grid.days[int(column)]
        if day in grid.closed_days:
            continue
        task_id, category = parsed
        text = post.get(name, "").strip()
        row = grid.row(key)
        if row is None and task_id is not None:
            choice = addable.get(task_id)
            row = Row(
                key=key,
                label=str(choice) if choice else f"#{task_id}",
                cells=[Cell(d, locked=d in grid.closed_days) for d in grid.days],
            )
            grid.rows.insert(len([r for r in grid.rows if not r.category]), row)
        if row is not None:
            cell = row.cells[int(column)]
            cell.text = text
            try:
                cell.minutes = services.time_text_minutes(text)
            except ValidationError:
                cell.minutes = 0
        entries.append({"date": day, "task": task_id, "category": category, "time": text})
    return entries


def _show_problems(grid: WeekGrid, problems: list[EntryProblem]) -> None:
    for problem in problems:
        if problem.date is None:
            grid.errors.append(problem.message)
            continue
        if problem.task is None and not problem.category:
            grid.day_errors[problem.date] = problem.message
            continue
        row = grid.row(row_key(problem.task, problem.category))
        if row is None or problem.date not in grid.days:
            grid.errors.append(problem.message)
            continue
        row.cells[grid.days.index(problem.date)].error = problem.message


@login_required
@require_POST
def timesheet_save(request: HttpRequest, week: str) -> HttpResponse:
    """Save the grid (and, with action=submit, submit the week). A refused save shows each problem next
    to its cell, row or day, with the text as typed; nothing is saved."""
    person = selectors.person_of(request.user, request.POST.get("person"))
    require(tperms.can_edit_timesheet(request.user, person))
    grid = selectors.week_grid(request.user, person, _day(week))
    entries = _entries_from_post(request.POST, grid)
    submit = request.POST.get("action") == "submit"
    try:
        with transaction.atomic():
            services.timesheet_save(
                actor=request.user,
                person=person,
                week_start=grid.week_start,
                entries=entries,
                days=[d for d in grid.days if d not in grid.closed_days],
            )
            if submit:
                services.timesheet_submit(actor=request.user, person=person, week_start=grid.week_start)
    except TimesheetRefused as exc:
        _show_problems(grid, exc.problems)
        grid.errors.insert(0, _("Nothing was saved: correct the cells marked below."))
        return render(request, "tracking/timesheet_week.html", _week_context(request, grid), status=400)
    if submit:
        messages.success(request, _("Week saved and submitted for approval."))
    else:
        messages.success(request, _("Week saved."))
    return redirect(_week_url(person, request.user, grid.week_start))


@login_required
@require_POST
def timesheet_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(Timesheet.objects.select_related("person"), pk=pk)
    if not tperms.can_view_timesheet(request.user, sheet.person):
        raise PermissionDenied
    try:
        services.timesheet_reopen(actor=request.user, timesheet=sheet, reason=request.POST.get("reason", ""))
        messages.success(request, _("The week is open again."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = _week_url(sheet.person, request.user, sheet.week_start)
    return redirect(target)


# --- Daily log ----------------------------------------------------------------------------------------


@login_required
def timesheet_day(request: HttpRequest, day: str) -> HttpResponse:
    """The entries of one day with a comment each; a POST saves the day (times, comments, a new entry)."""
    person = selectors.person_of(
        request.user, request.POST.get("person") if request.method == "POST" else request.GET.get("person")
    )
    log = selectors.day_log(request.user, person, _day(day))
    errors: list[str] = []
    typed: dict[str, tuple[str, str]] = {}
    if request.method == "POST":
        require(tperms.can_edit_timesheet(request.user, person))
        entries = []
        for entry in log.entries:
            if entry.task_id is None and not entry.category:
                continue  # hours of a deleted task: shown, never sent back (the service keeps them)
            key = row_key(entry.task_id, entry.category)
            text, comment = request.POST.get(f"time-{key}", ""), request.POST.get(f"comment-{key}", "")
            typed[key] = (text, comment)
            entries.append(
                {
                    "date": log.day,
                    "task": entry.task_id,
                    "category": entry.category,
                    "time": text,
                    "comment": comment,
                }
            )
        new = _parse_key(request.POST.get("new-work", ""))
        new_text = request.POST.get("new-time", "").strip()
        if new is not None and new_text:
            entries.append(
                {
                    "date": log.day,
                    "task": new[0],
                    "category": new[1],
                    "time": new_text,
                    "comment": request.POST.get("new-comment", ""),
                }
            )
        try:
            services.timesheet_save(
                actor=request.user, person=person, week_start=log.day, entries=entries, days=[log.day]
            )
        except TimesheetRefused as exc:
            errors = [_("Nothing was saved."), *exc.messages]
        else:
            messages.success(request, _("Daily log saved."))
            url = reverse("timesheet-day", kwargs={"day": log.day.isoformat()})
            if tperms.own_person_id(request.user) != person.pk:
                url += f"?person={person.pk}"
            return redirect(url)
    rows = []
    for entry in log.entries:
        key = row_key(entry.task_id, entry.category)
        text, comment = typed.get(key, (format_minutes(entry.minutes), entry.comment))
        rows.append((entry, key, text, comment, category_label(entry.category)))
    own = tperms.own_person_id(request.user) == person.pk
    return render(
        request,
        "tracking/timesheet_day.html",
        {
            "log": log,
            "rows": rows,
            "errors": errors,
            "nav": NAV,
            "categories": category_choices(),
            "person_query": "" if own else f"?person={person.pk}",
            "week_url": _week_url(person, request.user, log.week_start),
            "previous_day": log.day - timedelta(days=1),
            "next_day": log.day + timedelta(days=1),
        },
        status=400 if errors else 200,
    )


# --- Approvals ----------------------------------------------------------------------------------------


@login_required
def timesheet_approvals(request: HttpRequest) -> HttpResponse:
    items = selectors.approval_queue(request.user)
    return render(
        request,
        "tracking/timesheet_approvals.html",
        {
            "waiting": [i for i in items if i.pending],
            "decided": [i for i in items if not i.pending],
            "nav": "approvals",
        },
    )


@login_required
@require_POST
def timesheet_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or reject one project's hours of a week; htmx gets the row back in place."""
    approval = get_object_or_404(TimesheetApproval.objects.select_related("project"), pk=pk)
    require(tperms.can_decide(request.user, approval.project))
    error = ""
    try:
        if action == "approve":
            services.timesheet_approve(actor=request.user, approval=approval)
        else:
            services.timesheet_reject(
                actor=request.user, approval=approval, reason=request.POST.get("reason", "")
            )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        items = selectors.approval_queue(request.user, approval_ids=[pk])
        return render(
            request,
            "tracking/timesheet_approvals.html#approval_row",
            {"item": items[0], "error": error, "decided_now": not error},
            status=422 if error else 200,  # 422: kuroko.js swaps it in (htmx skips other 4xx)
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("Approved.") if action == "approve" else _("Rejected: the week is back with its person."),
        )
    return redirect(reverse("timesheet-approvals"))


# --- Months -------------------------------------------------------------------------------------------


@login_required
def timesheet_months(request: HttpRequest) -> HttpResponse:
    """Months with their hours and cost, closed or open; the lines of one month."""
    rows = selectors.months_overview(request.user)
    selected = _month(request.GET["month"]) if request.GET.get("month") else rows[0].month
    return render(
        request,
        "tracking/timesheet_months.html",
        {
            "rows": rows,
            "selected": selected,
            "lines": selectors.month_lines(request.user, selected, by="project"),
            "nav": "months",
        },
    )


@login_required
@require_POST
def timesheet_month_action(request: HttpRequest, month: str, action: str) -> HttpResponse:
    first = _month(month)
    try:
        if action == "close":
            services.period_close(actor=request.user, month=first)
            messages.success(request, _("%(month)s is closed.") % {"month": month})
        else:
            services.period_reopen(actor=request.user, month=first)
            messages.success(request, _("%(month)s is open again.") % {"month": month})
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect(reverse("timesheet-months") + f"?month={month}")


def month_export_rows(lines: list[selectors.MonthLine], by: str) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a month export (hours with two decimals, cost as a number)."""
    person_cols = [_("Person"), _("Reading")]
    work_cols = [_("Project"), _("Project name"), _("Indirect work")]
    tail = [_("Hours"), _("Cost"), _("Entries without a rate")]

    def person(line: selectors.MonthLine) -> list[Any]:
        return [str(line.person), line.person.reading]

    def work(line: selectors.MonthLine) -> list[Any]:
        if line.project is not None:
            return [line.project.code, line.project.name, ""]
        return ["", "", category_label(line.category)]

    def numbers(line: selectors.MonthLine) -> list[Any]:
        return [float(line.hours), None if line.cost is None else float(line.cost), line.unpriced]

    if by == "project":
        return work_cols + person_cols + tail, [work(x) + person(x) + numbers(x) for x in lines]
    return person_cols + work_cols + tail, [person(x) + work(x) + numbers(x) for x in lines]


@login_required
def timesheet_month_export(request: HttpRequest, month: str, kind: str) -> HttpResponse:
    """A month's hours and cost per person and project (or indirect work): CSV (UTF-8 with a BOM, for
    Excel) or an Excel workbook; `?by=person` (payroll) or `?by=project` (invoicing)."""
    from kuroko.formats.tabular import to_csv, to_xlsx

    first = _month(month)
    by = "project" if request.GET.get("by") == "project" else "person"
    lines = selectors.month_lines(request.user, first, by=by)
    header, rows = month_export_rows(lines, by)
    name = f"timesheets-{first:%Y-%m}-by-{by}"
    if kind == "csv":
        response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        body = to_xlsx(
            _("Hours %(month)s") % {"month": f"{first:%Y-%m}"},
            header,
            rows,
            number_formats=[None] * 5 + ["0.00", "#,##0.00", "0"],
            widths=[22, 16, 14, 28, 18, 10, 14, 10],
        )
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
