"""Reads of the risk register: a project's risks filtered and sorted, one risk, the risk matrix with its
labels, heat maps, top risks, risks overdue for review and the score trend rebuilt from the history.

Every function takes the requesting user and returns only what that user may read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.db.models import DecimalField as DecimalOutput
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kuroko.engine.duration import DurationUnits
from kuroko.projects import permissions as project_perms
from kuroko.projects.models import Project
from kuroko.raid import permissions as perms
from kuroko.raid.models import (
    LEVEL_RANK,
    OPEN_RISK_STATUSES,
    OPPORTUNITY_STRATEGIES,
    THREAT_STRATEGIES,
    Risk,
    RiskLevel,
    RiskMatrix,
    RiskStatus,
    default_cells,
)

# Default labels of the scales by size (a matrix with empty labels reads these, translated).
DEFAULT_LABELS: dict[int, tuple[Any, ...]] = {
    3: (gettext_lazy("Low"), gettext_lazy("Medium"), gettext_lazy("High")),
    4: (gettext_lazy("Low"), gettext_lazy("Medium"), gettext_lazy("High"), gettext_lazy("Very high")),
    5: (
        gettext_lazy("Very low"),
        gettext_lazy("Low"),
        gettext_lazy("Medium"),
        gettext_lazy("High"),
        gettext_lazy("Very high"),
    ),
    6: (
        gettext_lazy("Very low"),
        gettext_lazy("Low"),
        gettext_lazy("Medium"),
        gettext_lazy("High"),
        gettext_lazy("Very high"),
        gettext_lazy("Extreme"),
    ),
    7: (
        gettext_lazy("Negligible"),
        gettext_lazy("Very low"),
        gettext_lazy("Low"),
        gettext_lazy("Medium"),
        gettext_lazy("High"),
        gettext_lazy("Very high"),
        gettext_lazy("Extreme"),
    ),
}

# Columns the register sorts by (`-` first: descending), each with the number as a tie-breaker.
SORTS: dict[str, tuple[Any, ...]] = {
    "number": ("number",),
    "-number": ("-number",),
    "score": ("score", "number"),
    "-score": ("-score", "number"),
    "level": ("level_rank", "score", "number"),
    "-level": ("-level_rank", "-score", "number"),
    "review": (F("next_review").asc(nulls_first=True), "number"),
    "-review": (F("next_review").desc(nulls_last=True), "number"),
    "title": ("title", "number"),
    "-title": ("-title", "number"),
}
DEFAULT_SORT = "-score"


def default_percents(size: int) -> list[int]:
    """Upper bounds of the probability levels in percent when the matrix gives none: equal bands."""
    return [round(100 * k / size) for k in range(1, size + 1)]


@dataclass(frozen=True)
class MatrixInfo:
    """The matrix as pages and the API show it: labels and bounds filled in with the defaults."""

    matrix: RiskMatrix
    size: int
    probability_labels: list[str]
    impact_labels: list[str]
    probability_percents: list[float]
    cost_thresholds: list[float]
    schedule_threshold_days: list[float]
    cells: list[list[str]]
    review_days: int

    def probability_label(self, value: int | None) -> str:
        if value is None or not 1 <= value <= self.size:
            return ""
        return self.probability_labels[value - 1]

    def impact_label(self, value: int | None) -> str:
        if value is None or value == 0:
            return _("None") if value == 0 else ""
        return self.impact_labels[value - 1] if value <= self.size else ""

    def level_of(self, probability: int, impact: int) -> str:
        return self.matrix.level_of(probability, impact)

    def probability_choices(self) -> list[tuple[int, str]]:
        return [(n, f"{n} – {label}") for n, label in enumerate(self.probability_labels, start=1)]

    def impact_choices(self) -> list[tuple[int, str]]:
        return [(0, f"0 – {_('None')}")] + [
            (n, f"{n} – {label}") for n, label in enumerate(self.impact_labels, start=1)
        ]

    def suggest(
        self,
        *,
        probability_percent: Decimal | float | None,
        cost: Decimal | float | None,
        schedule_minutes: int | None,
        units: DurationUnits,
    ) -> dict[str, int | None]:
        """The matrix levels a quantitative assessment points at: probability from the percent bounds,
        cost and schedule impact from the impact bounds (none where the matrix has no bounds)."""
        out: dict[str, int | None] = {"probability": None, "impact_cost": None, "impact_schedule": None}
        if probability_percent is not None:
            out["probability"] = min(_band(float(probability_percent), self.probability_percents), self.size)
        if cost is not None and self.cost_thresholds:
            out["impact_cost"] = 0 if float(cost) <= 0 else _band(float(cost), self.cost_thresholds)
        if schedule_minutes is not None and self.schedule_threshold_days:
            days = schedule_minutes / float(units.hours_per_day * 60)
            out["impact_schedule"] = 0 if days <= 0 else _band(days, self.schedule_threshold_days)
        return out


def _band(value: float, bounds: Sequence[float]) -> int:
    """The level whose upper bound is the first `value` does not exceed (1-based), or the level above
    the last bound."""
    for n, bound in enumerate(bounds, start=1):
        if value <= bound:
            return n
    return len(bounds) + 1


def matrix_info(matrix: RiskMatrix | None = None) -> MatrixInfo:
    """The organisation's matrix with default labels, bounds and cells where it leaves them empty."""
    matrix = matrix or RiskMatrix.current()
    size = matrix.size
    defaults = [str(label) for label in DEFAULT_LABELS.get(size, DEFAULT_LABELS[5])]
    return MatrixInfo(
        matrix=matrix,
        size=size,
        probability_labels=[str(v) for v in matrix.probability_labels] or defaults,
        impact_labels=[str(v) for v in matrix.impact_labels] or defaults,
        probability_percents=[float(v) for v in matrix.probability_percents]
        or [float(v) for v in default_percents(size)],
        cost_thresholds=[float(v) for v in matrix.cost_thresholds],
        schedule_threshold_days=[float(v) for v in matrix.schedule_threshold_days],
        cells=[list(row) for row in matrix.cells] or default_cells(size),
        review_days=matrix.review_days,
    )


