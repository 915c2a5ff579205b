"""Weekly status reports: gathering the facts, drafting, the PM's narrative and overrides, submitting and
the PMO's review; the PMO's RAG rule settings and report levels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kuroko.core.models import Role, User
from kuroko.core.notifications import notify, notify_others, users_with_roles
from kuroko.core.permissions import require
from kuroko.core.versioning import check_version
from kuroko.projects.models import Project, ProjectType, Rag
from kuroko.reporting import permissions as perms
from kuroko.reporting import rag
from kuroko.reporting.facts import SECTIONS, ProjectFacts
from kuroko.reporting.models import (
    Audience,
    RagRuleSetting,
    ReportComment,
    ReportLevel,
    ReportStatus,
    StatusReport,
)
from kuroko.reporting.selectors.status import rule_settings, settings_for
from kuroko.reporting.selectors.status_facts import facts_for
from kuroko.reporting.weeks import week_label, week_start

NARRATIVE = ("summary", "accomplishments", "next_steps", "help_needed")
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
DONE = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED)
BATCH = 50
MAX_TEXT = 10_000


def gather_facts(project: Project, week: date, *, today: date) -> ProjectFacts:
    """The facts of `project`'s ISO week starting `week` (a Monday), from the live data as of `today`."""
    return facts_for([project], week_start(week), today=today)[project.pk]


# --- settings of the rules ------------------------------------------------------------------------


def _apply(
    report: StatusReport, facts: ProjectFacts, settings: Mapping[str, rag.Effective], *, now: Any
) -> None:
    """Store the facts and the computed colours, and the colours in effect as columns."""
    report.facts = facts.to_dict()
    report.computed = rag.computed_colours(facts, settings)
    report.drafted_at = now
    _columns(report, settings)


def _columns(report: StatusReport, settings: Mapping[str, rag.Effective]) -> None:
    """Combine overall from the dimensions in effect and store it in `computed` (read as stored from then
    on), and the colours in effect as columns."""
    base = {d: v for d, v in (report.computed or {}).items() if d != "overall"}
    colours = rag.effective_colours(base, report.overrides or {}, settings)
    report.computed = {**base, "overall": {k: colours["overall"][k] for k in ("rag", "reasons")}}
    report.computed["overall"]["rag"] = colours["overall"]["computed"]
    for d in rag.ALL_DIMENSIONS:
        setattr(report, f"rag_{d}", colours[d]["rag"])


def _today() -> date:
    return timezone.localdate()


def _require_read(actor: Any, project: Project) -> None:
    if actor is not None and not perms.can_read_status_report(actor, project):
        raise PermissionDenied(_("You may not read this project."))


def _require_started(week: date, today: date) -> None:
    """A week after the current one has no figures yet: refuse it, naming the week."""
    if week > week_start(today):
        raise ValidationError(
            {
                "week": _("%(week)s has not started yet: a report covers the current week or an earlier one.")
                % {"week": week_label(week)}
            }
        )


def report_get_or_draft(*, project: Any, week: date, actor: Any = None) -> StatusReport:
    """The project's report of the ISO week starting `week` (a Monday): the existing one, else a new draft
    gathered from the data now. Raises PermissionDenied when `actor` (None = the system) may not read the
    project."""
    _require_read(actor, project)
    week = week_start(week)
    _require_started(week, _today())
    found = StatusReport.objects.filter(project=project, week=week).first()
    if found is not None:
        return found
    if actor is not None and not perms.can_write_status_report(actor, project):
        # A reader sees reports; only who writes the report drafts one.
        raise Http404(_("No status report of %(week)s yet.") % {"week": week_label(week)})
    with transaction.atomic():
        facts = gather_facts(project, week, today=_today())
        settings = settings_for(project.project_type_id)
        report = StatusReport(project=project, week=week)
        _apply(report, facts, settings, now=timezone.now())
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:  # drafted meanwhile by another request or the weekly job
            existing = StatusReport.objects.filter(project=project, week=week).first()
            if existing is None:
                raise
            return existing
    return report


