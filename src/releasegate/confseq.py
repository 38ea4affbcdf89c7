"""Anytime-valid confidence sequences for a success rate: the beta-binomial mixture. Pure.

With n runs, S passes, F = n − S failures and a Beta(a, b) mixing prior,

    M_n(p) = B(a + S, b + F) / (B(a, b) · p^S · (1 − p)^F)

is a nonnegative martingale with M_0 = 1 when the runs pass independently with probability p
(Robbins 1970). Ville's inequality gives P(∃n: M_n(p) ≥ 1/α) ≤ α, so {p : M_n(p) < 1/α} is a
(1 − α) confidence sequence: it covers p at every n at once, however often it is looked at
(Howard, Ramdas, McAuliffe & Sekhon 2021). log M_n(p) is convex in p with its minimum at S/n,
where M_n ≤ 1, so the excluded values below S/n form an interval [0, L] and those above an
interval [U, 1].

Arithmetic: every test "M_n(p) ≥ 1/α" is made in 60-digit decimal arithmetic (log-gamma from exact
factorials below 1000, Stirling's series above) and, when that margin is within 1e-40 of zero,
again in exact integers (n ≤ 20,000), so an exact tie is decided exactly. Bounds are points of
the 10⁻⁶ grid, rounded outward. Nothing here uses binary floating point or random draws: the same
counts give the same answer on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from typing import Final

__all__ = [
    "GRID",
    "MAX_RUNS",
    "excludes",
    "lower_bound",
    "passes_to_promote",
    "promotes",
    "runs_to_promote",
    "upper_bound",
]

GRID: Final = 10**6  # bounds are multiples of 1/GRID
MAX_RUNS: Final = 10**9  # "runs to promote" beyond this is reported as unreachable
_PREC: Final = 60
_TIE: Final = Decimal("1e-40")
_EXACT_MAX_N: Final = 20_000
_STIRLING_FROM: Final = 1000
_PI: Final = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640629")
# B_2, B_4, ..., B_24: with z ≥ 1000 the series' remainder is below 1e-70.
_BERNOULLI: Final = (
    Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66),
    Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510), Fraction(43867, 798),
    Fraction(-174611, 330), Fraction(854513, 138), Fraction(-236364091, 2730),
)


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@lru_cache(maxsize=8192)
def _ln_int(k: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PREC
        return Decimal(k).ln()


@lru_cache(maxsize=8192)
def _ln_gamma(k: int) -> Decimal:
    """ln Γ(k) = ln (k − 1)! for a whole k ≥ 1, to 60 digits."""
    if k < _STIRLING_FROM:
        with localcontext() as ctx:
            ctx.prec = _PREC
            return Decimal(math.factorial(k - 1)).ln()
    with localcontext() as ctx:
        ctx.prec = _PREC + 10
        z = Decimal(k)
        total = (z - Decimal("0.5")) * _ln_int(k) - z + (2 * _PI).ln() / 2
        power = z
        for j, bernoulli in enumerate(_BERNOULLI, start=1):
            total += _dec(bernoulli) / (2 * j * (2 * j - 1) * power)
            power *= z * z
        return +total


def _ln_beta(x: int, y: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PREC
        return _ln_gamma(x) + _ln_gamma(y) - _ln_gamma(x + y)


def _ln(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PREC
        return _ln_int(value.numerator) - _ln_int(value.denominator)


def _margin(n: int, s: int, p: Fraction, threshold: Fraction, a: int, b: int) -> Decimal:
    """ln M_n(p) − ln threshold, to about 50 significant digits; 0 < p < 1."""
    with localcontext() as ctx:
        ctx.prec = _PREC
        mixture = _ln_beta(a + s, b + n - s) - _ln_beta(a, b)
        return mixture - s * _ln(p) - (n - s) * _ln(1 - p) - _ln(threshold)


def _exact_at_least(n: int, s: int, p: Fraction, threshold: Fraction, a: int, b: int) -> bool:
    """M_n(p) ≥ threshold in integers: a^(S) b^(F) v^n t_den ≥ t_num u^S (v−u)^F (a+b)^(n)."""
    u, v = p.numerator, p.denominator
    left: int = math.perm(a + s - 1, s) * math.perm(b + n - s - 1, n - s) * v**n \
        * threshold.denominator
    right: int = threshold.numerator * u**s * (v - u) ** (n - s) * math.perm(a + b + n - 1, n)
    return left >= right


def excludes(n: int, s: int, p: Fraction, level: Fraction, a: int, b: int) -> bool:
    """Whether the (1 − level) confidence sequence after n runs with s passes leaves p out."""
    if not 0 <= s <= n:
        raise ValueError(f"passes {s} outside 0..{n}")
    if p <= 0 or p >= 1:  # M is infinite at an endpoint that contradicts a run, else below 1
        return (p <= 0 < s) or (p >= 1 and s < n)
    threshold = 1 / level
    margin = _margin(n, s, p, threshold, a, b)
    if abs(margin) > _TIE or n > _EXACT_MAX_N:
        return margin >= 0
    return _exact_at_least(n, s, p, threshold, a, b)


@lru_cache(maxsize=4096)
def lower_bound(n: int, s: int, level: Fraction, a: int, b: int) -> Fraction:
    """The largest grid point L with every p ≤ L excluded (0 when none is): a floor of the
    sequence's lower end."""
    if s == 0:
        return Fraction(0)
    lo, hi = 0, (s * GRID) // n  # p = 0 is excluded; S/n never is (M ≤ 1 there)
    if Fraction(hi, GRID) == Fraction(s, n):
        hi -= 1
    if excludes(n, s, Fraction(hi, GRID), level, a, b):
        return Fraction(hi, GRID)
    while hi - lo > 1:  # invariant: lo excluded, hi not
        mid = (lo + hi) // 2
        if excludes(n, s, Fraction(mid, GRID), level, a, b):
            lo = mid
        else:
            hi = mid
    return Fraction(lo, GRID)