def strategies_for(kind: str) -> tuple[str, ...]:
    """The response strategies valid for a threat or an opportunity."""
    return OPPORTUNITY_STRATEGIES if kind == "opportunity" else THREAT_STRATEGIES


# --- the register -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskFilter:
    """The one filter definition of risk lists: the register page, the portfolio and the API."""

    status: list[str] = field(default_factory=list)  # empty: the open ones (open, responding)
    level: list[str] = field(default_factory=list)
    category: str | None = None
    owner: int | None = None  # person id
    kind: str | None = None
    q: str = ""
    overdue: bool = False  # overdue for review
    probability: int | None = None  # a heat-map cell: probability and (largest) impact
    impact: int | None = None
    sort: str = DEFAULT_SORT
    all_statuses: bool = False  # every status, closed ones too


def _annotated(qs: QuerySet[Risk]) -> Any:
    # Any: the annotations are not model fields, which django-stubs would refuse in later filters.
    """Add `max_impact` (what the matrix reads) and `level_rank` (levels sort by severity, not name)."""
    return qs.annotate(
        max_impact=Greatest("impact_cost", "impact_schedule", "impact_quality"),
        level_rank=Case(
            *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def overdue_q(today: date, review_days: int) -> Q:
    """Open risks overdue for review: the next review is past, or (none set) the last review — or the day
    it was raised, if never reviewed — is longer ago than the matrix's review interval."""
    stale = today - timedelta(days=review_days)
    never = Q(next_review__isnull=True) & (
        Q(last_reviewed__lt=stale) | Q(last_reviewed__isnull=True, raised_on__lt=stale)
    )
    return Q(status__in=OPEN_RISK_STATUSES) & (Q(next_review__lt=today) | never)


def is_overdue(risk: Risk, today: date, review_days: int) -> bool:
    """`overdue_q` for one risk already read."""
    if risk.status not in OPEN_RISK_STATUSES:
        return False
    if risk.next_review is not None:
        return risk.next_review < today
    return (risk.last_reviewed or risk.raised_on) < today - timedelta(days=review_days)


def filter_risks(
    rows: QuerySet[Risk],
    f: RiskFilter,
    *,
    today: date | None = None,
    review_days: int | None = None,
) -> QuerySet[Risk]:
    qs: Any = _annotated(rows)
    if f.status:
        qs = qs.filter(status__in=f.status)
    elif not f.all_statuses:
        qs = qs.filter(status__in=OPEN_RISK_STATUSES)
    if f.level:
        qs = qs.filter(level__in=f.level)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        text = Q()
        for name in ("title", "cause", "event", "effect", "response"):
            text |= Q(**{f"{name}__icontains": f.q})
        number = f.q.upper().removeprefix("R-").lstrip("0")
        if number.isdigit():
            text |= Q(number=int(number))
        qs = qs.filter(text)
    if f.overdue:
        days = review_days if review_days is not None else RiskMatrix.current().review_days
        qs = qs.filter(overdue_q(today or timezone.localdate(), days))
    if f.probability is not None:
        qs = qs.filter(probability=f.probability)
    if f.impact is not None:
        qs = qs.filter(max_impact=f.impact)
    ordered: QuerySet[Risk] = qs.order_by(*SORTS.get(f.sort, SORTS[DEFAULT_SORT]))
    return ordered


def project_risks(
    user: Any, project: Project, f: RiskFilter | None = None, *, today: date | None = None
) -> QuerySet[Risk]:
    """The project's risks that match the filter, with their owner (one query)."""
    if not perms.can_view_raid(user, project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": project.code})
    qs = Risk.objects.filter(project=project).select_related("owner", "project")
    return filter_risks(qs, f or RiskFilter(), today=today)


def risk_for(user: Any, pk: int) -> Risk:
    """One risk: 404 if it does not exist, 403 if its project is hidden from the user."""
    risk = Risk.objects.select_related("project", "owner", "raised_by").filter(pk=pk).first()
    if risk is None:
        raise Http404(_("No risk with id %(id)s.") % {"id": pk})
    if not perms.can_view_raid(user, risk.project):
        raise PermissionDenied(_("You are not a member of project %(code)s.") % {"code": risk.project.code})
    return risk


def visible_risks(user: Any, *, program: str | None = None, project: str | None = None) -> QuerySet[Risk]:
    """Risks of the projects the user may read (optionally one program's or one project's)."""
    projects = project_perms.visible_projects(user)
    if program:
        projects = projects.filter(program__code=program)
    if project:
        projects = projects.filter(code=project)
    return Risk.objects.filter(project__in=projects.values("pk"))


# --- heat map ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    level: str
    count: int


@dataclass(frozen=True)
class HeatMap:
    """Open risks per cell (probability × largest impact); rows from the highest probability down."""

    size: int
    rows: list[list[HeatCell]]
    probability_labels: list[str]
    impact_labels: list[str]
    total: int
    no_impact: int  # open risks whose impacts are all 0 (not on the map)

    def count(self, probability: int, impact: int) -> int:
        return self.rows[self.size - probability][impact - 1].count


def heat_map(risks: QuerySet[Risk], info: MatrixInfo | None = None) -> HeatMap:
    """Count the open risks of `risks` per cell in one grouped query."""
    info = info or matrix_info()
    counts: dict[tuple[int, int], int] = {}
    rows = (
        _annotated(risks.filter(status__in=OPEN_RISK_STATUSES))
        .order_by()
        .values("probability", "max_impact")
        .annotate(n=Count("pk"))
    )
    no_impact = 0
    for row in rows:
        if row["max_impact"] == 0:
            no_impact += row["n"]
        else:
            key = (row["probability"], row["max_impact"])
            counts[key] = counts.get(key, 0) + row["n"]
    size = info.size
    grid = [
        [HeatCell(p, i, info.matrix.level_of(p, i), counts.get((p, i), 0)) for i in range(1, size + 1)]
        for p in range(size, 0, -1)
    ]
    return HeatMap(
        size=size,
        rows=grid,
        probability_labels=info.probability_labels,
        impact_labels=info.impact_labels,
        total=sum(counts.values()),
        no_impact=no_impact,
    )


# --- portfolio reads --------------------------------------------------------------------------------


def with_exposure(qs: QuerySet[Risk]) -> Any:
    """Annotate `exposure` = probability % × most likely cost (0 where either is missing)."""
    return qs.annotate(
        exposure=ExpressionWrapper(
            Coalesce("probability_percent", Decimal(0)) * Coalesce("cost_most_likely", Decimal(0)) / 100,
            output_field=DecimalOutput(max_digits=20, decimal_places=2),
        )
    )


def top_risks(
    user: Any, *, program: str | None = None, project: str | None = None, limit: int = 10
) -> list[Risk]:
    """The open risks with the highest score across the projects the user may read, then by exposure."""
    qs = with_exposure(
        visible_risks(user, program=program, project=project).filter(status__in=OPEN_RISK_STATUSES)
    )
    return list(
        qs.select_related("project", "owner").order_by("-score", "-exposure", "project__code", "number")[
            :limit
        ]
    )


def risks_due_for_review(
    user: Any,
    *,
    today: date | None = None,
    program: str | None = None,
    project: str | None = None,
    limit: int | None = 50,
) -> list[Risk]:
    """Open risks overdue for review, the longest overdue first."""
    info = RiskMatrix.current()
    qs = (
        visible_risks(user, program=program, project=project)
        .filter(overdue_q(today or timezone.localdate(), info.review_days))
        .select_related("project", "owner")
        .order_by(F("next_review").asc(nulls_first=True), "last_reviewed", "raised_on", "pk")
    )
    return list(qs[:limit] if limit else qs)


# --- trend --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """The open risks at the end of one week: total score and count per level."""

    week: date  # the Monday the week starts on
    score: int
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def risk_trend(
    user: Any,
    *,
    today: date | None = None,
    weeks: int = 26,
    program: str | None = None,
    project: str | None = None,
) -> list[TrendPoint]:
    """Per week of the last `weeks` weeks (the current one included): the open risks' total score and
    their count per level as they stood at the end of that week.

    Rebuilt from the change history, so a past week shows what was known then: the history records of
    the risks of the projects the user may read are read in one query (ordered by risk and time) and
    replayed once, each risk's state carried across the week ends it spans. Queries: the visible projects
    (one subquery) and the history — not one per risk or per week.
    """
    from kuroko.raid.models.registers import Risk as RiskModel

    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    tz = timezone.get_current_timezone()
    # The end of each week (Sunday 24:00 local time; today's week: now, so later edits do not count).
    ends = [timezone.make_aware(datetime.combine(start + timedelta(days=7), time()), tz) for start in starts]
    projects = project_perms.visible_projects(user)
    if program:
        projects = projects.filter(program__code=program)
    if project:
        projects = projects.filter(code=project)
    historical: Any = RiskModel.history.model
    records = (
        historical.objects.filter(project_id__in=projects.values("pk"), history_date__lt=ends[-1])
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "history_type", "status", "score", "level")
    )
    totals = [0] * weeks
    counts: list[dict[str, int]] = [{level: 0 for level in RiskLevel.values} for _w in range(weeks)]
    open_statuses = {str(s) for s in OPEN_RISK_STATUSES}

    def settle(state: tuple[Any, ...] | None, first: int, last: int) -> None:
        """Count `state` in the weeks first … last − 1."""
        if state is None or state[0] == "-" or state[1] not in open_statuses:
            return
        for n in range(first, last):
            totals[n] += state[2]
            counts[n][state[3]] = counts[n].get(state[3], 0) + 1

    def week_index(moment: datetime) -> int:
        """The first week whose end is after `moment`."""
        lo, hi = 0, weeks
        while lo < hi:
            mid = (lo + hi) // 2
            if ends[mid] > moment:
                hi = mid
            else:
                lo = mid + 1
        return lo

    current_id: int | None = None
    state: tuple[Any, ...] | None = None
    since = 0
    for risk_id, moment, kind, status, score, level in records.iterator(chunk_size=5000):
        if risk_id != current_id:
            settle(state, since, weeks)
            current_id, state, since = risk_id, None, 0
        index = week_index(moment)
        if index > since:
            settle(state, since, index)
            since = index
        state = (kind, status, score, level)
    settle(state, since, weeks)
    return [TrendPoint(week=start, score=totals[n], counts=counts[n]) for n, start in enumerate(starts)]


def trend_spec(points: Iterable[TrendPoint], *, labels: dict[str, str]) -> dict[str, Any]:
    """A Vega-Lite spec: total open score as a line over weekly counts per level stacked as bars."""
    from kuroko.formats.charts import SCHEMA

    level_names = [str(label) for _v, label in RiskLevel.choices]
    colours = ["#86efac", "#fde68a", "#fb923c", "#dc2626"]
    bars = []
    line = []
    for p in points:
        day = p.week.isoformat()
        line.append({"date": day, "score": p.score})
        for value, label in RiskLevel.choices:
            bars.append({"date": day, "level": str(label), "count": p.counts.get(value, 0)})
    # Ordinal weeks: a bar as wide as its week (a temporal axis would draw one-day slivers).
    x = {
        "field": "date",
        "type": "ordinal",
        "sort": None,
        "axis": {"title": labels["week"], "labelAngle": -45, "labelExpr": "slice(datum.value, 5)"},
    }
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 240,
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', 'Hiragino Sans', 'Noto Sans CJK JP', sans-serif",
            "view": {"stroke": None},
            "legend": {"orient": "top", "title": None},
        },
        "resolve": {"scale": {"y": "independent"}},
        "layer": [
            {
                "data": {"values": bars},
                "mark": {"type": "bar", "opacity": 0.85},
                "encoding": {
                    "x": x,
                    "y": {"field": "count", "type": "quantitative", "stack": True, "title": labels["count"]},
                    "color": {
                        "field": "level",
                        "type": "nominal",
                        "scale": {"domain": level_names, "range": colours},
                        "sort": level_names,
                    },
                    "order": {"field": "level", "sort": "ascending"},
                    "tooltip": [
                        {"field": "date", "type": "nominal", "title": labels["week"]},
                        {"field": "level", "type": "nominal", "title": labels["level"]},
                        {"field": "count", "type": "quantitative", "title": labels["count"]},
                    ],
                },
            },
            {
                "data": {"values": line},
                "mark": {"type": "line", "point": True, "color": "#1e3a8a", "strokeWidth": 2},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "score",
                        "type": "quantitative",
                        "title": labels["score"],
                        "axis": {"orient": "right"},
                    },
                    "tooltip": [
                        {"field": "date", "type": "nominal", "title": labels["week"]},
                        {"field": "score", "type": "quantitative", "title": labels["score"]},
                    ],
                },
            },
        ],
    }


