"""Overtime against the 36 agreement: known answers for each rule, actual vs forecast, bad input."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuroko.engine.overtime import (
    Basis,
    MonthHours,
    OvertimeError,
    Rule,
    RuleSet,
    Status,
    check_overtime,
    day_overtime,
    fiscal_year_months,
    fiscal_year_of,
    statutory_break,
    worked_minutes,
)

FY = fiscal_year_months(2026, 4)  # April 2026 – March 2027
RULES = RuleSet()


def year(*hours: float, planned: tuple[float, ...] = (), holiday: tuple[float, ...] = ()) -> list[MonthHours]:
    """Twelve months from April 2026 with `hours` of actual overtime (then zero)."""
    out = []
    for n, month in enumerate(FY):
        h = hours[n] if n < len(hours) else 0
        p = planned[n] if n < len(planned) else 0
        w = holiday[n] if n < len(holiday) else 0
        out.append(MonthHours(month, round(h * 60), round(p * 60), round(w * 60)))
    return out


def findings(check, rule):
    return [f for f in check.findings if f.rule is rule]


def test_two_month_average_over_80_is_a_breach():
    """85 h then 78 h average 81.5 h > 80 h."""
    check = check_overtime(RULES, year(85, 78))
    (worst,) = [f for f in findings(check, Rule.SPECIAL_AVERAGE) if f.status is Status.BREACH]
    assert worst.actual == 81.5 and worst.limit == 80
    assert worst.months == (date(2026, 4, 1), date(2026, 5, 1)) and worst.basis is Basis.ACTUAL
    assert check.status is Status.BREACH


def test_an_average_of_exactly_80_is_allowed_but_warned():
    """80 and 80: at the limit, not over it; a warning (≥ 80 % of it)."""
    check = check_overtime(RULES, year(80, 80))
    assert {f.status for f in findings(check, Rule.SPECIAL_AVERAGE)} == {Status.WARNING}


def test_averages_run_across_the_start_of_the_year():
    """March 90 h of the previous year and April 75 h: 82.5 h average, a breach ending in April."""
    previous = [MonthHours(date(2026, 3, 1), 90 * 60)]
    check = check_overtime(RULES, year(75), previous=previous)
    breach = [f for f in findings(check, Rule.SPECIAL_AVERAGE) if f.status is Status.BREACH]
    assert breach and breach[0].months == (date(2026, 3, 1), date(2026, 4, 1))


def test_monthly_ceiling_is_strictly_under_100():
    """99.9 h is fine (a warning), 100 h is a breach."""
    under = findings(check_overtime(RULES, year(99.9)), Rule.SPECIAL_MONTHLY)
    at = findings(check_overtime(RULES, year(100)), Rule.SPECIAL_MONTHLY)
    assert [f.status for f in under] == [Status.WARNING]
    assert [f.status for f in at] == [Status.BREACH] and at[0].strict


def test_legal_holiday_work_counts_in_the_100_hour_rule_only():
    """60 h overtime + 40 h of legal holiday work: 100 h, a breach; the monthly 45 h rule sees 60 h."""
    check = check_overtime(RULES, year(60, holiday=(40,)))
    assert findings(check, Rule.SPECIAL_MONTHLY)[0].status is Status.BREACH
    monthly = findings(check, Rule.MONTHLY)[0]
    assert monthly.actual == 60


def test_seventh_month_over_45_is_a_breach():
    """Six months over 45 h is the most the special clause allows; the seventh is a breach."""
    six = findings(check_overtime(RULES, year(*[46] * 6)), Rule.MONTHS_OVER)[0]
    seven = findings(check_overtime(RULES, year(*[46] * 7)), Rule.MONTHS_OVER)[0]
    assert six.status is Status.WARNING and six.actual == 6
    assert seven.status is Status.BREACH and seven.actual == 7 and len(seven.months) == 7


def test_month_over_45_without_special_clause_is_a_breach():
    """Without the special clause 45 h is a hard limit; with it, a warning."""
    strict = RuleSet(special_clause=False)
    assert findings(check_overtime(strict, year(45.5)), Rule.MONTHLY)[0].status is Status.BREACH
    assert findings(check_overtime(strict, year(45)), Rule.MONTHLY)[0].status is Status.WARNING
    assert findings(check_overtime(RULES, year(45.5)), Rule.MONTHLY)[0].status is Status.WARNING
    assert not findings(check_overtime(strict, year(45.5)), Rule.MONTHS_OVER)


def test_yearly_limits():
    """360 h without the clause, 720 h with it: 30 h × 12 = 360 ok; 61 h × 12 = 732 breaches 720."""
    strict = RuleSet(special_clause=False)
    assert findings(check_overtime(strict, year(*[30] * 12)), Rule.YEARLY)[0].status is Status.WARNING
    assert findings(check_overtime(strict, year(*[30.1] * 12)), Rule.YEARLY)[0].status is Status.BREACH
    high = check_overtime(RULES, year(*[61] * 12))
    assert findings(high, Rule.SPECIAL_YEARLY)[0].status is Status.BREACH
    assert findings(high, Rule.SPECIAL_YEARLY)[0].actual == 732


def test_forecast_warns_before_the_limit_is_reached():
    """30 h worked in April plus 20 h planned: fine now, over 45 h with the forecast."""
    check = check_overtime(RuleSet(special_clause=False), year(30, planned=(20,)))
    (april,) = [f for f in findings(check, Rule.MONTHLY) if f.months == (date(2026, 4, 1),)]
    assert april.status is Status.BREACH and april.basis is Basis.FORECAST
    assert april.actual == 30 and april.forecast == 50 and april.figure == 50


def test_warning_threshold_is_the_rule_sets_percentage():
    """At 80 %: 36 h of 45 is a warning, 35.9 h is not."""
    assert findings(check_overtime(RULES, year(36)), Rule.MONTHLY)[0].status is Status.WARNING
    assert findings(check_overtime(RULES, year(35.9)), Rule.MONTHLY)[0].status is Status.OK


def test_quiet_year_has_one_ok_finding_per_rule_and_breaches_sort_first():
    """Nothing to report: one ok per rule; otherwise breaches before warnings before ok."""
    quiet = check_overtime(RULES, year(10))
    assert [f.rule for f in quiet.findings] == list(Rule) and quiet.status is Status.OK
    busy = check_overtime(RULES, year(85, 78, 40))
    ranks = [{"breach": 0, "warning": 1, "ok": 2}[f.status] for f in busy.findings]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: MonthHours(date(2026, 4, 2)), "month"),  # not the first of a month
        (lambda: MonthHours(date(2026, 4, 1), actual=-1), "actual"),  # negative minutes
        (lambda: RuleSet(warn_percent=0), "warn_percent"),  # a warning at 0 % of a limit
        (lambda: RuleSet(special_months_over=13), "special_months_over"),  # more months than a year has
        (lambda: RuleSet(monthly_limit=Decimal(-1)), "monthly_limit"),  # a negative limit
        (lambda: check_overtime(RULES, []), "months"),  # no month at all
        (lambda: check_overtime(RULES, [MonthHours(FY[0]), MonthHours(FY[2])]), "months"),  # a gap
        (lambda: check_overtime(RULES, year(), previous=[MonthHours(date(2026, 1, 1))]), "months"),  # gap
        (lambda: worked_minutes(time(9), time(10), 90), "break_minutes"),  # breaks longer than the day
    ],
)
def test_bad_input_names_the_field(make, field):
    """Invalid input raises OvertimeError naming the field."""
    with pytest.raises(OvertimeError) as info:
        make()
    assert info.value.field == field


def test_worked_minutes_overnight_and_breaks():
    """A clock-out earlier than the clock-in is the next morning; breaks come off."""
    assert worked_minutes(time(9), time(18), 60) == 480
    assert worked_minutes(time(22), time(6), 60) == 420
    assert worked_minutes(time(9), None) == 0


def test_statutory_break_and_day_overtime():
    """45 min over 6 h, 60 min when the work would exceed 8 h; overtime beyond the standard day."""
    assert [statutory_break(m) for m in (360, 361, 525, 526)] == [0, 45, 45, 60]
    assert day_overtime(540, 480) == 60 and day_overtime(300, 0) == 300 and day_overtime(400, 480) == 0


def test_fiscal_years():
    """April fiscal years: March 2027 belongs to FY2026."""
    assert fiscal_year_of(date(2027, 3, 31), 4) == 2026 and fiscal_year_of(date(2027, 4, 1), 4) == 2027
    assert fiscal_year_months(2026, 4)[-1] == date(2027, 3, 1)
    assert fiscal_year_months(2026, 1)[0] == date(2026, 1, 1)


@given(st.lists(st.integers(min_value=0, max_value=120 * 60), min_size=12, max_size=12))
def test_more_hours_never_improve_the_status(minutes):
    """Adding overtime to a month never makes the overall status better."""
    rank = {Status.OK: 0, Status.WARNING: 1, Status.BREACH: 2}
    base = [MonthHours(m, v) for m, v in zip(FY, minutes, strict=True)]
    more = [MonthHours(m, v + 600 * (n == 3)) for n, (m, v) in enumerate(zip(FY, minutes, strict=True))]
    assert rank[check_overtime(RULES, more).status] >= rank[check_overtime(RULES, base).status]
