"""Schedule quality: the DCMA 14-point assessment, one rule per check (`dcma.logic` … `dcma.bei`), each
with its standard thresholds as parameters. The checks themselves are computed by the DCMA part
(`kuroko.governance.selectors.dcma.dcma_reports`, the engine's `kuroko.engine.dcma`) for a batch of
projects; a rule is violated when its check did not pass."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.engine.dcma import DcmaThresholds
from kuroko.governance.audit.registry import (
    PACK_FAILED,
    Effective,
    Evidence,
    Pack,
    Param,
    ProjectData,
    Rule,
    register,
    register_pack,
)

PACK = "dcma"
TASK_LIMIT = 20  # tasks named in a finding's evidence
MAX_COUNT = 100_000  # the largest count threshold (leads, negative float, invalid dates)

# (check key, number, title, description, default severity, {param: (DcmaThresholds field, Param)})
CHECKS: list[tuple[str, int, Any, Any, str, dict[str, Param]]] = [
    (
        "logic",
        1,
        gettext_lazy("DCMA 1 · Logic"),
        gettext_lazy(
            "Incomplete tasks without a predecessor or a successor. Missing logic makes the critical path "
            "and "
            "every forecast meaningless; DCMA allows at most 5 %."
        ),
        "high",
        {"missing_logic": Param(gettext_lazy("Most tasks without logic (%)"), 5.0, "decimal", 0, 100)},
    ),
    (
        "leads",
        2,
        gettext_lazy("DCMA 2 · Leads"),
        gettext_lazy(
            "Links with a negative lag (a lead) let a successor start before its predecessor allows and hide "
            "the real critical path. DCMA allows none."
        ),
        "high",
        {"leads": Param(gettext_lazy("Most leads"), 0, "int", 0, MAX_COUNT)},
    ),
    (
        "lags",
        3,
        gettext_lazy("DCMA 3 · Lags"),
        gettext_lazy(
            # xgettext:no-python-format
            "Links with a positive lag: waiting time that should be a task of its own. DCMA allows at most "
            "5 % "
            "of the links."
        ),
        "medium",
        {"lags": Param(gettext_lazy("Most links with a lag (%)"), 5.0, "decimal", 0, 100)},
    ),
    (
        "relationship_types",
        4,
        gettext_lazy("DCMA 4 · Relationship types"),
        gettext_lazy(
            # xgettext:no-python-format
            "Finish-to-start links are the plainest logic; DCMA expects at least 90 % of the links to be FS."
        ),
        "low",
        {"fs_links": Param(gettext_lazy("Least finish-to-start links (%)"), 90.0, "decimal", 0, 100)},
    ),
    (
        "hard_constraints",
        5,
        gettext_lazy("DCMA 5 · Hard constraints"),
        gettext_lazy(
            "Tasks with a hard date constraint (must start/finish on, start/finish no later than) override "
            "the "
            "logic. DCMA allows at most 5 %."
        ),
        "medium",
        {
            "hard_constraints": Param(
                gettext_lazy("Most tasks with hard constraints (%)"), 5.0, "decimal", 0, 100
            )
        },
    ),
    (
        "high_float",
        6,
        gettext_lazy("DCMA 6 · High float"),
        gettext_lazy(
            "Incomplete tasks with a total float above 44 working days usually lack logic. DCMA allows at "
            "most "
            "5 %."
        ),
        "medium",
        {
            "high_float_days": Param(gettext_lazy("High float from (working days)"), 44, "int", 1, 1000),
            "high_float": Param(gettext_lazy("Most tasks with high float (%)"), 5.0, "decimal", 0, 100),
        },
    ),
    (
        "negative_float",
        7,
        gettext_lazy("DCMA 7 · Negative float"),
        gettext_lazy(
            "Tasks with negative total float cannot meet a constraint or deadline: the plan is already late. "
            "DCMA allows none."
        ),
        "critical",
        {"negative_float": Param(gettext_lazy("Most tasks with negative float"), 0, "int", 0, MAX_COUNT)},
    ),
    (
        "high_duration",
        8,
        gettext_lazy("DCMA 8 · High duration"),
        gettext_lazy(
            "Incomplete tasks longer than 44 working days are too coarse to manage. DCMA allows at most 5 %."
        ),
        "low",
        {
            "high_duration_days": Param(
                gettext_lazy("High duration from (working days)"), 44, "int", 1, 1000
            ),
            "high_duration": Param(gettext_lazy("Most long tasks (%)"), 5.0, "decimal", 0, 100),
        },
    ),
    (
        "invalid_dates",
        9,
        gettext_lazy("DCMA 9 · Invalid dates"),
        gettext_lazy(
            "Forecast dates before the status date, or actual dates after it: the schedule is not statused "
            "correctly. DCMA allows none."
        ),
        "high",
        {"invalid_dates": Param(gettext_lazy("Most invalid dates"), 0, "int", 0, MAX_COUNT)},
    ),
    (
        "resources",
        10,
        gettext_lazy("DCMA 10 · Resources"),
        gettext_lazy(
            "Incomplete tasks with a duration but nobody assigned: work nobody will do and cost nobody "
            "planned."
        ),
        "medium",
        {"no_resources": Param(gettext_lazy("Most tasks without resources (%)"), 0.0, "decimal", 0, 100)},
    ),
    (
        "missed_tasks",
        11,
        gettext_lazy("DCMA 11 · Missed tasks"),
        gettext_lazy(
            "Tasks whose baseline finish is past but which finished late or not at all. DCMA allows at most "
            "5 %."
        ),
        "medium",
        {"missed_tasks": Param(gettext_lazy("Most missed tasks (%)"), 5.0, "decimal", 0, 100)},
    ),
    (
        "critical_path_test",
        12,
        gettext_lazy("DCMA 12 · Critical path test"),
        gettext_lazy(
            "Delaying a critical task must delay the project's finish by as much; if it does not, the "
            "critical "
            "path is broken."
        ),
        "high",
        {},
    ),
    (
        "cpli",
        13,
        gettext_lazy("DCMA 13 · Critical path length index"),
        gettext_lazy(
            "CPLI = (critical path length + total float) ÷ critical path length. Below 0.95 the project can "
            "hardly finish on time."
        ),
        "high",
        {"cpli": Param(gettext_lazy("Least CPLI"), 0.95, "decimal", 0, 2)},
    ),
    (
        "bei",
        14,
        gettext_lazy("DCMA 14 · Baseline execution index"),
        gettext_lazy(
            "BEI = tasks finished ÷ tasks the baseline planned to finish by the status date. Below 0.95 the "
            "project completes less than it planned."
        ),
        "high",
        {"bei": Param(gettext_lazy("Least BEI"), 0.95, "decimal", 0, 2)},
    ),
]


def thresholds_for(settings: Mapping[str, Effective]) -> dict[str, Any]:
    """The DcmaThresholds fields from a project's effective DCMA rule settings."""
    out: dict[str, Any] = {}
    for key, *_rest, params in CHECKS:
        setting = settings.get(f"{PACK}.{key}")
        for name in params:
            if setting is not None:
                out[name] = setting.params[name]
    return out


