"""Contractor settlement on a monthly hour range (精算幅).

A contract pays a fixed monthly fee for any hours between a lower and an upper bound (e.g. 140–180 h).
Below the lower bound the hours short are deducted at the deduction rate; above the upper bound the hours
over are paid at the excess rate. `settle(terms, hours)` gives the month's statement.

Hours are used exactly as given (a `Fraction`, `Decimal` or `int`; nothing is rounded to quarter hours —
round them first if the contract says so). Money is rounded once per line, to whole currency units, half
up: deduction = round(short hours × deduction rate), excess = round(over hours × excess rate), amount =
fee − deduction + excess, never below zero. See docs/engine/settlement.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Number = Decimal | int | Fraction


class SettlementError(ValueError):
    """Invalid contract terms or hours; `field` names the input."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def _exact(value: Number | str, name: str) -> Fraction:
    try:
        number = Fraction(Decimal(value)) if isinstance(value, str) else Fraction(value)
    except (ArithmeticError, ValueError, TypeError):
        raise SettlementError(f"{name} must be a number, not {value!r}.", field=name) from None
    if number < 0:
        raise SettlementError(f"{name} must be zero or more, not {value}.", field=name)
    return number


@dataclass(frozen=True, slots=True)
class Terms:
    """A contract's monthly fee, settlement range in hours and the two hourly rates."""

    monthly_fee: Fraction
    lower_hours: Fraction
    upper_hours: Fraction
    deduction_rate: Fraction
    excess_rate: Fraction

    def __post_init__(self) -> None:
        for name in ("monthly_fee", "lower_hours", "upper_hours", "deduction_rate", "excess_rate"):
            object.__setattr__(self, name, _exact(getattr(self, name), name))
        if self.lower_hours > self.upper_hours:
            raise SettlementError(
                f"The range ends ({self.upper_hours} h) before it starts ({self.lower_hours} h).",
                field="upper_hours",
            )


@dataclass(frozen=True, slots=True)
class Statement:
    """One month of one contract: hours worked, hours short of the range or over it, the deduction and
    excess (whole currency units) and the amount to pay."""

    hours: Fraction
    short_hours: Fraction
    over_hours: Fraction
    fee: int
    deduction: int
    excess: int
    amount: int

    @property
    def within_range(self) -> bool:
        return not self.short_hours and not self.over_hours


def round_half_up(value: Fraction) -> int:
    """`value` to the nearest whole number, halves away from zero (四捨五入), computed exactly."""
    whole, remainder = divmod(abs(value.numerator), value.denominator)
    if 2 * remainder >= value.denominator:
        whole += 1
    return whole if value >= 0 else -whole


def settle(terms: Terms, hours: Number | str) -> Statement:
    """The statement of a month in which `hours` were worked under `terms`."""
    worked = _exact(hours, "hours")
    short = max(Fraction(0), terms.lower_hours - worked)
    over = max(Fraction(0), worked - terms.upper_hours)
    deduction = round_half_up(short * terms.deduction_rate)
    excess = round_half_up(over * terms.excess_rate)
    fee = round_half_up(terms.monthly_fee)
    return Statement(worked, short, over, fee, deduction, excess, max(0, fee - deduction + excess))


__all__ = ["SettlementError", "Statement", "Terms", "round_half_up", "settle"]
