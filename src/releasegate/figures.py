"""How the decision writes a rate for people: decimal rounding that keeps comparisons honest. Pure.

Shared by both policies' reasons and evidence; nothing here decides anything.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

__all__ = ["rounded", "show"]


def rounded(value: Fraction | None, places: int = 4) -> float | None:
    """`value` rounded half-even to `places` decimals by decimal arithmetic (None stays None)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def show(value: Fraction, against: Fraction) -> str:
    """Format a rate with as few decimals (≥ 2) as keep its comparison with `against` honest.

    0.7999 against 0.80 prints "0.7999", not a misleading "0.80".
    """
    for places in range(2, 7):
        text = f"{rounded(value, places):.{places}f}"
        shown = Fraction(Decimal(text))
        if (shown > against) == (value > against) and (shown == against) == (value == against):
            return text
    return f"{value.numerator}/{value.denominator}"
