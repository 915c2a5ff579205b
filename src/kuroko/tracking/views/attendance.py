"""Attendance pages: a person's month with clock-in/out and editable days, the CSV import (PMO), the
reconciliation with timesheets (勤怠乖離), overtime against the rule set (36協定), and contractors'
contracts with their monthly statements (精算幅)."""

from __future__ import annotations

import re
import secrets
import time as clock
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kuroko.core.dates import parse_day
from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import is_pmo
from kuroko.engine.overtime import fiscal_year_of
from kuroko.formats import attendance_csv as fmt
from kuroko.formats.tabular import to_csv, to_xlsx
from kuroko.people.models import EmploymentType, Person
from kuroko.projects.selectors.load import add_months
from kuroko.tracking.models import AttendanceMapping, Contract, LeaveType, OvertimeRuleSet
from kuroko.tracking.selectors import attendance as sel
from kuroko.tracking.services import attendance as svc

STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
SESSION_KEY = "attendance-import"


def _month(value: str | None) -> date:
    if not value:
        return sel.today().replace(day=1)
    try:
        return sel.parse_month(value)
    except ValueError:
        raise Http404(_("No such month.")) from None


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _context(request: HttpRequest, tab: str, **extra: Any) -> dict[str, Any]:
    return {"tab": tab, "is_pmo": is_pmo(request.user), "this_month": sel.today().replace(day=1), **extra}


# --- a person's month -------------------------------------------------------------------------------------


@login_required
def attendance_month(request: HttpRequest, month: str | None = None) -> HttpResponse:
    """A person's month: days with clock-in/out, breaks, leave, worked hours; the clock buttons for the
    user's own today; an overtime banner when a rule is at warning or breach."""
    first = _month(month)
    person = sel.attendance_person(request.user, request.GET.get("person"))
    data = sel.attendance_month(request.user, person, first)
    mine = person.user_id == request.user.pk
    banner = None
    if mine:
        report = sel.overtime_report(request.user, person=person)
        banner = report.people[0].problem_rows if report.people else []
    people = (
        sel.attendance_people(request.user).filter(is_active=True)
        if request.GET.get("person") or is_pmo(request.user) or sel.managed_people_ids(request.user)
        else None
    )
    return render(
        request,
        "tracking/attendance_month.html",
        _context(
            request,
            "month",
            data=data,
            person=person,
            mine=mine,
            can_edit=sel.can_edit_attendance(request.user, person),
            today_row=sel.today_day(person) if mine else None,
            today=sel.today(),
            banner=banner,
            people=people,
            leave_choices=LeaveType.choices,
        ),
    )


@login_required
@require_POST
def attendance_clock(request: HttpRequest, action: str) -> HttpResponse:
    try:
        if action == "in":
            row = svc.attendance_clock_in(actor=request.user)
            messages.success(request, _("Clocked in at %(time)s.") % {"time": f"{row.clock_in:%H:%M}"})
        elif action == "out":
            row = svc.attendance_clock_out(actor=request.user)
            messages.success(request, _("Clocked out at %(time)s.") % {"time": f"{row.clock_out:%H:%M}"})
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("attendance")


def _day_person(request: HttpRequest, person_id: int, day: str) -> tuple[Person, date]:
    person = sel.attendance_person(request.user, person_id)
    try:
        return person, parse_day(day)
    except ValueError:
        raise Http404(_("No such day.")) from None


