"""Audit pages: the portfolio's findings (matrix, list, trend, Excel), a project's findings and health card,
one finding (owner, due date, waiver), the audit rules per project type, and running an audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.formats import charts
from kuroko.formats.charts_audits import findings_trend
from kuroko.governance import permissions as perms
from kuroko.governance.audit.registry import PACKS, RULES
from kuroko.governance.forms_audits import FindingEditForm, FindingFilterForm, RuleSettingForm, WaiveForm
from kuroko.governance.models import AuditTrigger, Finding, FindingStatus, Severity
from kuroko.governance.selectors import audits as selectors
from kuroko.governance.services import audits as services
from kuroko.people.models import Person
from kuroko.projects import selectors as project_selectors
from kuroko.projects.models import ProjectType
from kuroko.projects.permissions import visible_projects

PAGE_SIZE = 100


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _trend_spec(points: list[dict[str, Any]], *, score: str = "") -> dict[str, Any] | None:
    if not points:
        return None
    labels = {s.value: str(s.label) for s in Severity}
    labels.update(date=_("Date"), findings=_("Open findings"), score=score or _("Average health score"))
    return findings_trend(points, labels=labels)


def _counts(health: selectors.ProjectHealth) -> list[tuple[str, str, int]]:
    return [(key, str(label), health.by_severity.get(key, 0)) for key, label in Severity.choices]


def _listed(evidence: Any, key: str) -> list[Any]:
    value = evidence.get(key) if isinstance(evidence, dict) else None
    return value if isinstance(value, list) else []


def _rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "f": f,
            "title": selectors.rule_title(f.rule),
            "message": selectors.finding_message(f),
            "status": selectors.STATUS_LABELS.get(f.status, f.status),
            "tasks": _listed(f.evidence, "tasks")[:5],
        }
        for f in findings
    ]


@login_required
@require_GET
def findings(request: HttpRequest) -> HttpResponse:
    """The portfolio's findings: matrix of projects × rule packs, the filtered list, and the trend."""
    owners = Person.objects.filter(pk__in=Finding.objects.values("owner_id")).order_by(
        "family_name", "given_name"
    )
    form = FindingFilterForm(request.GET or None, owners=owners)
    filter_ = form.to_filter()
    qs = selectors.findings_visible(request.user, filter_)
    matrix = selectors.findings_matrix(selectors.findings_visible(request.user, _live(filter_)))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    projects = visible_projects(request.user)
    if filter_.project_type is not None:
        projects = projects.filter(project_type_id=filter_.project_type)
    if filter_.program is not None:
        projects = projects.filter(program_id=filter_.program)
    points = selectors.trend(projects, today=timezone.localdate())
    context = {
        "nav": "governance",
        "form": form,
        "filter": filter_,
        "page": page,
        "rows": _rows(list(page.object_list)),
        "query": query.urlencode(),
        "matrix": matrix,
        "trend": _trend_spec(points),
        "chart_version": charts.bundle_version(),
        "can_run": perms.can_run_audit(request.user),
        "export_query": query.urlencode(),
    }
    template = (
        "governance/findings.html#results"
        if request.htmx and not request.htmx.boosted
        else "governance/findings.html"
    )
    return render(request, template, context)


def _live(f: selectors.FindingFilter) -> selectors.FindingFilter:
    """The matrix counts live findings whatever status the list shows."""
    from dataclasses import replace

    return replace(f, status="live")


@login_required
@require_GET
def findings_export(request: HttpRequest) -> HttpResponse:
    """The filtered findings as an Excel workbook, with the evidence in words."""
    from kuroko.formats.tabular import to_xlsx

    form = FindingFilterForm(request.GET or None, owners=Person.objects.all())
    rows = []
    for f in selectors.findings_visible(request.user, form.to_filter()):
        rows.append(
            [
                f.project.code,
                f.project.name,
                f.rule,
                selectors.rule_title(f.rule),
                f.get_severity_display(),
                str(selectors.STATUS_LABELS.get(f.status, f.status)),
                selectors.finding_message(f),
                str(f.owner) if f.owner else "",
                f.due,
                timezone.localtime(f.opened_at).date(),
                timezone.localtime(f.last_seen_at).date(),
                timezone.localtime(f.closed_at).date() if f.closed_at else None,
                f.waive_reason,
            ]
        )
    header = [
        _("Project"),
        _("Project name"),
        _("Rule key"),
        _("Rule"),
        _("Severity"),
        _("Status"),
        _("Evidence"),
        _("Owner"),
        _("Due"),
        _("Found"),
        _("Last seen"),
        _("Closed"),
        _("Reason for waiving"),
    ]
    body = to_xlsx(_("Findings"), header, rows, widths=[12, 28, 24, 30, 10, 10, 60, 18, 12, 12, 12, 12, 30])
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="findings.xlsx"'
    return response