# --- one risk -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreChange:
    """One point of a risk's assessment history."""

    date: datetime
    user: Any
    probability: int
    impact: int
    score: int
    level: str
    status: str
    residual_score: int | None

    @property
    def level_label(self) -> str:
        return str(dict(RiskLevel.choices).get(self.level, self.level))

    @property
    def status_label(self) -> str:
        return str(dict(RiskStatus.choices).get(self.status, self.status))


def score_history(risk: Risk, limit: int = 100) -> list[ScoreChange]:
    """The risk's assessment over time, newest first: one entry per change of score, level, residual
    score or status (other edits left out)."""
    historical: Any = risk.history.model
    records = list(
        historical.objects.filter(id=risk.pk)
        .select_related("history_user__person")
        .order_by("history_date", "history_id")
    )
    out: list[ScoreChange] = []
    previous: tuple[Any, ...] | None = None
    for r in records:
        key = (r.score, r.level, r.residual_score, r.status)
        if key == previous:
            continue
        previous = key
        out.append(
            ScoreChange(
                date=r.history_date,
                user=r.history_user,
                probability=r.probability,
                impact=max(r.impact_cost, r.impact_schedule, r.impact_quality),
                score=r.score,
                level=r.level,
                status=r.status,
                residual_score=r.residual_score,
            )
        )
    out.reverse()
    return out[:limit]


def level_rank(level: str) -> int:
    return LEVEL_RANK.get(RiskLevel(level), 0) if level in RiskLevel.values else 0


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
