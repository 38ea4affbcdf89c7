"""Policy anytime-v1: the regression and success-floor rules on anytime-valid evidence. Pure.

The other rules (safety veto, min_n, level coverage, latency) are clear-v1's, run in the same
order (`decision.py`). Two rules differ (docs/policies.md):

- **success floor**: PROMOTE only when the (1 − α) confidence sequence for the success rate, a
  beta-binomial mixture with the policy's Beta(prior_a, prior_b), has left out every rate at or
  below the floor. However often the gate is asked, a version whose true rate is at or below the
  floor is promoted with probability at most α.
- **regression**: ROLLBACK only when the candidate's upper bound lies more than the drop band
  below the baseline's lower bound, each a (1 − α/2) sequence under a uniform Beta(1, 1)
  prior; by the union bound a candidate no worse than its baseline minus the band is rolled
  back with probability at most α. Unscored candidate runs count as passes here and unscored
  baseline runs as failures, the reading least likely to roll back.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from releasegate import confseq
from releasegate.figures import rounded, show
from releasegate.policy import GatePolicy
from releasegate.window import WindowStats

if TYPE_CHECKING:
    from releasegate.decision import Outcome

__all__ = ["REGRESSION_PRIOR", "borderline", "evidence", "promote", "regression"]

REGRESSION_PRIOR: Final = (1, 1)  # uniform: the bounds must be informative anywhere in [0, 1]


def _outward(value: Fraction, against: Fraction, *, up: bool) -> str:
    """A bound rounded away from the estimate (≥ 4 decimals) so the comparison stays honest."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    for places in range(4, 7):
        text = exact.quantize(Decimal(1).scaleb(-places),
                              rounding=ROUND_CEILING if up else ROUND_FLOOR)
        shown = Fraction(text)
        if (shown > against) == (value > against) and (shown == against) == (value == against):
            return str(text)
    return str(exact)


def _confidence(policy: GatePolicy) -> str:
    return f"{(1 - policy.alpha) * 100:f}".rstrip("0").rstrip(".") + "%"


def _level(policy: GatePolicy) -> Fraction:
    return Fraction(policy.alpha)


def _lower(stats: WindowStats, policy: GatePolicy) -> Fraction:
    """The success rate's anytime lower bound; the floor itself when the rule promotes."""
    floor, level = policy.exact("success_floor"), _level(policy)
    bound = confseq.lower_bound(stats.n, stats.passes, level, policy.prior_a, policy.prior_b) \
        if stats.n else Fraction(0)
    if confseq.promotes(stats.n, stats.passes, floor, level, policy.prior_a, policy.prior_b):
        return max(bound, floor)  # proven ≥ floor exactly; the grid may sit just below it
    return bound


def _regression_bounds(stats: WindowStats, base: WindowStats, policy: GatePolicy
                       ) -> tuple[Fraction, Fraction]:
    """(candidate upper bound, baseline lower bound), each at level α/2."""
    level, (a, b) = _level(policy) / 2, REGRESSION_PRIOR
    upper = confseq.upper_bound(stats.n, stats.passes + stats.unscored, level, a, b)
    lower = confseq.lower_bound(base.n, base.passes, level, a, b)
    return upper, lower


def regression(stats: WindowStats, base: WindowStats | None, policy: GatePolicy
               ) -> tuple[Outcome, str] | None:
    if base is None or base.n == 0 or stats.n == 0:
        return None
    upper, lower = _regression_bounds(stats, base, policy)
    band = policy.exact("regression_drop")
    if lower - upper <= band:
        return None
    return "ROLLBACK", (
        f"success ≤ {_outward(upper, lower - band, up=True)} vs prior ≥ "
        f"{_outward(lower, upper + band, up=False)} ({base.prompt_version}, n={base.n}) at "
        f"{_confidence(policy)} anytime confidence: drop ≥ "
        f"{_outward(lower - upper, band, up=False)} > {policy.regression_drop}, n={stats.n}"
    )


def promote(stats: WindowStats, _b: WindowStats | None, policy: GatePolicy
            ) -> tuple[Outcome, str] | None:
    floor, rate = policy.exact("success_floor"), stats.success_rate
    if rate is None or not confseq.promotes(stats.n, stats.passes, floor, _level(policy),
                                            policy.prior_a, policy.prior_b):
        return None
    return "PROMOTE", (
        f"anytime lower bound {_outward(_lower(stats, policy), floor, up=False)} ≥ "
        f"{policy.success_floor} at {_confidence(policy)}: success {show(rate, floor)}, "
        f"safety 1.0, n={stats.n}"
    )


def _to_promote(stats: WindowStats, policy: GatePolicy) -> tuple[int | None, int | None]:
    """(runs at the current rate, passes in a row) after which the success rule promotes."""
    args = (policy.exact("success_floor"), _level(policy), policy.prior_a, policy.prior_b,
            policy.min_n)
    return (confseq.runs_to_promote(stats.n, stats.passes, *args),
            confseq.passes_to_promote(stats.n, stats.passes, *args))


def _hint(stats: WindowStats, policy: GatePolicy) -> str:
    runs, passes = _to_promote(stats, policy)
    streak = "no run of passes" if passes is None else \
        f"{passes} pass{'es' if passes != 1 else ''} in a row"
    if runs is not None:
        return f"about {runs} more runs at this rate, or {streak}, would promote"
    rate = stats.success_rate
    if rate is not None and rate > policy.exact("success_floor"):
        return f"over {confseq.MAX_RUNS:,} more runs at this rate, or {streak}, would promote"
    return f"no number of runs at this rate promotes; {streak} would"


def borderline(stats: WindowStats, _b: WindowStats | None, policy: GatePolicy
               ) -> tuple[Outcome, str]:
    floor = policy.exact("success_floor")
    rate = stats.success_rate or Fraction(0)
    return "HOLD", (
        f"anytime lower bound {_outward(_lower(stats, policy), floor, up=False)} < floor "
        f"{policy.success_floor} at {_confidence(policy)}: success {show(rate, floor)}, "
        f"n={stats.n}; {_hint(stats, policy)}"
    )


def evidence(stats: WindowStats, base: WindowStats | None, policy: GatePolicy
             ) -> dict[str, Any]:
    """The bounds, the level and the runs still needed, for the `anytime` evidence key."""
    runs, passes = _to_promote(stats, policy)
    result: dict[str, Any] = {
        "method": "beta-binomial mixture confidence sequence",
        "alpha": float(policy.alpha),
        "confidence": float(1 - policy.alpha),
        "prior": [policy.prior_a, policy.prior_b],
        "lower_bound": rounded(_lower(stats, policy), 6),
        "runs_to_promote": runs,
        "passes_to_promote": passes,
        "regression": None,
    }
    if base is not None and base.n > 0 and stats.n > 0:
        upper, lower = _regression_bounds(stats, base, policy)
        result["regression"] = {
            "alpha_each": float(policy.alpha / 2),
            "prior": list(REGRESSION_PRIOR),
            "candidate_upper_bound": rounded(upper, 6),
            "baseline_lower_bound": rounded(lower, 6),
            "drop_lower_bound": rounded(lower - upper, 6),
        }
    return result