@login_required
@require_http_methods(["GET", "POST"])
def attendance_day(request: HttpRequest, person_id: int, day: str) -> HttpResponse:
    """GET: a day's edit form (an htmx fragment). POST: save the day; the row comes back (htmx) or the
    month page (plain form)."""
    person, when = _day_person(request, person_id, day)
    can_edit = sel.can_edit_attendance(request.user, person)
    if not can_edit:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the person and the PMO change attendance."))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            svc.attendance_day_set(actor=request.user, person=person, day=when, data=request.POST.dict())
        except ValidationError as exc:
            errors = exc.message_dict
        if not errors and not request.htmx:
            messages.success(request, _("%(day)s saved.") % {"day": when.isoformat()})
            return redirect(f"{reverse('attendance-month', args=[f'{when:%Y-%m}'])}?person={person.pk}")
        if not errors:
            data = sel.attendance_month(request.user, person, when.replace(day=1))
            line = next(line for line in data.lines if line.date == when)
            return render(
                request,
                "tracking/attendance_month.html#day_row",
                {"line": line, "person": person, "can_edit": True, "today": sel.today()},
            )
    data = sel.attendance_month(request.user, person, when.replace(day=1))
    line = next(line for line in data.lines if line.date == when)
    return render(
        request,
        "tracking/attendance_month.html#day_edit",
        {
            "line": line,
            "person": person,
            "errors": errors,
            "posted": request.POST if errors else None,
            "leave_choices": LeaveType.choices,
        },
        status=422 if errors else 200,
    )


# --- import (PMO) -----------------------------------------------------------------------------------------


def _upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _upload_path(token: str) -> Path | None:
    return _upload_dir() / f"attendance-{token}.csv" if _TOKEN.match(token or "") else None


def _keep_upload(request: HttpRequest, data: bytes) -> str:
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = clock.time()
    for old in folder.glob("attendance-*.csv"):  # uploads never imported
        if now - old.stat().st_mtime > STALE_SECONDS:
            old.unlink(missing_ok=True)
    previous = _upload_path(request.session.get(SESSION_KEY, ""))
    if previous is not None:
        previous.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    path = _upload_path(token)
    assert path is not None
    path.write_bytes(data)
    request.session[SESSION_KEY] = token
    return token


def _uploaded(request: HttpRequest, token: str) -> bytes | None:
    path = _upload_path(token)
    if token != request.session.get(SESSION_KEY) or path is None or not path.is_file():
        return None
    return path.read_bytes()


