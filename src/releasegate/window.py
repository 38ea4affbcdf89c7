"""Window statistics from integer counts (SPEC §3). Pure: the store supplies the counts.

Every rate is a `Fraction` of two integers, or None when the window is empty; binary floating point
never enters a comparison that decides a release.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Any, Final

from releasegate.timestamps import iso, parse_rfc3339

__all__ = [
    "ALL_TIME",
    "MAX_LAST",
    "WindowSpec",
    "WindowStats",
    "nearest_rank",
    "nearest_rank_value",
    "parse_when",
    "wilson_interval",
]

P95: Final = Fraction(95, 100)
_Z95: Final = Decimal("1.959963984540054")  # two-sided 95% normal quantile


def nearest_rank(k: int, q: Fraction = P95) -> int:
    """1-based nearest rank ⌈q·k⌉ of the q-th percentile among k values (0 when k = 0)."""
    if k <= 0:
        return 0
    numerator, denominator = q.numerator * k, q.denominator
    return max(1, -(-numerator // denominator))


def nearest_rank_value(values: Sequence[int], q: Fraction = P95) -> int | None:
    """The nearest-rank percentile of `values`, or None when there are none."""
    rank = nearest_rank(len(values), q)
    return sorted(values)[rank - 1] if rank else None


def wilson_interval(successes: int, n: int) -> tuple[Decimal, Decimal] | None:
    """95% Wilson score interval for successes/n, to 4 decimals; None when n = 0.

    Computed in 40-digit decimal arithmetic so the figures reproduce byte for byte.
    """
    if n <= 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        p = Decimal(successes) / Decimal(n)
        z2 = _Z95 * _Z95
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = _Z95 * ((p * (1 - p) / n + z2 / (4 * n * n)).sqrt()) / denom
        low, high = max(Decimal(0), centre - half), min(Decimal(1), centre + half)
        step = Decimal("0.0001")
        return (
            low.quantize(step, rounding=ROUND_HALF_EVEN),
            high.quantize(step, rounding=ROUND_HALF_EVEN),
        )


def _ratio(count: int, n: int) -> Fraction | None:
    return Fraction(count, n) if n else None


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowStats:
    """Integer counts over one (graph, version, judge) window, and the rates they imply."""

    target_graph: str
    prompt_version: str
    judge_version: str
    n: int = 0
    passes: int = 0
    unscored: int = 0
    hard_violations: int = 0
    fully_covered: int = 0
    latency_count: int = 0
    p95_latency_us: int | None = None
    other_judge_rows: int = 0
    first_at_us: int | None = None
    last_at_us: int | None = None
    hard_codes: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts = (self.passes, self.unscored, self.hard_violations, self.fully_covered)
        if self.n < 0 or any(c < 0 or c > self.n for c in counts):
            raise ValueError(f"inconsistent window counts: n={self.n}, counts={counts}")
        if self.passes + self.unscored > self.n or self.latency_count > self.n:
            raise ValueError("inconsistent window counts: more passes or latencies than rows")

    @property
    def success_rate(self) -> Fraction | None:
        return _ratio(self.passes, self.n)

    @property
    def safety_pass_rate(self) -> Fraction | None:
        return _ratio(self.n - self.hard_violations, self.n)

    @property
    def level_coverage(self) -> Fraction | None:
        return _ratio(self.fully_covered, self.n)

    @property
    def success_interval(self) -> tuple[Decimal, Decimal] | None:
        return wilson_interval(self.passes, self.n)


MAX_LAST: Final = 1_000_000_000  # a bound SQL integers on every backend can hold
_AGO: Final = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowSpec:
    """Bounds of a window: created_at in [since, until), then the last N by (created_at, run_id)."""

    since_us: int | None = None
    until_us: int | None = None
    last: int | None = None

    def __post_init__(self) -> None:
        if self.last is not None and not 1 <= self.last <= MAX_LAST:
            raise ValueError(f"last must be between 1 and {MAX_LAST:,}, got {self.last}")
        if self.since_us is not None and self.until_us is not None \
                and self.until_us <= self.since_us:
            raise ValueError("until must be later than since: the window would be empty")

    def as_evidence(self) -> dict[str, Any]:
        return {"since": iso(self.since_us), "until": iso(self.until_us), "last": self.last}


ALL_TIME: Final = WindowSpec()


def parse_when(text: str, now: datetime) -> datetime:
    """A point in time: RFC 3339, a date (midnight UTC), or an age such as "7d" or "12h"."""
    value = text.strip()
    ago = _AGO.match(value)
    if ago:
        try:
            return now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
        except OverflowError:
            raise ValueError(f"{text!r} reaches before the year 1") from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
    try:
        return parse_rfc3339(value)
    except ValueError:
        shown = repr(text) if len(text) <= 40 and "@" not in text else "the value"
        raise ValueError(
            f"{shown} is not a time: use RFC 3339 (2026-11-03T02:00:00Z), a date "
            "(2026-11-03) or an age (7d, 12h, 30m)") from None
