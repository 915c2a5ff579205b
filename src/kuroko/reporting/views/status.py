"""Pages of weekly status reports: a project's reports, one report (facts, colours, narrative, overrides,
comments, submit and review), two weeks compared, the PMO's week and the RAG rule and report-level
settings. Thin: the selectors read, the services write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.core.versioning import ConflictError
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import ProjectType
from kuroko.reporting import permissions as perms
from kuroko.reporting import rag, weeks
from kuroko.reporting.facts import SECTIONS
from kuroko.reporting.forms_status import (
    CommentForm,
    NarrativeForm,
    OverrideForm,
    ReviewForm,
    VersionForm,
    WeekFilterForm,
)
from kuroko.reporting.models import Dimension, ReportStatus
from kuroko.reporting.selectors import status as selectors
from kuroko.reporting.services import status as services
from kuroko.reporting.weeks import previous_week, week_label, week_start

PAGE = "reporting/status_report.html"


def _field_label(field: str) -> str:
    """The words of a service's field name on the page: a colour override (`overrides.cost.rag`) by its
    dimension, a form field by its label, anything else unnamed."""
    if field.startswith("overrides."):
        return str(dict(Dimension.choices).get(field.split(".")[1], ""))
    for form in (NarrativeForm, OverrideForm, ReviewForm, CommentForm):
        if field in form.base_fields and field != "version":
            return str(form.base_fields[field].label or "")
    return ""


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{label}: {m}" if (label := _field_label(field)) else m
            for field, ms in exc.message_dict.items()
            for m in ms
        ]
    return list(exc.messages)


def _week(text: str) -> date:
    try:
        return weeks.week_from(text)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None


@login_required
@require_GET
def project_status_reports(request: HttpRequest, code: str) -> HttpResponse:
    """The project's weekly reports: weeks × colours, each linking to its report."""
    project = selectors.project_for(request.user, code)
    reports = selectors.project_reports(request.user, project)
    this_week = week_start(timezone.localdate())
    return render(
        request,
        "reporting/status_list.html",
        {
            "project": project,
            "reports": reports,
            "this_week": week_label(this_week),
            "has_this_week": any(r.week == this_week for r in reports),
            "can_write": perms.can_write_status_report(request.user, project),
        },
    )


def _context(request: HttpRequest, report: Any, **extra: Any) -> dict[str, Any]:
    view = selectors.report_view(request.user, report)
    return {
        "project": report.project,
        "report": report,
        "view": view,
        "facts": view.facts,
        "label": week_label(report.week),
        "narrative_form": extra.pop("narrative_form", None)
        or NarrativeForm(
            initial={"version": report.version, **{n: getattr(report, n) for n in services.NARRATIVE}}
        ),
        "override_form": extra.pop("override_form", None)
        or OverrideForm(initial={"version": report.version}),
        "review_form": extra.pop("review_form", None) or ReviewForm(initial={"version": report.version}),
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        "section_labels": selectors.section_labels(),
        "shown": set(view.sections),
        **selectors.fact_labels(),
        **extra,
    }