@login_required
@require_POST
def audit_run_all(request: HttpRequest) -> HttpResponse:
    """Queue an audit of every active project (the PMO)."""
    from kuroko.governance.tasks import audit_all_in_background

    require(perms.can_run_audit(request.user))
    audit_all_in_background.enqueue(timezone.localdate().isoformat(), request.user.pk)
    messages.success(
        request, _("The audit of all projects has started; the findings update when it is done.")
    )
    return redirect("findings")


@login_required
@require_GET
def project_findings(request: HttpRequest, code: str) -> HttpResponse:
    """A project's health score and findings, with their evidence; owner, due date and waiver."""
    project = project_selectors.project_get(request.user, code)
    today = timezone.localdate()
    health = selectors.project_health(request.user, project, today=today)
    show_closed = request.GET.get("closed") == "1"
    qs = selectors.findings_visible(
        request.user, selectors.FindingFilter(project=project.code, status="" if show_closed else "live")
    )
    rows = _rows(list(qs[:500]))
    points = [{**p, "score": p["score"]} for p in health.trend]
    return render(
        request,
        "governance/project_findings.html",
        {
            "project": project,
            "health": health,
            "rows": rows,
            "show_closed": show_closed,
            "can_run": perms.can_run_audit(request.user, project),
            "can_waive": perms.can_configure_standards(request.user),
            "dcma_url": _url("project-dcma", project.code),
            "trend": _trend_spec(points, score=_("Health score")) if len(points) > 1 else None,
            "chart_version": charts.bundle_version(),
            "counts": _counts(health),
        },
    )


