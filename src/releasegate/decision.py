"""The release decision, policy clear-v1 (SPEC §4). Pure: counts in, a Decision value out.

The rules run in the SPEC's order and the first that matches decides. Policy anytime-v1 runs the
same rules in the same order but for two, regression and the success floor, taken from
`anytime.py` (docs/policies.md); `policy.name` picks the rule set. Every comparison is between
exact fractions; the evidence reports rounded figures for people and exact counts for audit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, Literal, NamedTuple

from releasegate import anytime
from releasegate.figures import rounded as _rounded
from releasegate.figures import show
from releasegate.policy import DEFAULT_POLICY, GatePolicy
from releasegate.window import WindowStats

__all__ = ["EXIT_CODES", "Decision", "Outcome", "release_decision"]

Outcome = Literal["PROMOTE", "HOLD", "ROLLBACK"]
EXIT_CODES: Final[dict[str, int]] = {"PROMOTE": 0, "HOLD": 3, "ROLLBACK": 4}


@dataclass(frozen=True, slots=True)
class Decision:
    """PROMOTE / HOLD / ROLLBACK with the reason, the policy stamp and the evidence."""

    decision: Outcome
    reason: str
    source: str
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "source": self.source,
            "evidence": self.evidence,
        }

    def to_json(self) -> str:
        """Canonical JSON: keys sorted, the same bytes for the same input."""
        return json.dumps(self.as_dict(), sort_keys=True, ensure_ascii=False, allow_nan=False)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.decision]


def _ms(us: int | None) -> int | float | None:
    if us is None:
        return None
    return us // 1000 if us % 1000 == 0 else us / 1000


def _stats_evidence(stats: WindowStats) -> dict[str, Any]:
    interval = stats.success_interval
    return {
        "n": stats.n,
        "passes": stats.passes,
        "unscored": stats.unscored,
        "hard_violations": stats.hard_violations,
        "hard_violation_codes": dict(sorted(stats.hard_codes.items())),
        "fully_covered": stats.fully_covered,
        "success_rate": _rounded(stats.success_rate),
        "success_rate_wilson95": [float(interval[0]), float(interval[1])] if interval else None,
        "safety_pass_rate": _rounded(stats.safety_pass_rate),
        "level_coverage": _rounded(stats.level_coverage),
        "latency_count": stats.latency_count,
        "p95_latency_ms": _ms(stats.p95_latency_us),
        "other_judge_rows": stats.other_judge_rows,
    }


def _evidence(stats: WindowStats, baseline: WindowStats | None, policy: GatePolicy,
              rule: str, notes: list[str], extra: dict[str, Any]) -> dict[str, Any]:
    evidence = {
        "target_graph": stats.target_graph,
        "prompt_version": stats.prompt_version,
        "judge_version": stats.judge_version,
        **_stats_evidence(stats),
        "baseline_version": baseline.prompt_version if baseline else None,
        "prior_n": baseline.n if baseline else None,
        "prior_success_rate": _rounded(baseline.success_rate) if baseline else None,
        "prior_p95_latency_ms": _ms(baseline.p95_latency_us) if baseline else None,
        "policy": policy.as_evidence(),
        "rule": rule,
        "notes": notes,
        **extra,
    }
    return evidence


Rule = Callable[[WindowStats, WindowStats | None, GatePolicy], "tuple[Outcome, str] | None"]
Fallback = Callable[[WindowStats, WindowStats | None, GatePolicy], "tuple[Outcome, str]"]


def _safety(stats: WindowStats, _b: WindowStats | None, _p: GatePolicy
            ) -> tuple[Outcome, str] | None:
    safety = stats.safety_pass_rate
    if safety is None or safety >= 1:
        return None
    codes = ", ".join(f"{code}×{count}" for code, count in sorted(stats.hard_codes.items()))
    plural = "s" if stats.hard_violations != 1 else ""
    detail = f" ({codes})" if codes else " (hard_violation flag)"
    return "ROLLBACK", (
        f"safety {show(safety, Fraction(1))} < 1.0: {stats.hard_violations} hard violation{plural} "
        f"in n={stats.n}{detail}"
    )


def _regression(stats: WindowStats, base: WindowStats | None, policy: GatePolicy
                ) -> tuple[Outcome, str] | None:
    rate, prior = stats.success_rate, base.success_rate if base else None
    if rate is None or prior is None or base is None:
        return None
    band = policy.exact("regression_drop")
    drop = prior - rate
    if drop <= band:
        return None
    return "ROLLBACK", (
        f"success {show(rate, prior - band)} vs prior {show(prior, rate + band)} "
        f"({base.prompt_version}, n={base.n}): drop {show(drop, band)} > {policy.regression_drop}"
    )


def _thin(stats: WindowStats, _b: WindowStats | None, policy: GatePolicy
          ) -> tuple[Outcome, str] | None:
    if stats.n >= policy.min_n:
        return None
    return "HOLD", f"n={stats.n} < min_n {policy.min_n}: not enough evidence yet"


def _coverage(stats: WindowStats, _b: WindowStats | None, policy: GatePolicy
              ) -> tuple[Outcome, str] | None:
    coverage, floor = stats.level_coverage, policy.exact("min_level_coverage")
    if coverage is None or coverage >= floor:
        return None
    holes = stats.n - stats.fully_covered
    return "HOLD", (
        f"level coverage {show(coverage, floor)} < {policy.min_level_coverage}: "
        f"{holes} of {stats.n} runs not fully scored ({stats.unscored} unscored)"
    )


def _latency(stats: WindowStats, base: WindowStats | None, policy: GatePolicy
             ) -> tuple[Outcome, str] | None:
    if base is None or stats.p95_latency_us is None or base.p95_latency_us is None:
        return None
    factor = 1 + policy.exact("latency_tolerance")
    if stats.p95_latency_us <= base.p95_latency_us * factor:
        return None
    return "HOLD", (
        f"p95 latency {_ms(stats.p95_latency_us)} ms > {1 + policy.latency_tolerance} × prior "
        f"p95 {_ms(base.p95_latency_us)} ms ({base.prompt_version})"
    )


def _promote(stats: WindowStats, _b: WindowStats | None, policy: GatePolicy
             ) -> tuple[Outcome, str] | None:
    rate, floor = stats.success_rate, policy.exact("success_floor")
    if rate is None or rate < floor:
        return None
    shown = show(rate, floor)
    return "PROMOTE", f"success {shown} ≥ {policy.success_floor}, safety 1.0, n={stats.n}"


def _borderline(stats: WindowStats, _b: WindowStats | None, policy: GatePolicy
                ) -> tuple[Outcome, str]:
    rate, floor = stats.success_rate or Fraction(0), policy.exact("success_floor")
    return "HOLD", (
        f"success {show(rate, floor)} < floor {policy.success_floor}, not a regression, "
        f"n={stats.n}"
    )


_RULES: Final[tuple[tuple[str, Rule], ...]] = (
    ("safety_veto", _safety),
    ("regression", _regression),
    ("min_n", _thin),
    ("level_coverage", _coverage),
    ("latency", _latency),
    ("success_floor", _promote),
)


class _Ruleset(NamedTuple):
    rules: tuple[tuple[str, Rule], ...]
    fallback: Fallback
    evidence: Callable[[WindowStats, WindowStats | None, GatePolicy], dict[str, Any]] | None


# anytime-v1 (docs/policies.md): clear-v1's order and shared rules; its own regression and floor.
_RULESETS: Final[dict[str, _Ruleset]] = {
    "clear-v1": _Ruleset(_RULES, _borderline, None),
    "anytime-v1": _Ruleset(
        (("safety_veto", _safety), ("regression", anytime.regression), ("min_n", _thin),
         ("level_coverage", _coverage), ("latency", _latency), ("success_floor", anytime.promote)),
        anytime.borderline,
        lambda stats, usable, policy: {"anytime": anytime.evidence(stats, usable, policy)},
    ),
}


def _notes(stats: WindowStats, baseline: WindowStats | None) -> list[str]:
    notes: list[str] = []
    if baseline is None:
        notes.append("no baseline: regression and latency rules not applied")
    elif baseline.n == 0:
        notes.append(
            f"baseline {baseline.prompt_version} has no verdicts under judge "
            f"{baseline.judge_version}: regression and latency rules not applied"
        )
    elif baseline.p95_latency_us is None or stats.p95_latency_us is None:
        notes.append("no latencies on one side: latency rule not applied")
    if stats.other_judge_rows:
        notes.append(
            f"{stats.other_judge_rows} verdicts scored by other judge versions left out"
        )
    return notes


def release_decision(
    stats: WindowStats,
    baseline: WindowStats | None = None,
    policy: GatePolicy = DEFAULT_POLICY,
) -> Decision:
    """Decide PROMOTE / HOLD / ROLLBACK for one window; never raises for HOLD or ROLLBACK.

    `baseline` is the prior version's window under the same judge version, if there is one; a
    baseline with no verdicts is treated as none, and the evidence says so.
    """
    usable = baseline if baseline is not None and baseline.n > 0 else None
    notes = _notes(stats, baseline)
    ruleset = _RULESETS[policy.name]
    extra = ruleset.evidence(stats, usable, policy) if ruleset.evidence else {}
    for rule, check in ruleset.rules:
        verdict = check(stats, usable, policy)
        if verdict is not None:
            outcome, reason = verdict
            return Decision(outcome, reason, policy.source,
                            _evidence(stats, baseline, policy, rule, notes, extra))
    outcome, reason = ruleset.fallback(stats, usable, policy)
    return Decision(outcome, reason, policy.source,
                    _evidence(stats, baseline, policy, "borderline", notes, extra))