@login_required
@require_GET
def status_report(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """One week's report (drafted from the data when it does not exist yet)."""
    project = selectors.project_for(request.user, code)
    try:
        report = services.report_get_or_draft(project=project, week=_week(week), actor=request.user)
    except ValidationError as exc:  # a week that has not started
        raise Http404(" ".join(exc.messages)) from None
    report.project = project
    return render(request, PAGE, _context(request, report))


def _report(request: HttpRequest, code: str, week: str) -> Any:
    """The existing report of a week (a write never drafts one: opening the week does)."""
    project = selectors.project_for(request.user, code)
    report = selectors.existing_report(project, _week(week))
    report.project = project
    return report


def _failed(request: HttpRequest, report: Any, exc: Exception, **forms: Any) -> HttpResponse:
    if isinstance(exc, ConflictError):
        errors = [str(exc)]
        status = 409
    else:
        assert isinstance(exc, ValidationError)
        errors = _errors(exc)
        status = 422
    report.refresh_from_db()
    return render(request, PAGE, _context(request, report, errors=errors, **forms), status=status)


def _form_errors(form: Any) -> ValidationError:
    return ValidationError({k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})


def _write(
    request: HttpRequest,
    code: str,
    week: str,
    *,
    form_class: Any,
    form_name: str | None,
    perform: Any,
    message: str,
    allowed: Any = None,
) -> HttpResponse:
    """Every write on the report page has this shape: read the report, check the form, call the service
    with the posted version, then redirect with a message or show the page again with the error (422 for
    bad input, 409 when someone else saved first). The services check permissions; `allowed` checks them
    before the form is read, where the page needs it."""
    report = _report(request, code, week)
    if allowed is not None:
        require(allowed(request.user, report.project))
    form = form_class(request.POST)
    forms = {form_name: form} if form_name else {}
    if not form.is_valid():
        return _failed(request, report, _form_errors(form), **forms)
    try:
        report = perform(report, form.cleaned_data)
    except (ValidationError, ConflictError) as exc:
        return _failed(request, report, exc, **forms)
    messages.success(request, message)
    return redirect(services.report_url(report))


@login_required
@require_POST
def status_report_narrative(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """Save the PM's narrative (summary, accomplishments, next steps, help needed)."""
    return _write(
        request,
        code,
        week,
        form_class=NarrativeForm,
        form_name="narrative_form",
        allowed=perms.can_write_status_report,
        perform=lambda report, data: services.report_update(
            actor=request.user,
            report=report,
            version=data["version"],
            narrative={n: data[n] for n in services.NARRATIVE},
        ),
        message=_("The narrative was saved."),
    )


def _override(data: dict[str, Any]) -> dict[str, Any]:
    value = {"rag": data["rag"], "justification": data["justification"]} if data["rag"] else None
    return {data["dimension"]: value}


@login_required
@require_POST
def status_report_override(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """Override (or stop overriding) one dimension's colour, with a justification."""
    return _write(
        request,
        code,
        week,
        form_class=OverrideForm,
        form_name="override_form",
        allowed=perms.can_write_status_report,
        perform=lambda report, data: services.report_update(
            actor=request.user, report=report, version=data["version"], overrides=_override(data)
        ),
        message=_("The colour was saved."),
    )


@login_required
@require_POST
def status_report_refresh(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """Gather the facts of a draft or returned report again."""
    return _write(
        request,
        code,
        week,
        form_class=VersionForm,
        form_name=None,
        perform=lambda report, data: services.report_refresh(
            actor=request.user, report=report, version=data["version"]
        ),
        message=_("The facts were gathered again."),
    )


@login_required
@require_POST
def status_report_submit(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """Submit the report to the PMO."""
    return _write(
        request,
        code,
        week,
        form_class=VersionForm,
        form_name=None,
        perform=lambda report, data: services.report_submit(
            actor=request.user, report=report, version=data["version"]
        ),
        message=_("The report was submitted to the PMO."),
    )


@login_required
@require_POST
def status_report_review(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """The PMO accepts or returns a submitted report."""
    if request.POST.get("decision") == "return":
        message = _("The report was returned to the project manager.")
    else:
        message = _("The report was accepted.")
    return _write(
        request,
        code,
        week,
        form_class=ReviewForm,
        form_name="review_form",
        allowed=lambda user, _project: perms.can_review_status_report(user),
        perform=lambda report, data: services.report_review(
            actor=request.user,
            report=report,
            version=data["version"],
            decision=data["decision"],
            comment=data["comment"],
        ),
        message=message,
    )


@login_required
@require_POST
def status_report_comment(request: HttpRequest, code: str, week: str) -> HttpResponse:
    """Add a comment to the report (htmx: the comments part only)."""
    report = _report(request, code, week)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"text": _("Write a comment.")})
        services.report_comment(actor=request.user, report=report, text=form.cleaned_data["text"])
    except ValidationError as exc:
        if request.htmx:
            ctx = _context(request, report, comment_form=form, comment_errors=_errors(exc))
            return render(request, f"{PAGE}#comments", ctx, status=422)
        return _failed(request, report, exc, comment_form=form)
    if request.htmx:
        return render(request, f"{PAGE}#comments", _context(request, report))
    return redirect(services.report_url(report) + "#comments")


@login_required
@require_GET
def status_report_compare(request: HttpRequest, code: str) -> HttpResponse:
    """Two weeks side by side (?a=2026-W46&b=2026-W47; default: the last two reports)."""
    project = selectors.project_for(request.user, code)
    reports = selectors.project_reports(request.user, project, limit=60)
    reported = [r.week for r in reports]
    try:
        b = (
            weeks.week_from(request.GET["b"], "b")
            if request.GET.get("b")
            else (reported[0] if reported else week_start(timezone.localdate()))
        )
        a = (
            weeks.week_from(request.GET["a"], "a")
            if request.GET.get("a")
            else (reported[1] if len(reported) > 1 else previous_week(b))
        )
    except ValidationError as exc:
        context = {"project": project, "errors": _errors(exc), "weeks": reported, "rows": []}
        return render(request, "reporting/status_compare.html", context, status=422)
    data = selectors.compare(request.user, project, a, b)
    picker = sorted({*reported, a, b}, reverse=True)  # a chosen week without a report stays choosable
    return render(
        request,
        "reporting/status_compare.html",
        {"project": project, "weeks": picker, "label_a": week_label(a), "label_b": week_label(b), **data},
    )


@login_required
@require_GET
def status_reports_week(request: HttpRequest) -> HttpResponse:
    """All readable active projects for one week: submitted, draft, returned, reviewed or missing."""
    form = WeekFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data  # the valid fields: an unknown status does not drop the chosen week
    errors: list[str] = [f"{name}: {m}" for name, ms in form.errors.items() for m in ms]
    week = week_start(timezone.localdate())
    if data.get("week"):
        try:
            week = weeks.week_from(data["week"])
        except ValidationError as exc:
            errors = _errors(exc)
    f = selectors.WeekFilter(
        program=data.get("program", ""), project_type=data.get("type", ""), status=data.get("status", "")
    )
    rows, counts = selectors.week_overview(request.user, week, f)
    return render(
        request,
        "reporting/status_week.html",
        {
            "form": form,
            "week": week,
            "label": week_label(week),
            "previous": week_label(previous_week(week)),
            "following": week_label(weeks.next_week(week)),
            "rows": rows,
            "counts": counts,
            "state_labels": {**dict(ReportStatus.choices), "missing": _("Missing")},
            "errors": errors,
            "programs": project_selectors.programs().order_by("code"),
            "types": selectors.project_types(),
            "is_pmo": perms.can_configure_status_reports(request.user),
        },
        status=422 if errors else 200,
    )


def _source_labels() -> dict[str, str]:
    """Where a setting in force comes from, as the settings pages say it."""
    return {"type": _("Set for this type"), "all": _("Set for all projects"), "default": _("Default")}


def _type(request: HttpRequest) -> ProjectType | None:
    """The project type the settings page is about (`?type=`); an unknown one is a page that does not
    exist, never the settings of all projects."""
    code = request.POST.get("type", request.GET.get("type", ""))
    try:
        return selectors.project_type_by_code(code, "type")
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from None


@login_required
@require_http_methods(["GET", "POST"])
def status_rag_rules(request: HttpRequest) -> HttpResponse:
    """The RAG rules with their thresholds, for all projects or a project type; the PMO edits a rule at a
    time."""
    project_type = _type(request)
    can_edit = perms.can_configure_status_reports(request.user)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        require(can_edit)
        key = request.POST.get("rule", "")
        rule = rag.RULES.get(key)
        target = reverse("status-rag-rules") + (f"?type={project_type.code}" if project_type else "")
        if rule is None:
            messages.error(request, _("Unknown rule %(rule)s.") % {"rule": key})
            return redirect(target)
        try:
            if request.POST.get("action") == "reset":
                services.rag_rule_reset(actor=request.user, project_type=project_type, rule=key)
            else:
                services.rag_rule_save(
                    actor=request.user,
                    project_type=project_type,
                    rule=key,
                    enabled=bool(request.POST.get("enabled")),
                    params={name: request.POST.get(name, "") for name in rule.params},
                )
        except ValidationError as exc:
            errors[key] = _errors(exc)
            status = 422
        else:
            messages.success(request, _("%(rule)s: saved.") % {"rule": rule.title})
            return redirect(target)
    rows = selectors.rule_rows(project_type)
    return render(
        request,
        "reporting/status_rules.html",
        {
            "rows": rows,
            "errors": errors,
            "project_type": project_type,
            "types": selectors.project_types(),
            "can_edit": can_edit,
            "dimension_labels": dict(Dimension.choices),
            "source_labels": _source_labels(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def status_report_levels(request: HttpRequest) -> HttpResponse:
    """Which sections each audience sees, for all projects or a project type (the PMO edits)."""
    project_type = _type(request)
    can_edit = perms.can_configure_status_reports(request.user)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        require(can_edit)
        audience = request.POST.get("audience", "")
        try:
            services.report_level_save(
                actor=request.user,
                project_type=project_type,
                audience=audience,
                sections=request.POST.getlist("sections"),
            )
        except ValidationError as exc:
            errors[audience] = _errors(exc)
            status = 422
        else:
            messages.success(request, _("The report level was saved."))
            return redirect(
                reverse("status-report-levels") + (f"?type={project_type.code}" if project_type else "")
            )
    return render(
        request,
        "reporting/status_levels.html",
        {
            "rows": selectors.level_rows(project_type),
            "sections": SECTIONS,
            "section_labels": selectors.section_labels(),
            "source_labels": _source_labels(),
            "errors": errors,
            "project_type": project_type,
            "types": selectors.project_types(),
            "can_edit": can_edit,
        },
        status=status,
    )
