"""Overtime against statutory limits (Japan's 36 agreement, 36協定), with warnings before a limit is hit.

`check_overtime(rules, months)` takes a rule set and one person's overtime per month of a fiscal year,
each month split into *actual* minutes (from attendance) and *planned* minutes (a forecast of what is
still to be worked), and returns one finding per rule and month (or window of months) that is at or over
a warning threshold or a limit; a rule with nothing to report gets one "ok" finding with its highest
figure. Every finding says whether its status comes from the actual hours alone or only appears once the
forecast is added — so people are warned *before* a limit is reached.

What counts as overtime for a day is `day_overtime`: worked minutes beyond the standard day on a working
day, and every worked minute on a day that is not a working day. Work on a legal holiday (法定休日) may be
given apart (`MonthHours.actual_holiday`/`planned_holiday`): by law it counts only in the 100-hour and
80-hour rules. Definitions, the rules and worked examples are in docs/engine/overtime.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

MINUTES_PER_DAY = 24 * 60
# Longest run of months the averaging rule looks at, and so the most months of the previous year needed.
MAX_AVERAGE_MONTHS = 6


class OvertimeError(ValueError):
    """Invalid overtime input; the message names the field (`field`) and, when it has one, the month."""

    def __init__(self, message: str, *, field: str, month: date | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.month = month


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACH = "breach"


_RANK = {Status.OK: 0, Status.WARNING: 1, Status.BREACH: 2}


class Basis(StrEnum):
    """Where a finding's status comes from: the hours already worked, or those plus the forecast."""

    ACTUAL = "actual"
    FORECAST = "forecast"


class Rule(StrEnum):
    """The rules of a rule set, in the order findings are listed."""

    MONTHLY = "monthly"  # overtime in a month within the monthly limit (45 h)
    YEARLY = "yearly"  # overtime in the fiscal year within the yearly limit (360 h)
    SPECIAL_MONTHLY = "special_monthly"  # overtime + legal holiday work in a month strictly under 100 h
    SPECIAL_AVERAGE = "special_average"  # ... averaged over any 2–6 consecutive months at most 80 h
    SPECIAL_YEARLY = "special_yearly"  # special clause: overtime in the year within 720 h
    MONTHS_OVER = "months_over"  # special clause: months over the monthly limit at most 6 a year


RULE_ORDER = tuple(Rule)