def draft_all(
    week: date, *, today: date | None = None, projects: Sequence[Project] | None = None, batch: int = BATCH
) -> dict[str, int]:
    """Draft the week's report of every active project that has none, and refresh the facts of the drafts
    and returned reports; submitted and reviewed reports stay as they are. In batches of `batch` projects,
    each read in a fixed number of queries and written in one transaction. Returns counts."""
    today = today or _today()
    week = week_start(week)
    _require_started(week, today)
    if projects is None:
        projects = list(
            Project.objects.filter(status="active").select_related("manager", "program", "project_type")
        )
    created = refreshed = 0
    now = timezone.now()
    all_settings = rule_settings({p.project_type_id for p in projects})
    for start in range(0, len(projects), batch):
        chunk = list(projects[start : start + batch])
        ids = [p.pk for p in chunk]
        existing = {r.project_id: r for r in StatusReport.objects.filter(project_id__in=ids, week=week)}
        todo = [p for p in chunk if p.pk not in existing or existing[p.pk].status in EDITABLE]
        if not todo:
            continue
        previous = dict(
            StatusReport.objects.filter(project_id__in=ids, week=week - timedelta(days=7)).values_list(
                "project_id", "facts"
            )
        )
        facts = facts_for(todo, week, today=today, previous=previous)
        new: list[StatusReport] = []
        changed: list[StatusReport] = []
        for p in todo:
            report = existing.get(p.pk) or StatusReport(project=p, week=week)
            _apply(report, facts[p.pk], all_settings[p.project_type_id], now=now)
            (changed if report.pk else new).append(report)
        with transaction.atomic():
            if new:
                bulk_create_with_history(new, StatusReport, batch_size=500, ignore_conflicts=False)
            if changed:
                # A refresh is a new version (a page opened before it gets a conflict on submit), with a
                # history row; reports submitted meanwhile are left alone.
                locked = dict(
                    StatusReport.objects.select_for_update()
                    .filter(pk__in=[r.pk for r in changed], status__in=EDITABLE)
                    .values_list("pk", "version")
                )
                changed = [r for r in changed if r.pk in locked]
                for r in changed:
                    r.version = locked[r.pk] + 1
                bulk_update_with_history(
                    changed,
                    StatusReport,
                    ["facts", "computed", "drafted_at", "version", *(f"rag_{d}" for d in rag.ALL_DIMENSIONS)],
                    batch_size=500,
                )
        created += len(new)
        refreshed += len(changed)
    return {"created": created, "refreshed": refreshed}


def _locked(report: StatusReport, version: int | None) -> StatusReport:
    fresh = StatusReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    check_version(fresh, version)
    return fresh


def _save(report: StatusReport, actor: Any) -> None:
    report.version += 1
    if actor is not None and getattr(actor, "is_authenticated", False):
        report._history_user = actor  # type: ignore[attr-defined]
    report.save()


def _require_editable(actor: Any, report: StatusReport) -> None:
    require(
        perms.can_write_status_report(actor, report.project),
        _("Only who may edit the project writes its status report."),
    )
    if report.status not in EDITABLE:
        raise ValidationError(
            {"status": _("The report was submitted: it can be changed only after the PMO returns it.")}
        )


@transaction.atomic
def report_refresh(*, actor: Any, report: StatusReport, version: int | None = None) -> StatusReport:
    """Gather the facts again and recompute the colours of a draft or returned report."""
    report = _locked(report, version)
    _require_editable(actor, report)
    project = report.project
    facts = gather_facts(project, report.week, today=_today())
    _apply(report, facts, settings_for(project.project_type_id), now=timezone.now())
    _save(report, actor)
    return report