FIELD_LABELS = {
    "person": gettext_lazy("Person"),
    "date": gettext_lazy("Date"),
    "clock_in": gettext_lazy("Clock in"),
    "clock_out": gettext_lazy("Clock out"),
    "break_minutes": gettext_lazy("Breaks"),
    "leave": gettext_lazy("Leave"),
    "note": gettext_lazy("Note"),
}


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request: HttpRequest) -> HttpResponse:
    """Upload a time-clock CSV, map its columns (or pick a saved mapping), preview every row's problems,
    then import — all rows or none."""
    mappings = list(sel.attendance_mappings(request.user))
    context = _context(
        request,
        "import",
        mappings=mappings,
        fields=FIELD_LABELS,
        person_keys=AttendanceMapping._meta.get_field("person_key").choices,
    )
    if request.method == "GET":
        return render(request, "tracking/attendance_import.html", context)
    post = request.POST
    upload = request.FILES.get("file")
    token = post.get("token", "")
    if upload is not None:
        data = upload.read()
        token = _keep_upload(request, data)
        context["file_name"] = upload.name
    else:
        found = _uploaded(request, token)
        if found is None:
            context["error"] = _("Upload the file first (an upload is kept for a day).")
            return render(request, "tracking/attendance_import.html", context, status=422)
        data = found
        context["file_name"] = post.get("file_name", "")
    context["token"] = token
    try:
        context["headers"] = fmt.read_header(data)
    except fmt.AttendanceFormatError as exc:
        context["error"] = svc.FILE_MESSAGES[exc.code](exc)
        return render(request, "tracking/attendance_import.html", context, status=422)
    chosen = next((m for m in mappings if str(m.pk) == post.get("mapping")), None)
    if chosen is not None and upload is not None:
        columns, person_key, date_format = dict(chosen.columns), chosen.person_key, chosen.date_format
    else:
        columns = {name: post.get(f"col_{name}", "") for name in fmt.FIELDS}
        person_key = post.get("person_key", "email")
        date_format = post.get("date_format") or "%Y-%m-%d"
        if not any(columns.values()):
            columns = _guess(context["headers"])
    context.update(columns=columns, person_key=person_key, date_format=date_format, chosen=chosen)
    if upload is not None and chosen is None:
        return render(request, "tracking/attendance_import.html", context)  # map the columns first
    try:
        mapping = svc.mapping_of(columns=columns, date_format=date_format)
        if post.get("save_as", "").strip() and post.get("action") in {"preview", "import"}:
            saved = svc.attendance_mapping_save(
                actor=request.user,
                name=post["save_as"],
                columns=columns,
                person_key=person_key,
                date_format=date_format,
            )
            context["saved"] = saved
        dry_run = post.get("action") != "import"
        result = svc.attendance_import(
            actor=request.user, data=data, mapping=mapping, person_key=person_key, dry_run=dry_run
        )
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "tracking/attendance_import.html", context, status=422)
    context["result"] = result
    if not dry_run and result.ok:
        path = _upload_path(token)
        if path is not None:
            path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("Attendance imported: %(created)s days added, %(updated)s replaced.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("attendance-import")
    return render(request, "tracking/attendance_import.html", context, status=200 if result.ok else 422)


_GUESSES = {
    "person": ("email", "メール", "メールアドレス", "社員番号", "氏名", "名前", "name", "person", "従業員"),
    "date": ("date", "日付", "勤務日", "年月日"),
    "clock_in": ("clock in", "clock_in", "出勤", "出勤時刻", "始業", "始業時刻", "in"),
    "clock_out": ("clock out", "clock_out", "退勤", "退勤時刻", "終業", "終業時刻", "out"),
    "break_minutes": ("break", "breaks", "break_minutes", "休憩", "休憩時間", "休憩(分)"),
    "leave": ("leave", "休暇", "休暇区分", "勤怠区分", "区分"),
    "note": ("note", "備考", "メモ", "comment"),
}


def _guess(headers: tuple[str, ...]) -> dict[str, str]:
    """A first mapping from headers with familiar names (the user confirms it)."""
    out: dict[str, str] = {}
    for name, words in _GUESSES.items():
        for header in headers:
            if header.strip().casefold() in words and header not in out.values():
                out[name] = header
                break
    return out


# --- reconciliation ---------------------------------------------------------------------------------------


@login_required
def attendance_reconciliation(request: HttpRequest, month: str | None = None) -> HttpResponse:
    first = _month(month)
    person = None
    if request.GET.get("person"):
        person = sel.attendance_person(request.user, request.GET["person"])
    data = sel.reconciliation(request.user, first, person=person)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "tracking/attendance_reconciliation.html",
        _context(
            request,
            "reconciliation",
            data=data,
            lines=data.lines if show_all else data.flagged,
            show_all=show_all,
            month=first,
            previous=add_months(first, -1),
            next=add_months(first, 1),
            person=person,
        ),
    )


# --- overtime ---------------------------------------------------------------------------------------------


@login_required
def attendance_overtime(request: HttpRequest) -> HttpResponse:
    year = None
    if request.GET.get("year"):
        try:
            year = int(request.GET["year"])
        except ValueError:
            raise Http404(_("No such year.")) from None
        if not 1900 <= year <= 2999:
            raise Http404(_("No such year."))
    report = sel.overtime_report(request.user, fiscal_year=year)
    return render(
        request,
        "tracking/attendance_overtime.html",
        _context(request, "overtime", report=report, this_year=fiscal_year_of(sel.today(), 4)),
    )


class RuleSetForm(forms.ModelForm[OvertimeRuleSet]):
    class Meta:
        model = OvertimeRuleSet
        fields = ["name", "is_default", *svc.RULE_FIELDS, "people"]
        widgets = {"people": forms.SelectMultiple(attrs={"size": 6})}


