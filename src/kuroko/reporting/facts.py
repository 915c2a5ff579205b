"""The facts of one project's week: what a status report is drafted from and what every view of it (the
page, the PDF, the workbook, the executive pack, the portfolio summary) shows. Gathered by
`kuroko.reporting.services.status.gather_facts` from the live data and stored in
`StatusReport.facts` as `to_dict()`, so a past week reads as it was reported.

Plain data (no Django): dates as ISO strings in the JSON, numbers as floats (money in the organisation's
currency), texts as the users typed them. Translated words are added by whoever shows the facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

# The sections of a status report, in the order they are shown; a report level (per project type and
# audience) picks some of them.
SECTIONS = (
    "summary",  # colours with reasons, the PM's summary
    "progress",  # % complete vs plan, baseline and forecast finish, SPI/CPI, EAC
    "milestones",  # met or missed this week, due next weeks
    "forecast",  # Monte Carlo P80 finish
    "risks",  # top risks and what changed since last week
    "issues",  # top open issues and what changed
    "actions",  # overdue actions
    "governance",  # audit findings, health score, gate status
    "quality",  # quality indicators
    "resources",  # over-allocations of the project's people
    "narrative",  # accomplishments, next steps, help needed
    "charts",  # S-curve and Gantt (images in exports)
)


@dataclass(slots=True)
class MilestoneFact:
    task_id: int
    wbs: str
    name: str
    baseline_finish: date | None
    finish: date  # the current (forecast or actual) finish
    actual_finish: date | None
    slip_days: int | None  # working days later (+) or earlier (−) than the baseline; None without one
    state: str  # "met", "missed" (finished late or not finished by its date), "due" (this week), "upcoming"


@dataclass(slots=True)
class RiskFact:
    id: int
    code: str
    title: str
    level: str  # the matrix level key ("high", …)
    score: float
    owner: str
    response_due: date | None
    change: str  # "new", "raised", "lowered", "closed" or "" since last week's report


@dataclass(slots=True)
class IssueFact:
    id: int
    code: str  # I-003
    title: str
    severity: str
    priority: str
    status: str
    owner: str
    due: date | None
    change: str  # "new", "resolved", "escalated" or ""


@dataclass(slots=True)
class ActionFact:
    id: int
    code: str
    title: str
    owner: str
    due: date | None
    days_overdue: int


@dataclass(slots=True)
class FindingFact:
    rule: str  # the rule key ("dcma.logic")
    severity: str
    message: str  # as the audit stored it
    due: date | None


@dataclass(slots=True)
class QualityFact:
    indicator: str  # the metric key ("defect_density")
    label: str  # as the organisation named it
    value: float | None
    unit: str
    rag: str  # the band's colour, "" when the project type has no band


@dataclass(slots=True)
class OverallocationFact:
    person: str
    start: date
    end: date
    peak_percent: float  # the highest load in the span, % of capacity
    tasks: list[str] = field(default_factory=list)  # "WBS name" of this project's tasks in the span


@dataclass(slots=True)
class ProjectFacts:
    """Everything a weekly status report states about one project in one ISO week."""

    project_id: int
    code: str
    name: str
    manager: str
    program: str
    project_type: str  # the project type's code, "" without one
    currency: str
    week: date  # Monday of the ISO week
    status_date: date  # the day the figures are as of (the week's Friday, or the project's status date)
    # progress
    percent_complete: float | None
    planned_percent: float | None  # PV / BAC at the status date (the baseline's plan)
    start: date | None
    finish: date | None  # forecast finish of the current schedule
    baseline_finish: date | None
    finish_variance_days: int | None  # working days, + = later than the baseline
    # earned value (None without a baseline or costs)
    bac: float | None = None
    pv: float | None = None
    ev: float | None = None
    ac: float | None = None
    eac: float | None = None
    vac: float | None = None
    spi: float | None = None
    cpi: float | None = None
    budget: float | None = None
    # Monte Carlo: the latest finished run's P80 finish and when it ran
    p80_finish: date | None = None
    p80_run_at: str = ""
    milestones_this_week: list[MilestoneFact] = field(default_factory=list)
    milestones_next: list[MilestoneFact] = field(default_factory=list)  # due in the next two weeks
    risks: list[RiskFact] = field(default_factory=list)  # top open risks, then those closed this week
    open_risks: int = 0
    high_risks: int = 0
    # Every open risk's score (risk id as text → score), listed or not: next week's report tells a risk
    # that entered its top list with a higher score from one that stayed the same.
    risk_scores: dict[str, float] = field(default_factory=dict)
    issues: list[IssueFact] = field(default_factory=list)
    open_issues: int = 0
    escalated_issues: int = 0  # open issues that were escalated
    overdue_actions: list[ActionFact] = field(default_factory=list)
    findings: list[FindingFact] = field(default_factory=list)  # open audit findings, worst first
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    health_score: int | None = None
    gate: dict[str, Any] = field(default_factory=dict)  # {"phase", "status", "due", "decision"} or {}
    quality: list[QualityFact] = field(default_factory=list)
    overallocations: list[OverallocationFact] = field(default_factory=list)
    change_requests_pending: int = 0  # submitted, not yet approved or rejected
    severe_defects: int = 0  # open defects of severity 1 (critical) or 2 (major)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings."""
        result: dict[str, Any] = _jsonable(asdict(self))
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProjectFacts:
        """Read `to_dict()` back; keys it does not know are ignored, missing ones take their defaults."""
        facts: ProjectFacts = _build(cls, data)
        return facts


_NESTED: dict[str, type] = {
    "milestones_this_week": MilestoneFact,
    "milestones_next": MilestoneFact,
    "risks": RiskFact,
    "issues": IssueFact,
    "overdue_actions": ActionFact,
    "findings": FindingFact,
    "quality": QualityFact,
    "overallocations": OverallocationFact,
}
_DATES = {
    "week",
    "status_date",
    "start",
    "finish",
    "baseline_finish",
    "p80_finish",
    "actual_finish",
    "response_due",
    "due",
    "end",
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _build(cls: type, data: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in _NESTED and isinstance(value, list):
            value = [_build(_NESTED[f.name], item) for item in value]
        elif f.name in _DATES and isinstance(value, str) and value:
            value = date.fromisoformat(value)
        kwargs[f.name] = value
    return cls(**kwargs)