def upper_bound(n: int, s: int, level: Fraction, a: int, b: int) -> Fraction:
    """The smallest grid point U with every p ≥ U excluded (1 when none is below 1)."""
    return 1 - lower_bound(n, n - s, level, b, a)


@lru_cache(maxsize=4096)
def promotes(n: int, s: int, floor: Fraction, level: Fraction, a: int, b: int) -> bool:
    """Every p ≤ floor is excluded: S/n > floor and M_n(floor) ≥ 1/level (by convexity)."""
    return n > 0 and Fraction(s, n) > floor and excludes(n, s, floor, level, a, b)


def _first(start: int, works: Callable[[int], bool]) -> int | None:
    """The first k ≥ start where works(k), by galloping then bisection; None past MAX_RUNS."""
    if works(start):
        return start
    lo, step = start, 1
    while True:
        hi = lo + step
        if hi > MAX_RUNS:
            return None
        if works(hi):
            break
        lo, step = hi, step * 2
    while hi - lo > 1:  # invariant: not works(lo), works(hi)
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if works(mid) else (mid, hi)
    return hi


@lru_cache(maxsize=4096)
def passes_to_promote(n: int, s: int, floor: Fraction, level: Fraction, a: int, b: int,
                      min_n: int = 1) -> int | None:
    """The fewest further runs, every one a pass, after which the rule promotes."""
    return _first(max(0, min_n - n),
                  lambda k: promotes(n + k, s + k, floor, level, a, b))


@lru_cache(maxsize=4096)
def runs_to_promote(n: int, s: int, floor: Fraction, level: Fraction, a: int, b: int,
                    min_n: int = 1) -> int | None:
    """Further runs after which the rule promotes if they pass at the current rate S/n (passes
    rounded down); None when that rate is at or below the floor, where no number of runs does.

    Found by bisection over the run count; rounding the passes makes promotion wiggle by a run
    or two near the crossing, so read it as "about".
    """
    if n == 0 or Fraction(s, n) <= floor:
        return None
    return _first(max(0, min_n - n),
                  lambda k: promotes(n + k, (n + k) * s // n, floor, level, a, b))