def _decimal(value: Decimal | int | float | str, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise OvertimeError(f"{name} must be a number of hours, not {value!r}.", field=name) from None
    if not number.is_finite() or number < 0:
        raise OvertimeError(f"{name} must be zero or more hours, not {value!r}.", field=name)
    return number


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Limits in hours. The defaults are the legal ones of Japan's 36 agreement with a special clause.

    `special_monthly` is a ceiling that must not be reached (under 100 h); every other limit may be
    reached but not exceeded. The 100-hour and 80-hour rules apply with or without the special clause
    (Labour Standards Act art. 36(6)); the 720-hour year and the six months over the monthly limit only
    with it. Without the special clause, exceeding the monthly or yearly limit is a breach; with it, a
    warning (the clause allows it, within its own rules). `warn_percent`: warn at that share of a limit.
    """

    monthly_limit: Decimal = Decimal(45)
    yearly_limit: Decimal = Decimal(360)
    special_clause: bool = True
    special_yearly: Decimal = Decimal(720)
    special_monthly: Decimal = Decimal(100)
    special_average: Decimal = Decimal(80)
    special_months_over: int = 6
    warn_percent: int = 80

    def __post_init__(self) -> None:
        for name in ("monthly_limit", "yearly_limit", "special_yearly", "special_monthly", "special_average"):
            object.__setattr__(self, name, _decimal(getattr(self, name), name))
        if not 0 <= self.special_months_over <= 12:
            raise OvertimeError(
                "special_months_over counts months of a year: 0 to 12.", field="special_months_over"
            )
        if not 1 <= self.warn_percent <= 100:
            raise OvertimeError("warn_percent must be between 1 and 100.", field="warn_percent")


@dataclass(frozen=True, slots=True)
class MonthHours:
    """One month of one person, in minutes: overtime worked (`actual`) and forecast (`planned`), and
    work on legal holidays apart from it (counted only in the 100-hour and 80-hour rules)."""

    month: date
    actual: int = 0
    planned: int = 0
    actual_holiday: int = 0
    planned_holiday: int = 0

    def __post_init__(self) -> None:
        if self.month.day != 1:
            raise OvertimeError(
                f"A month is given by its first day, not {self.month}.", field="month", month=self.month
            )
        for name in ("actual", "planned", "actual_holiday", "planned_holiday"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise OvertimeError(
                    f"{name} of {self.month:%Y-%m} must be whole minutes, zero or more, not {value!r}.",
                    field=name,
                    month=self.month,
                )

    @property
    def forecast(self) -> int:
        """Overtime minutes worked plus those still planned."""
        return self.actual + self.planned

    @property
    def actual_total(self) -> int:
        """Overtime and legal holiday work worked, the figure of the 100/80-hour rules."""
        return self.actual + self.actual_holiday

    @property
    def forecast_total(self) -> int:
        return self.actual + self.planned + self.actual_holiday + self.planned_holiday


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule checked on one month (or window of months, or the year): its status, whether the status
    comes from actual hours or only with the forecast, the figures (hours; a count of months for
    MONTHS_OVER), the limit in the same unit, and the months it is about."""

    rule: Rule
    status: Status
    basis: Basis
    actual: float
    forecast: float
    limit: float
    months: tuple[date, ...]
    strict: bool = False  # the limit must stay under (100 h), not merely not be exceeded

    @property
    def figure(self) -> float:
        """The figure behind the status: the actual one, or with the forecast when that decided it."""
        return self.forecast if self.basis is Basis.FORECAST else self.actual


@dataclass(frozen=True, slots=True)
class OvertimeCheck:
    """The findings, most serious first (breaches, then warnings, then the rules that are fine; actual
    before forecast), and the months checked."""

    findings: tuple[Finding, ...]
    months: tuple[MonthHours, ...] = field(default=())

    @property
    def status(self) -> Status:
        """The worst status of all findings."""
        return max((f.status for f in self.findings), key=_RANK.__getitem__, default=Status.OK)

    @property
    def problems(self) -> tuple[Finding, ...]:
        """Warnings and breaches."""
        return tuple(f for f in self.findings if f.status is not Status.OK)

    @property
    def actual_hours(self) -> float:
        return sum(m.actual for m in self.months) / 60

    @property
    def forecast_hours(self) -> float:
        return sum(m.forecast for m in self.months) / 60


# --- a day -------------------------------------------------------------------------------------------


def span_minutes(clock_in: time, clock_out: time) -> int:
    """Minutes from clock-in to clock-out; a clock-out earlier than the clock-in is the next morning."""
    start = clock_in.hour * 60 + clock_in.minute
    end = clock_out.hour * 60 + clock_out.minute
    return end - start if end >= start else end + MINUTES_PER_DAY - start


def worked_minutes(clock_in: time | None, clock_out: time | None, break_minutes: int = 0) -> int:
    """Minutes worked on a day: clock-out minus clock-in minus breaks; 0 until both times are known.
    Seconds are ignored. Breaks longer than the time at work are refused (OvertimeError)."""
    if break_minutes < 0:
        raise OvertimeError("Breaks cannot be negative.", field="break_minutes")
    if clock_in is None or clock_out is None:
        return 0
    span = span_minutes(clock_in, clock_out)
    if break_minutes > span:
        raise OvertimeError(
            f"Breaks of {break_minutes} minutes are longer than the {span} minutes at work.",
            field="break_minutes",
        )
    return span - break_minutes


def statutory_break(span: int) -> int:
    """The least break the Labour Standards Act (art. 34) asks for in `span` minutes at work: 45 minutes
    when the work exceeds 6 hours, 60 when it exceeds 8 hours."""
    if span <= 6 * 60:
        return 0
    if span - 45 <= 8 * 60:
        return 45
    return 60


def day_overtime(worked: int, standard: int) -> int:
    """Overtime minutes of a day: those worked beyond `standard`, the day's working minutes in the
    person's calendar; on a day that is not a working day (`standard` 0) every minute worked."""
    if worked < 0 or standard < 0:
        raise OvertimeError("Minutes cannot be negative.", field="worked" if worked < 0 else "standard")
    return max(0, worked - standard)


# --- the rules ---------------------------------------------------------------------------------------


def _status(value: Fraction, limit: Fraction, *, strict: bool, over: Status, warn: Fraction) -> Status:
    if value >= limit if strict else value > limit:
        return over
    return Status.WARNING if value >= limit * warn else Status.OK


def _hours(minutes: Fraction) -> float:
    return float(minutes / 60)


@dataclass(frozen=True, slots=True)
class _Instance:
    finding: Finding
    ratio: Fraction  # forecast figure ÷ limit, to pick the closest call among "ok" instances


def _instance(
    rule: Rule,
    actual: Fraction,
    forecast: Fraction,
    limit: Fraction,
    months: tuple[date, ...],
    *,
    rules: RuleSet,
    strict: bool = False,
    over: Status = Status.BREACH,
    unit: str = "minutes",
    actual_months: tuple[date, ...] | None = None,
) -> _Instance:
    warn = Fraction(rules.warn_percent, 100)
    on_actual = _status(actual, limit, strict=strict, over=over, warn=warn)
    on_forecast = _status(forecast, limit, strict=strict, over=over, warn=warn)
    basis = Basis.FORECAST if _RANK[on_forecast] > _RANK[on_actual] else Basis.ACTUAL
    status = on_forecast if basis is Basis.FORECAST else on_actual
    if actual_months is not None and basis is Basis.ACTUAL:
        months = actual_months
    convert = _hours if unit == "minutes" else float
    finding = Finding(rule, status, basis, convert(actual), convert(forecast), convert(limit), months, strict)
    return _Instance(finding, forecast / limit if limit else Fraction(forecast > 0))


def _check_months(months: Sequence[MonthHours], previous: Sequence[MonthHours]) -> None:
    if not months:
        raise OvertimeError("Give at least one month.", field="months")
    if len(months) > 12:
        raise OvertimeError("A fiscal year has at most 12 months.", field="months")
    if len(previous) > MAX_AVERAGE_MONTHS - 1:
        raise OvertimeError(
            f"At most {MAX_AVERAGE_MONTHS - 1} months before the year are used.", field="previous"
        )
    run = [*previous, *months]
    for before, after in itertools.pairwise(run):
        expected = _next_month(before.month)
        if after.month != expected:
            raise OvertimeError(
                f"Months must follow each other: {expected:%Y-%m} should come after {before.month:%Y-%m}, "
                f"not {after.month:%Y-%m}.",
                field="months",
                month=after.month,
            )


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _limit(hours: Decimal) -> Fraction:
    return Fraction(hours) * 60


def check_overtime(
    rules: RuleSet, months: Sequence[MonthHours], *, previous: Sequence[MonthHours] = ()
) -> OvertimeCheck:
    """Check a person's overtime in a fiscal year against `rules`.

    Parameters
    ----------
    rules:
        The limits.
    months:
        Consecutive months of the fiscal year (up to 12, from its first), each with actual and planned
        overtime in minutes.
    previous:
        Up to 5 months just before the year: the 2–6-month averages run across the year's start.

    Returns
    -------
    OvertimeCheck
        Per rule, every month (or window, or the year) at warning or breach, or — when there is none —
        one "ok" finding with the rule's highest figure; breaches first.
    """
    _check_months(months, previous)
    found: dict[Rule, list[_Instance]] = {}
    year = tuple(m.month for m in months)
    monthly = _limit(rules.monthly_limit)
    over = Status.WARNING if rules.special_clause else Status.BREACH

    found[Rule.MONTHLY] = [
        _instance(
            Rule.MONTHLY,
            Fraction(m.actual),
            Fraction(m.forecast),
            monthly,
            (m.month,),
            rules=rules,
            over=over,
        )
        for m in months
    ]
    found[Rule.YEARLY] = [
        _instance(
            Rule.YEARLY,
            Fraction(sum(m.actual for m in months)),
            Fraction(sum(m.forecast for m in months)),
            _limit(rules.yearly_limit),
            year,
            rules=rules,
            over=over,
        )
    ]
    found[Rule.SPECIAL_MONTHLY] = [
        _instance(
            Rule.SPECIAL_MONTHLY,
            Fraction(m.actual_total),
            Fraction(m.forecast_total),
            _limit(rules.special_monthly),
            (m.month,),
            rules=rules,
            strict=True,
        )
        for m in months
    ]
    found[Rule.SPECIAL_AVERAGE] = _averages(rules, months, previous)
    if rules.special_clause:
        found[Rule.SPECIAL_YEARLY] = [
            _instance(
                Rule.SPECIAL_YEARLY,
                Fraction(sum(m.actual for m in months)),
                Fraction(sum(m.forecast for m in months)),
                _limit(rules.special_yearly),
                year,
                rules=rules,
            )
        ]
        over_actual = tuple(m.month for m in months if m.actual > monthly)
        over_forecast = tuple(m.month for m in months if m.forecast > monthly)
        found[Rule.MONTHS_OVER] = [
            _instance(
                Rule.MONTHS_OVER,
                Fraction(len(over_actual)),
                Fraction(len(over_forecast)),
                Fraction(rules.special_months_over),
                over_forecast,
                rules=rules,
                unit="count",
                actual_months=over_actual,
            )
        ]
    findings: list[Finding] = []
    for rule in RULE_ORDER:
        instances = found.get(rule, [])
        problems = [i.finding for i in instances if i.finding.status is not Status.OK]
        if problems:
            findings.extend(problems)
        elif instances:
            findings.append(max(instances, key=lambda i: i.ratio).finding)
    ordered = sorted(
        enumerate(findings),
        key=lambda pair: (
            -_RANK[pair[1].status],
            pair[1].basis is Basis.FORECAST,
            RULE_ORDER.index(pair[1].rule),
            pair[0],
        ),
    )
    return OvertimeCheck(tuple(f for _n, f in ordered), tuple(months))


def _averages(
    rules: RuleSet, months: Sequence[MonthHours], previous: Sequence[MonthHours]
) -> list[_Instance]:
    """For each month of the year, the worst of the averages over the 2–6 months ending with it."""
    run = [*previous, *months]
    limit = _limit(rules.special_average)
    out: list[_Instance] = []
    for end in range(len(previous), len(run)):
        worst: _Instance | None = None
        for length in range(2, MAX_AVERAGE_MONTHS + 1):
            start = end - length + 1
            if start < 0:
                break
            window = run[start : end + 1]
            candidate = _instance(
                Rule.SPECIAL_AVERAGE,
                Fraction(sum(m.actual_total for m in window), length),
                Fraction(sum(m.forecast_total for m in window), length),
                limit,
                tuple(m.month for m in window),
                rules=rules,
            )
            if worst is None or _worse(candidate, worst):
                worst = candidate
        if worst is not None:
            out.append(worst)
    return out


def _worse(a: _Instance, b: _Instance) -> bool:
    """A more serious finding: higher status, then actual before forecast, then the higher figure."""
    key_a = (_RANK[a.finding.status], a.finding.basis is Basis.ACTUAL, a.ratio)
    key_b = (_RANK[b.finding.status], b.finding.basis is Basis.ACTUAL, b.ratio)
    return key_a > key_b


def fiscal_year_months(year: int, start_month: int) -> tuple[date, ...]:
    """The first days of the 12 months of the fiscal year that starts in `start_month` of `year`."""
    if not 1 <= start_month <= 12:
        raise OvertimeError("A fiscal year starts in month 1 to 12.", field="start_month")
    first = date(year, start_month, 1)
    out = [first]
    for _n in range(11):
        out.append(_next_month(out[-1]))
    return tuple(out)


def fiscal_year_of(day: date, start_month: int) -> int:
    """The calendar year in which the fiscal year holding `day` starts (FY2026 from April: Apr 2026 – Mar
    2027)."""
    return day.year if day.month >= start_month else day.year - 1


__all__ = [
    "MAX_AVERAGE_MONTHS",
    "Basis",
    "Finding",
    "MonthHours",
    "OvertimeCheck",
    "OvertimeError",
    "Rule",
    "RuleSet",
    "Status",
    "check_overtime",
    "day_overtime",
    "fiscal_year_months",
    "fiscal_year_of",
    "span_minutes",
    "statutory_break",
    "worked_minutes",
]
