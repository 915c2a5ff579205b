"""Thin views: parse the request, call a selector or service, render a template or partial."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.core.selectors import history
from kuroko.core.versioning import ConflictError
from kuroko.people import hours, selectors, services
from kuroko.people.forms import CalendarForm, ExceptionForm, NewCalendarForm
from kuroko.people.mapping import chain, effective_week
from kuroko.people.models import CalendarException, EmploymentType, WorkCalendar
from kuroko.people.permissions import can_edit_calendar, can_edit_leave

PAGE_SIZE = 50
CHANGED = "calendar-changed"  # htmx event: the year view reloads itself


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    team = request.GET.get("team", "")
    employment_type = request.GET.get("employment_type", "")
    show_inactive = request.GET.get("inactive") == "1"
    people = selectors.person_list(
        request.user,
        q=q,
        team=int(team) if team.isdigit() else None,
        employment_type=employment_type if employment_type in EmploymentType.values else "",
        active=None if show_inactive else True,
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "q": q,
        "team": team,
        "employment_type": employment_type,
        "show_inactive": show_inactive,
        "teams": selectors.team_list(request.user),
        "employment_types": EmploymentType.choices,
        "query": query.urlencode(),
    }
    template = "people/directory.html#results" if request.htmx else "people/directory.html"
    return render(request, template, context)


# --- working calendars ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_list(request: HttpRequest) -> HttpResponse:
    """Every calendar; the PMO creates new ones here (POST)."""
    form = NewCalendarForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(can_edit_calendar(request.user))
        if form.is_valid():
            try:
                calendar = services.calendar_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Calendar %(name)s created.") % {"name": calendar.name})
                return redirect(calendar)
        status = 422
    context = {
        "calendars": selectors.calendar_list(request.user),
        "form": form,
        "can_edit": can_edit_calendar(request.user),
        "default": selectors.default_calendar(),
    }
    return render(request, "people/calendar_list.html", context, status=status)


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Service errors next to the field they name when the form has it, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() else timezone.localdate().year
    return min(max(year, 1971), 2200)


def _context(request: HttpRequest, calendar: WorkCalendar, **extra: Any) -> dict[str, Any]:
    rows = chain(calendar)
    week = effective_week(rows)
    can_edit = can_edit_calendar(request.user, calendar)
    context: dict[str, Any] = {
        "calendar": calendar,
        "chain": rows[1:],
        "week": [
            (name, hours.format_intervals(day), hours.hours(day))
            for name, day in zip(hours.WEEKDAY_NAMES, week, strict=True)
        ],
        "week_hours": hours.hours([[0, sum(e - s for day in week for s, e in day)]]),
        "exceptions": calendar.exceptions.all(),
        "can_edit": can_edit,
        "can_edit_leave": can_edit_leave(request.user, calendar),
        "people": calendar.people.order_by("family_name_kana", "family_name")[:50],
        "derived": calendar.derived.order_by("name"),
        "year": selectors.calendar_year(calendar, _year(request)),
        "weekday_initials": [WEEKDAYS_ABBR[d] for d in range(7)],
        **extra,
    }
    if can_edit and "form" not in context:
        context["form"] = CalendarForm(
            initial=CalendarForm.initial_for(calendar, week), bases=selectors.base_choices(calendar)
        )
    context.setdefault("exception_form", ExceptionForm(initial={"recurrence_interval": 1}, auto_id="new_%s"))
    return context


def _render(
    request: HttpRequest, calendar: WorkCalendar, part: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    template = f"people/calendar_detail.html#{part}" if request.htmx else "people/calendar_detail.html"
    return render(request, template, _context(request, calendar, **extra), status=status)


@login_required
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, pk)
    return render(request, "people/calendar_detail.html", _context(request, calendar))


@login_required
def calendar_year(request: HttpRequest, pk: int) -> HttpResponse:
    """The month view of one year (htmx: just that part)."""
    calendar = selectors.calendar_get(request.user, pk)
    return _render(request, calendar, "year")


@login_required
@require_POST
def calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, pk)
    require(can_edit_calendar(request.user, calendar))
    form = CalendarForm(request.POST, bases=selectors.base_choices(calendar))
    if not form.is_valid():
        return _render(request, calendar, "settings", status=422, form=form)
    try:
        calendar = services.calendar_update(
            actor=request.user,
            calendar=calendar,
            data=form.changes(),
            expected_version=form.cleaned_data.get("version"),
        )
    except ConflictError as exc:
        calendar = selectors.calendar_get(request.user, pk)
        return _render(request, calendar, "settings", status=409, conflict=exc)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _render(request, calendar, "settings", status=422, form=form)
    calendar = selectors.calendar_get(request.user, pk)
    if not request.htmx:
        messages.success(request, _("Calendar %(name)s saved.") % {"name": calendar.name})
        return redirect(calendar)
    response = _render(request, calendar, "settings", saved=True)
    return trigger_client_event(response, CHANGED)


@login_required
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, pk)
    try:
        services.calendar_delete(actor=request.user, calendar=calendar)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(calendar)
    messages.success(request, _("Calendar %(name)s deleted.") % {"name": calendar.name})
    return redirect("calendars")


@login_required
def calendar_history(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, pk)
    return render(
        request,
        "core/history.html",
        {"object": calendar, "entries": history(calendar), "back": calendar.get_absolute_url()},
    )


def _exceptions(
    request: HttpRequest, calendar: WorkCalendar, *, status: int = 200, **extra: Any
) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, calendar.pk)  # fresh exceptions
    response = _render(request, calendar, "exceptions", status=status, **extra)
    if request.htmx:
        response = retarget(reswap(response, "outerHTML"), "#exceptions")
    elif status < 400:
        return redirect(f"{calendar.get_absolute_url()}#exceptions")
    return trigger_client_event(response, CHANGED) if status < 400 else response


@login_required
@require_POST
def calendar_exception_add(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, pk)
    require(can_edit_leave(request.user, calendar))  # before saying what is wrong with the form
    form = ExceptionForm(request.POST, auto_id="new_%s")
    if not form.is_valid():
        return _exceptions(request, calendar, status=422, exception_form=form)
    try:
        row = services.calendar_exception_add(actor=request.user, calendar=calendar, data=form.changes())
    except ValidationError as exc:
        _add_errors(form, exc)
        return _exceptions(request, calendar, status=422, exception_form=form)
    return _exceptions(request, calendar, flash=row.pk)


def _exception_row(
    request: HttpRequest,
    row: CalendarException,
    form: ExceptionForm,
    *,
    status: int = 200,
    conflict: ConflictError | None = None,
) -> HttpResponse:
    response = render(
        request,
        "people/calendar_detail.html#exception_edit",
        {
            "calendar": row.calendar,
            "row": row,
            "form": form,
            "conflict": conflict,
            "can_edit": can_edit_calendar(request.user, row.calendar),
        },
        status=status,
    )
    return reswap(retarget(response, f"#exception-{row.pk}"), "outerHTML")


def _edit_form(row: CalendarException) -> ExceptionForm:
    return ExceptionForm(initial=ExceptionForm.initial_for(row), auto_id=f"ex{row.pk}_%s")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_exception_edit(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    """GET: the exception's row as a form. POST: save it and return the list of exceptions."""
    calendar = selectors.calendar_get(request.user, pk)
    row = selectors.calendar_exception_get(request.user, calendar, exception_pk)
    require(can_edit_leave(request.user, calendar))
    if request.method == "GET":
        return _exception_row(request, row, _edit_form(row))
    form = ExceptionForm(request.POST, auto_id=f"ex{row.pk}_%s")
    if not form.is_valid():
        return _exception_row(request, row, form, status=422)
    try:
        services.calendar_exception_update(
            actor=request.user,
            exception=row,
            data=form.changes(),
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        row.refresh_from_db()
        return _exception_row(request, row, _edit_form(row), status=409, conflict=exc)
    except ValidationError as exc:
        _add_errors(form, exc)
        return _exception_row(request, row, form, status=422)
    return _exceptions(request, calendar, flash=row.pk)


@login_required
@require_POST
def calendar_exception_delete(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    calendar = selectors.calendar_get(request.user, pk)
    row = selectors.calendar_exception_get(request.user, calendar, exception_pk)
    try:
        services.calendar_exception_delete(actor=request.user, exception=row)
    except ValidationError as exc:
        return _exceptions(request, calendar, status=422, error=" ".join(exc.messages))
    return _exceptions(request, calendar)


@login_required
@require_POST
def person_calendar_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a person their own calendar (based on the one they work by), ready for leave."""
    person = selectors.person_get(request.user, pk)
    calendar = services.person_calendar_create(actor=request.user, person=person)
    messages.success(request, _("Calendar %(name)s created.") % {"name": calendar.name})
    return redirect(calendar)


@login_required
@require_POST
def person_rate_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a cost rate of the person's own from a day on (the PMO)."""
    from kuroko.people.forms import RateForm

    person = selectors.person_get(request.user, pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate_card_add(actor=request.user, person=person, data=form.cleaned_data)
            messages.success(request, _("Rate added."))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
    return redirect(f"{person.get_absolute_url()}#rates")