@login_required
@require_http_methods(["GET", "POST"])
def attendance_rules(request: HttpRequest) -> HttpResponse:
    """The overtime rule sets (PMO): list, add, change."""
    sel.require_pmo(request.user)
    rows = list(sel.rule_sets())
    editing = None
    wanted = request.GET.get("edit") or request.POST.get("id")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        editing = get_object_or_404(OvertimeRuleSet, pk=int(wanted))
    form = RuleSetForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "people"}
        try:
            svc.overtime_rule_set_save(
                actor=request.user,
                data=data,
                rule_set=OvertimeRuleSet.objects.get(pk=editing.pk) if editing else None,
                people=list(form.cleaned_data["people"]),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Rule set saved."))
            return redirect("attendance-rules")
    return render(
        request,
        "tracking/attendance_rules.html",
        _context(request, "overtime", rule_sets=rows, form=form, editing=editing),
        status=422 if form.errors else 200,
    )


# --- contracts and statements ----------------------------------------------------------------------------


class ContractForm(forms.ModelForm[Contract]):
    class Meta:
        model = Contract
        fields = ["person", *svc.CONTRACT_FIELDS]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(is_active=True)
        contractors = people.filter(employment_type__in=[EmploymentType.CONTRACTOR, EmploymentType.PARTNER])
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = contractors if contractors.exists() else people


@login_required
@require_http_methods(["GET", "POST"])
def attendance_contracts(request: HttpRequest) -> HttpResponse:
    """Contracts of contractors (PMO): the list and a form to add one."""
    rows = sel.contracts(request.user)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person")
        try:
            svc.contract_save(actor=request.user, data=data, person=person)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect("attendance-contracts")
    return render(
        request,
        "tracking/attendance_contracts.html",
        _context(request, "contracts", contracts=rows, form=form),
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(sel.contracts(request.user), pk=pk)
    form = ContractForm(request.POST or None, instance=contract)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person = data.pop("person")
        try:
            svc.contract_save(
                actor=request.user, data=data, contract=Contract.objects.get(pk=contract.pk), person=person
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect("attendance-contracts")
    return render(
        request,
        "tracking/attendance_contracts.html",
        _context(request, "contracts", contracts=sel.contracts(request.user), form=form, editing=contract),
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def attendance_contract_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(sel.contracts(request.user), pk=pk)
    svc.contract_remove(actor=request.user, contract=contract)
    messages.success(request, _("Contract removed."))
    return redirect("attendance-contracts")


def _statement_table(lines: list[sel.StatementLine]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Person"),
        _("Vendor"),
        _("Contract number"),
        _("Timesheet hours"),
        _("Attendance hours"),
        _("Settlement range from (h)"),
        _("Settlement range to (h)"),
        _("Hours short"),
        _("Hours over"),
        _("Monthly fee"),
        _("Deduction"),
        _("Excess"),
        _("Amount"),
    ]
    rows = [
        [
            str(line.contract.person),
            line.contract.vendor,
            line.contract.reference,
            round(line.logged / 60, 2),
            round(line.worked / 60, 2),
            float(line.contract.lower_hours),
            float(line.contract.upper_hours),
            round(float(line.statement.short_hours), 2),
            round(float(line.statement.over_hours), 2),
            line.statement.fee,
            line.statement.deduction,
            line.statement.excess,
            line.statement.amount,
        ]
        for line in lines
    ]
    return header, rows


@login_required
def attendance_statements(request: HttpRequest, month: str, export: str = "") -> HttpResponse:
    """Each contract's settlement for the month, from the month's timesheet hours; CSV or Excel."""
    first = _month(month)
    lines = sel.contract_statements(request.user, first)
    if export:
        header, rows = _statement_table(lines)
        name = f"statements-{first:%Y-%m}"
        if export == "csv":
            response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        if export == "xlsx":
            body = to_xlsx(
                f"{first:%Y-%m}",
                header,
                rows,
                number_formats=[
                    None,
                    None,
                    None,
                    "0.00",
                    "0.00",
                    "0.0",
                    "0.0",
                    "0.00",
                    "0.00",
                    "#,##0",
                    "#,##0",
                    "#,##0",
                    "#,##0",
                ],
                widths=[20, 24, 14, 10, 10, 10, 10, 10, 10, 12, 12, 12, 12],
            )
            response = HttpResponse(
                body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        raise Http404
    totals = {
        "amount": sum(line.statement.amount for line in lines),
        "deduction": sum(line.statement.deduction for line in lines),
        "excess": sum(line.statement.excess for line in lines),
        "fee": sum(line.statement.fee for line in lines),
    }
    return render(
        request,
        "tracking/attendance_statements.html",
        _context(
            request,
            "contracts",
            lines=lines,
            month=first,
            previous=add_months(first, -1),
            next=add_months(first, 1),
            totals=totals,
            zero=Decimal(0),
        ),
    )