def load(
    projects: list[Any],
    today: date,
    effective: Mapping[int, Mapping[str, Effective]],
    *,
    status_date: date | None = None,
) -> dict[int, Any]:
    """The DCMA report of each project (project id → DcmaReport) and the names of the tasks they name, on
    `status_date` when given (else each project's own, else `today`); PACK_FAILED for a project that
    could not be assessed."""
    from kuroko.governance.selectors.dcma import dcma_reports
    from kuroko.projects.models import Task

    thresholds = {p.pk: DcmaThresholds(**thresholds_for(effective[p.pk])) for p in projects}
    # Check 12 schedules each plan twice more: only when some project of the batch has it enabled.
    test = any(effective[p.pk][f"{PACK}.critical_path_test"].enabled for p in projects)
    failed: list[int] = []
    reports = dcma_reports(
        projects,
        as_of=today,
        thresholds=thresholds,
        critical_path_test=test,
        status_date=status_date,
        failed=failed,
    )

    wanted = {
        tid
        for report in reports.values()
        for check in report.checks
        if check.passed is False
        for tid in _task_pks(check.task_ids)
    }
    names = {
        pk: {"id": pk, "wbs": wbs, "name": name}
        for pk, wbs, name in Task.objects.filter(pk__in=wanted).values_list("pk", "wbs_code", "name")
    }
    return {
        p.pk: PACK_FAILED if p.pk in failed else {"report": reports.get(p.pk), "tasks": names}
        for p in projects
    }


def _task_pks(ids: Any) -> list[int]:
    """The first task ids a check names, as primary keys (the engine's ids are their text; links to
    other projects' tasks are not tasks of the project)."""
    return [int(t) for t in list(ids)[:TASK_LIMIT] if str(t).isdigit()]


register_pack(Pack(PACK, gettext_lazy("Schedule quality (DCMA 14)"), load, status_date=True))


def _number(value: Any) -> Any:
    if value is None:
        return None
    return round(float(value), 4) if not isinstance(value, int) else value


def _checker(key: str) -> Any:
    def check(data: ProjectData, params: Mapping[str, Any]) -> Evidence | None:
        loaded = data.packs.get(PACK)
        if not loaded or loaded["report"] is None:
            return None
        found = next((c for c in loaded["report"].checks if c.key == key), None)
        if found is None or found.passed is not False:
            return None
        tasks = [loaded["tasks"][t] for t in _task_pks(found.task_ids) if t in loaded["tasks"]]
        return {
            "number": found.number,
            "unit": getattr(found, "unit", ""),
            "value": _number(found.value),
            "threshold": _number(found.threshold),
            "count": found.count,
            "total": found.total,
            "tasks": tasks,
        }

    return check


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.4g}"


def _message(evidence: Evidence) -> str:
    unit = evidence.get("unit", "")
    values = {
        "value": _fmt(evidence.get("value")),
        "threshold": _fmt(evidence.get("threshold")),
        "count": evidence.get("count"),
        "total": evidence.get("total"),
    }
    if unit == "percent":
        return _("%(value)s %% (%(count)s of %(total)s); the threshold is %(threshold)s %%.") % values
    if unit == "count":
        return _("%(count)s; the threshold is %(threshold)s.") % values
    if unit == "index" or (not unit and evidence.get("threshold") is not None):
        return _("%(value)s; the threshold is %(threshold)s.") % values
    return _("The test failed.")


for _key, _n, _title, _description, _severity, _params in CHECKS:
    register(
        Rule(
            key=f"{PACK}.{_key}",
            pack=PACK,
            title=_title,
            description=_description,
            severity=_severity,
            check=_checker(_key),
            message=_message,
            params=_params,
        )
    )
