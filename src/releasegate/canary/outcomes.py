"""Online outcomes per cohort: rates with Wilson intervals and a two-proportion z test. Pure.

Each rate is the share of a cohort's threads with at least one such touch (`sent`, `error`,
`replied`), so every rate has the same denominator and never exceeds 1. The test that says whether
candidate and control differ is computed in 40-digit decimal arithmetic and compared with the
two-sided 95% critical value; binary floating point only formats the p-value for people.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, Final

from releasegate.window import wilson_interval

__all__ = [
    "TOUCH_EVENTS",
    "CohortCounts",
    "CohortReport",
    "ZTest",
    "cohort_report",
    "two_proportion_z",
]

TOUCH_EVENTS: Final = ("sent", "error", "replied")
Z_CRITICAL_95: Final = Decimal("1.959963984540054")
_METRICS: Final = (("send_rate", "sent"), ("error_rate", "errors"), ("reply_rate", "replied"))
_STEP: Final = Decimal("0.0001")


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortCounts:
    """Distinct threads of one (cohort, version) and how many had each kind of touch."""

    cohort: str
    version_id: str
    threads: int
    touches: int = 0
    sent: int = 0
    errors: int = 0
    replied: int = 0


@dataclass(frozen=True, slots=True)
class ZTest:
    """Pooled two-proportion z test, candidate minus control."""

    z: Decimal
    p_value: float
    significant: bool  # |z| > 1.96: the rates differ at the 5% level (two-sided)

    def as_dict(self) -> dict[str, Any]:
        return {"z": float(self.z), "p_value": self.p_value, "significant": self.significant}


def _q(value: Decimal) -> Decimal:
    return value.quantize(_STEP, rounding=ROUND_HALF_EVEN)


def two_proportion_z(x_candidate: int, n_candidate: int, x_control: int, n_control: int
                     ) -> ZTest | None:
    """z for p_candidate − p_control; None when a side is empty or the pooled rate is 0 or 1."""
    if n_candidate <= 0 or n_control <= 0:
        return None
    pooled_x, pooled_n = x_candidate + x_control, n_candidate + n_control
    if pooled_x in (0, pooled_n):
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        p1, p2 = Decimal(x_candidate) / n_candidate, Decimal(x_control) / n_control
        pooled = Decimal(pooled_x) / pooled_n
        se = (pooled * (1 - pooled) * (Decimal(1) / n_candidate + Decimal(1) / n_control)).sqrt()
        z = (p1 - p2) / se
        significant = abs(z) > Z_CRITICAL_95
    p_value = round(math.erfc(abs(float(z)) / math.sqrt(2)), 4)
    return ZTest(_q(z), p_value, significant)


def _rate(count: int, n: int) -> dict[str, Any]:
    interval = wilson_interval(count, n)
    exact = _q(Decimal(count) / n) if n else None
    return {"count": count, "n": n, "rate": float(exact) if exact is not None else None,
            "ci95": [float(interval[0]), float(interval[1])] if interval else None}


@dataclass(frozen=True, slots=True)
class CohortReport:
    """Per-cohort rates and, when both cohorts are present, candidate-vs-control tests."""

    graph: str
    rows: tuple[CohortCounts, ...]
    control: CohortCounts | None
    candidate: CohortCounts | None

    def tests(self) -> dict[str, ZTest | None]:
        if self.control is None or self.candidate is None:
            return {}
        cand, ctrl = self.candidate, self.control
        return {metric: two_proportion_z(getattr(cand, field), cand.threads,
                                         getattr(ctrl, field), ctrl.threads)
                for metric, field in _METRICS}

    def as_dict(self) -> dict[str, Any]:
        tests = self.tests()
        return {
            "graph": self.graph,
            "cohorts": [
                {"cohort": row.cohort, "version_id": row.version_id, "threads": row.threads,
                 "touches": row.touches,
                 **{metric: _rate(getattr(row, field), row.threads) for metric, field in _METRICS}}
                for row in self.rows
            ],
            "comparison": None if not tests else {
                "control_version": self.control.version_id if self.control else None,
                "candidate_version": self.candidate.version_id if self.candidate else None,
                **{metric: (test.as_dict() if test else None) for metric, test in tests.items()},
            },
        }


def _pick(rows: Sequence[CohortCounts], cohort: str, version: str | None) -> CohortCounts | None:
    matches = [row for row in rows if row.cohort == cohort
               and (version is None or row.version_id == version)]
    return matches[0] if len(matches) == 1 else None


def cohort_report(graph: str, rows: Sequence[CohortCounts], *, control_version: str | None = None,
                  candidate_version: str | None = None) -> CohortReport:
    """Rows as the store counted them; the test compares the named (or the only) versions."""
    return CohortReport(graph, tuple(rows), _pick(rows, "control", control_version),
                        _pick(rows, "candidate", candidate_version))
