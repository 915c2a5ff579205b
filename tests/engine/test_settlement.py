"""Contractor settlement on an hour range (精算幅): known answers, rounding, bad terms."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from kuroko.engine.settlement import SettlementError, Terms, round_half_up, settle

# 500,000 a month for 140–180 h; 3,571 deducted per hour short, 2,777 paid per hour over.
TERMS = Terms(Fraction(500000), Fraction(140), Fraction(180), Fraction(3571), Fraction(2777))


def test_within_the_range_the_fee_is_paid():
    """160 h: no deduction, no excess."""
    s = settle(TERMS, 160)
    assert (s.short_hours, s.over_hours, s.deduction, s.excess, s.amount) == (0, 0, 0, 0, 500000)
    assert s.within_range


def test_hours_short_are_deducted():
    """130 h: 10 h short × 3,571 = 35,710 deducted."""
    s = settle(TERMS, 130)
    assert s.short_hours == 10 and s.deduction == 35710 and s.amount == 464290


def test_hours_over_are_paid():
    """190.5 h: 10.5 h over × 2,777 = 29,158.5 → 29,159 (half up)."""
    s = settle(TERMS, Decimal("190.5"))
    assert s.over_hours == Fraction(21, 2) and s.excess == 29159 and s.amount == 529159


def test_hours_are_used_as_given():
    """139 h 59 min (a Fraction of minutes): 1/60 h short × 3,571 = 59.52 → 60."""
    s = settle(TERMS, Fraction(139 * 60 + 59, 60))
    assert s.short_hours == Fraction(1, 60) and s.deduction == 60


def test_the_bounds_themselves_are_within_the_range():
    """Exactly 140 h and exactly 180 h settle at the fee."""
    assert settle(TERMS, 140).amount == settle(TERMS, 180).amount == 500000


def test_amount_is_never_negative():
    """No hours at all under a steep deduction rate: the amount stops at zero."""
    steep = Terms(Fraction(100), Fraction(140), Fraction(180), Fraction(1000), Fraction(0))
    assert settle(steep, 0).amount == 0


def test_round_half_up():
    """Halves go away from zero; everything else to the nearest."""
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, -1, -3)] == [1, 2, 3, -1, -2]
    assert round_half_up(Fraction(149, 100)) == 1


@pytest.mark.parametrize(
    ("make", "field"),
    [
        # the range ends before it starts
        (lambda: Terms(Fraction(1), Fraction(180), Fraction(140), Fraction(1), Fraction(1)), "upper_hours"),
        # a negative fee
        (lambda: Terms(Fraction(-1), Fraction(140), Fraction(180), Fraction(1), Fraction(1)), "monthly_fee"),
        (lambda: settle(TERMS, -1), "hours"),  # negative hours
        (lambda: settle(TERMS, "lots"), "hours"),  # not a number
    ],
)
def test_bad_terms_name_the_field(make, field):
    """Invalid terms or hours raise SettlementError naming the input."""
    with pytest.raises(SettlementError) as info:
        make()
    assert info.value.field == field