def _clean_overrides(overrides: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for dimension, value in overrides.items():
        if dimension not in rag.ALL_DIMENSIONS:
            errors[f"overrides.{dimension}"] = _("Unknown dimension %(name)s.") % {"name": dimension}
            continue
        if not value:
            continue  # no override
        colour = str(value.get("rag", "") or "")
        justification = str(value.get("justification", "") or "").strip()
        if colour not in Rag.values:
            errors[f"overrides.{dimension}.rag"] = _("Choose green, amber or red.")
        elif not justification:
            errors[f"overrides.{dimension}.justification"] = _("Say why the colour differs from the rules'.")
        elif len(justification) > 2000:
            errors[f"overrides.{dimension}.justification"] = _("At most 2,000 characters.")
        else:
            out[dimension] = {"rag": colour, "justification": justification}
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def report_update(
    *,
    actor: Any,
    report: StatusReport,
    version: int | None,
    narrative: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> StatusReport:
    """Change the narrative and/or overrides ({dimension: {"rag", "justification"} or None to remove})."""
    report = _locked(report, version)
    _require_editable(actor, report)
    errors: dict[str, str] = {}
    for name, value in (narrative or {}).items():
        if name not in NARRATIVE:
            errors[name] = _("This field cannot be changed here.")
        elif len(value or "") > MAX_TEXT:
            errors[name] = _("At most 10,000 characters.")
    if errors:
        raise ValidationError(errors)
    for name, value in (narrative or {}).items():
        setattr(report, name, (value or "").strip())
    if overrides is not None:
        current = dict(report.overrides or {})
        cleaned = _clean_overrides(overrides)
        for dimension, value in overrides.items():
            if not value:
                current.pop(dimension, None)
        current.update(cleaned)
        report.overrides = current
        project = report.project
        _columns(report, settings_for(project.project_type_id))
    _save(report, actor)
    return report


def _manager_users(project: Project) -> list[User]:
    from kuroko.projects.models import ProjectMember
    from kuroko.projects.permissions import MANAGING_ROLES

    person_ids = set(
        ProjectMember.objects.filter(project=project, role__in=MANAGING_ROLES).values_list(
            "person_id", flat=True
        )
    )
    if project.manager_id:
        person_ids.add(project.manager_id)
    return list(User.objects.filter(is_active=True, person__in=person_ids))


def _project_rag(project: Project, colours: Mapping[str, Mapping[str, Any]], actor: Any) -> None:
    """The project's own status fields take a report's colours, worded in the organisation's language."""
    with translation.override(django_settings.LANGUAGE_CODE):
        for d in rag.ALL_DIMENSIONS:
            setattr(project, f"rag_{d}", colours[d]["rag"])
            setattr(project, f"rag_{d}_reason", rag.worded(colours[d])[:2000])
    project.version += 1
    if getattr(actor, "is_authenticated", False):
        project._history_user = actor  # type: ignore[attr-defined]
    project.save()


def report_url(report: StatusReport) -> str:
    return reverse("status-report", args=[report.project.code, week_label(report.week)])


@transaction.atomic
def report_submit(*, actor: Any, report: StatusReport, version: int | None) -> StatusReport:
    """Submit a draft or returned report: it becomes read-only for the PM, the project's RAG fields take
    its colours and worded reasons (unless a later week was already submitted), and the PMO is notified."""
    report = _locked(report, version)
    _require_editable(actor, report)
    project = Project.objects.select_for_update().get(pk=report.project_id)
    settings = settings_for(project.project_type_id)
    _columns(report, settings)
    colours = rag.effective_colours(report.computed, report.overrides or {}, settings)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    _save(report, actor)
    later = StatusReport.objects.filter(project=project, status__in=DONE, week__gt=report.week).exists()
    if not later:
        _project_rag(project, colours, actor)
    code, label, url = project.code, week_label(report.week), report_url(report)
    notify_others(
        actor=actor,
        users=users_with_roles(Role.PMO_ADMIN, Role.PMO_MEMBER),
        kind="report_submitted",
        title=lambda: _("Status report %(project)s %(week)s submitted") % {"project": code, "week": label},
        url=url,
    )
    return report


@transaction.atomic
def report_review(
    *, actor: Any, report: StatusReport, version: int | None, decision: str, comment: str = ""
) -> StatusReport:
    """The PMO accepts (`decision` "accept": reviewed) or returns ("return": the PM reworks it, a comment
    is required) a submitted report; the PM is notified."""
    require(perms.can_review_status_report(actor), _("Only the PMO reviews status reports."))
    report = _locked(report, version)
    comment = (comment or "").strip()
    if decision not in ("accept", "return"):
        raise ValidationError({"decision": _("Choose accept or return.")})
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted report can be reviewed.")})
    if decision == "return" and not comment:
        raise ValidationError({"comment": _("Say what to rework when returning a report.")})
    if len(comment) > MAX_TEXT:
        raise ValidationError({"comment": _("At most 10,000 characters.")})
    report.status = ReportStatus.REVIEWED if decision == "accept" else ReportStatus.RETURNED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    _save(report, actor)
    if comment:
        ReportComment.objects.create(report=report, author=actor, text=comment)
    code, label = report.project.code, week_label(report.week)
    if decision == "accept":
        kind = "report_reviewed"

        def title() -> str:
            return _("Status report %(project)s %(week)s reviewed") % {"project": code, "week": label}
    else:
        kind = "report_returned"

        def title() -> str:
            return _("Status report %(project)s %(week)s returned for rework") % {
                "project": code,
                "week": label,
            }

    notify_others(
        actor=actor,
        users=_manager_users(report.project),
        kind=kind,
        title=title,
        body=comment,
        url=report_url(report),
    )
    return report


@transaction.atomic
def report_comment(*, actor: Any, report: StatusReport, text: str) -> ReportComment:
    """A comment on the report by the PMO or who writes the report."""
    require(
        perms.can_review_status_report(actor) or perms.can_write_status_report(actor, report.project),
        _("Only the PMO and who writes the report comment on it."),
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most 10,000 characters.")})
    return ReportComment.objects.create(report=report, author=actor, text=text)


def reminders_send(*, week: date) -> int:
    """Remind the managers of active projects whose report of `week` is not submitted ("report_due");
    returns how many projects were reminded."""
    week = week_start(week)
    done = set(StatusReport.objects.filter(week=week, status__in=DONE).values_list("project_id", flat=True))
    label = week_label(week)
    count = 0
    for project in Project.objects.filter(status="active").exclude(pk__in=done).order_by("code"):
        users = _manager_users(project)
        if not users:
            continue
        code = project.code

        def title(code: str = code) -> str:
            return _("Status report %(project)s %(week)s is due") % {"project": code, "week": label}

        notify(users=users, kind="report_due", title=title, url=reverse("status-report", args=[code, label]))
        count += 1
    return count


def reported_projects(project_ids: Iterable[int], *, since: date) -> set[int]:
    """The audit's "status reported this week" source: projects with a submitted or reviewed report of a
    week that ends on or after `since` and starts no later than the week of `since` + 6 days (the audit's
    today: a report of a later week does not count)."""
    return set(
        StatusReport.objects.filter(
            project_id__in=list(project_ids),
            status__in=DONE,
            week__gte=week_start(since),
            week__lte=week_start(since + timedelta(days=6)),
        ).values_list("project_id", flat=True)
    )


# --- the PMO's settings ------------------------------------------------------------------------------


@transaction.atomic
def rag_rule_save(
    *,
    actor: Any,
    project_type: ProjectType | None,
    rule: str,
    enabled: bool,
    params: Mapping[str, Any],
) -> RagRuleSetting:
    """Set a rule for a project type (None: all projects). Thresholds left empty are inherited."""
    require(perms.can_configure_status_reports(actor), _("Only the PMO sets the RAG rules."))
    found = rag.RULES.get(rule)
    if found is None:
        raise ValidationError({"rule": _("Unknown rule %(rule)s.") % {"rule": rule}})
    cleaned: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name, value in params.items():
        if name not in found.params:
            errors[name] = _("The rule has no threshold %(name)s.") % {"name": name}
            continue
        if value is None or str(value).strip() == "":
            continue
        try:
            cleaned[name] = found.params[name].parse(value)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(errors)
    # Checked against what the row will inherit: the all-projects row (for a type) or the defaults.
    parent = settings_for(None)[rule].params if project_type is not None else {}
    merged = {n: cleaned.get(n, parent.get(n, p.default)) for n, p in found.params.items()}
    for amber, red in (("amber_at", "red_at"), ("amber_days", "red_days"), ("amber_percent", "red_percent")):
        if merged.get(amber) and merged.get(red) and merged[red] < merged[amber]:
            raise ValidationError({red: _("The red threshold must be at least as severe as the amber one.")})
    if "red_below" in merged and merged["red_below"] > merged["amber_below"]:
        raise ValidationError(
            {"red_below": _("The red threshold must be at least as severe as the amber one.")}
        )
    setting, _created = RagRuleSetting.objects.get_or_create(project_type=project_type, rule=rule)
    setting.enabled = bool(enabled)
    setting.params = cleaned
    setting.updated_by = actor
    setting.save()
    return setting


@transaction.atomic
def rag_rule_reset(*, actor: Any, project_type: ProjectType | None, rule: str) -> None:
    """Remove a rule's setting: the inherited one applies again."""
    require(perms.can_configure_status_reports(actor), _("Only the PMO sets the RAG rules."))
    RagRuleSetting.objects.filter(project_type=project_type, rule=rule).delete()


@transaction.atomic
def report_level_save(
    *, actor: Any, project_type: ProjectType | None, audience: str, sections: Sequence[str]
) -> ReportLevel:
    """Set the sections one audience sees, for a project type (None: all projects)."""
    require(perms.can_configure_status_reports(actor), _("Only the PMO sets the report levels."))
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose team, pmo or executive.")})
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise ValidationError({"sections": _("Unknown sections: %(names)s.") % {"names": ", ".join(unknown)}})
    if not sections:
        raise ValidationError({"sections": _("Choose at least one section.")})
    level, _created = ReportLevel.objects.get_or_create(project_type=project_type, audience=audience)
    level.sections = [s for s in SECTIONS if s in sections]
    level.save()
    return level