@login_required
@require_POST
def project_audit_run(request: HttpRequest, code: str) -> HttpResponse:
    """Audit the project now (synchronously) and show its findings."""
    project = project_selectors.project_get(request.user, code)
    require(perms.can_run_audit(request.user, project))
    try:
        run = services.audit_run(
            trigger=AuditTrigger.MANUAL, projects=[project], actor=request.user, today=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("project-findings", project.code)
    messages.success(
        request,
        _("Audit done: %(opened)s finding(s) opened, %(closed)s closed.")
        % {"opened": run.opened, "closed": run.closed},
    )
    return redirect("project-findings", project.code)


@login_required
@require_GET
def project_health_card(request: HttpRequest, code: str) -> HttpResponse:
    """The project page's health card (fragment)."""
    project = project_selectors.project_get(request.user, code)
    health = selectors.project_health(request.user, project, today=timezone.localdate())
    return render(
        request,
        "governance/project_findings.html#health_card",
        {"project": project, "health": health, "counts": _counts(health)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One finding: its evidence and history; owner and due date (POST action=update), waive (action=waive)
    and withdraw a waiver (action=reopen)."""
    finding = selectors.finding_get(request.user, pk)
    can_assign = perms.can_configure_standards(request.user)
    can_edit = perms.can_set_finding_due(request.user, finding) and finding.status != FindingStatus.CLOSED
    edit = FindingEditForm(initial={"owner": finding.owner_id, "due": finding.due}, can_assign=can_assign)
    waive = WaiveForm()
    if request.method == "POST":
        action = request.POST.get("action", "update")
        try:
            if action == "waive":
                waive = WaiveForm(request.POST)
                require(can_assign, _("Only the PMO waives findings."))
                if waive.is_valid():
                    services.finding_waive(
                        actor=request.user, finding=finding, reason=waive.cleaned_data["reason"]
                    )
                    messages.success(request, _("The finding is waived."))
                    return redirect("finding-detail", finding.pk)
            elif action == "reopen":
                services.finding_reopen(actor=request.user, finding=finding)
                messages.success(request, _("The waiver is withdrawn: the finding is open again."))
                return redirect("finding-detail", finding.pk)
            else:
                require(perms.can_set_finding_due(request.user, finding))
                edit = FindingEditForm(request.POST, can_assign=can_assign)
                if edit.is_valid():
                    data = {"due": edit.cleaned_data["due"]}
                    if can_assign:
                        data["owner"] = edit.cleaned_data["owner"]
                    services.finding_update(actor=request.user, finding=finding, data=data)
                    messages.success(request, _("The finding is updated."))
                    return redirect(request.POST.get("next") or reverse("finding-detail", args=[finding.pk]))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("finding-detail", finding.pk)
        status = 422
    else:
        status = 200
    rule = RULES.get(finding.rule)
    return render(
        request,
        "governance/finding_detail.html",
        {
            "finding": finding,
            "project": finding.project,
            "rule": rule,
            "pack": PACKS[rule.pack].title if rule else "",
            "message": selectors.finding_message(finding),
            "status": selectors.STATUS_LABELS.get(finding.status, finding.status),
            "tasks": _listed(finding.evidence, "tasks"),
            "items": [
                " · ".join(str(v) for v in item.values() if v not in (None, ""))
                for item in _listed(finding.evidence, "items")
                if isinstance(item, dict)
            ],
            "edit": edit,
            "waive": waive,
            "can_edit": can_edit,
            "can_waive": can_assign,
            "task_url": _url("project-detail", finding.project.code),
            "dcma_url": _url("project-dcma", finding.project.code),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_rules(request: HttpRequest) -> HttpResponse:
    """Every rule with enabled, severity and thresholds, for all projects (`?type=` empty) or a project
    type; the PMO edits one rule at a time (POST)."""
    types = list(ProjectType.objects.order_by("code"))
    code = request.POST.get("type", request.GET.get("type", ""))
    project_type = next((t for t in types if t.code == code), None)
    can_edit = perms.can_configure_standards(request.user)
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        require(can_edit)
        key = request.POST.get("rule", "")
        rule = RULES.get(key)
        if rule is None:
            messages.error(request, _("Unknown rule %(rule)s.") % {"rule": key})
            return redirect(_rules_url(project_type))
        if request.POST.get("action") == "reset":
            services.rule_setting_reset(actor=request.user, project_type=project_type, rule=key)
            messages.success(
                request, _("%(rule)s: the inherited setting applies again.") % {"rule": rule.title}
            )
            return redirect(_rules_url(project_type))
        form = RuleSettingForm(request.POST, rule=rule)
        form.is_valid()
        try:
            services.rule_setting_save(
                actor=request.user,
                project_type=project_type,
                rule=key,
                enabled=bool(form.cleaned_data.get("enabled")),
                severity=form.cleaned_data.get("severity") or "",
                params={name: request.POST.get(name, "") for name in rule.params},
            )
        except ValidationError as exc:
            errors[key] = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            status = 422
        else:
            messages.success(request, _("%(rule)s: saved.") % {"rule": rule.title})
            return redirect(_rules_url(project_type))
    labels = dict(Severity.choices)
    rows: list[dict[str, Any]] = [
        {
            "rule": r.rule,
            "slug": r.rule.key.replace(".", "-").replace("_", "-"),
            "enabled": r.effective.enabled,
            "severity": r.effective.severity,
            "severity_label": labels.get(r.effective.severity, r.effective.severity),
            "default_label": labels.get(r.inherited.severity, r.inherited.severity),
            "own_severity": r.setting.severity if r.setting else "",
            "setting": r.setting,
            "errors": [
                f"{RULES[r.rule.key].params[n].label if n in r.rule.params else ''}: {e}".lstrip(": ")
                for n, msgs in errors.get(r.rule.key, {}).items()
                for e in msgs
            ],
            "params": [
                {
                    "name": name,
                    "label": param.label,
                    "own": (r.setting.params.get(name, "") if r.setting else "")
                    if r.rule.key not in errors
                    else request.POST.get(name, ""),
                    "inherited": r.inherited.params[name],
                    "value": r.effective.params[name],
                }
                for name, param in r.rule.params.items()
            ],
        }
        for r in selectors.rule_rows(project_type)
    ]
    packs = [(key, pack.title, [r for r in rows if r["rule"].pack == key]) for key, pack in PACKS.items()]
    return render(
        request,
        "governance/audit_rules.html",
        {
            "nav": "governance",
            "types": types,
            "project_type": project_type,
            "packs": packs,
            "can_edit": can_edit,
            "errors": errors,
            "severities": Severity.choices,
        },
        status=status,
    )


def _rules_url(project_type: ProjectType | None) -> str:
    url = reverse("audit-rules")
    return f"{url}?type={project_type.code}" if project_type else url
