"""The decision, policy clear-v1 (SPEC §4): every rule, every boundary, exact arithmetic."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasegate.decision import Decision, release_decision, show
from releasegate.policy import DEFAULT_POLICY, GatePolicy
from releasegate.window import WindowStats


def stats(n: int, passes: int, *, hard: int = 0, covered: int | None = None, unscored: int = 0,
          p95_ms: float | None = None, version: str = "v2", codes: dict[str, int] | None = None
          ) -> WindowStats:
    return WindowStats(
        target_graph="g", prompt_version=version, judge_version="j1", n=n, passes=passes,
        unscored=unscored, hard_violations=hard,
        fully_covered=n - unscored if covered is None else covered,
        latency_count=n if p95_ms is not None else 0,
        p95_latency_us=round(p95_ms * 1000) if p95_ms is not None else None,
        hard_codes=codes or {},
    )


def prior(n: int, passes: int, p95_ms: float | None = None) -> WindowStats:
    return stats(n, passes, p95_ms=p95_ms, version="v1")


def decide(candidate: WindowStats, baseline: WindowStats | None = None,
           policy: GatePolicy = DEFAULT_POLICY) -> Decision:
    return release_decision(candidate, baseline, policy)


# --- each rule -------------------------------------------------------------------------------

def test_promote_quotes_its_numbers() -> None:
    d = decide(stats(14, 12))
    assert d.decision == "PROMOTE"
    assert d.reason == "success 0.86 ≥ 0.80, safety 1.0, n=14"
    assert d.source == "agent_eval:release_gate:clear-v1-2026-06"
    assert d.evidence["rule"] == "success_floor" and d.evidence["success_rate"] == 0.8571


def test_one_hard_violation_rolls_back_whatever_the_success_rate() -> None:
    d = decide(stats(20, 20, hard=1, codes={"template_debris": 1}))
    assert d.decision == "ROLLBACK" and d.evidence["rule"] == "safety_veto"
    assert "1 hard violation in n=20 (template_debris×1)" in d.reason


def test_hard_violation_flag_alone_is_enough() -> None:
    d = decide(stats(50, 50, hard=1))
    assert d.decision == "ROLLBACK" and "hard_violation flag" in d.reason


def test_safety_veto_comes_before_the_regression_rule() -> None:
    d = decide(stats(10, 2, hard=1), prior(10, 10))
    assert d.evidence["rule"] == "safety_veto"


def test_regression_more_than_the_band_rolls_back() -> None:
    d = decide(stats(100, 79), prior(100, 90))
    assert d.decision == "ROLLBACK" and d.evidence["rule"] == "regression"
    assert d.reason == "success 0.79 vs prior 0.90 (v1, n=100): drop 0.11 > 0.10"


@pytest.mark.parametrize("cand, base, expected", [
    ((10, 7), (10, 8), "HOLD"),       # 0.80 → 0.70: a drop of exactly 0.10 (float says 0.1000…09)
    ((10, 8), (10, 9), "PROMOTE"),    # 0.90 → 0.80: exactly 0.10, and 0.80 clears the floor
    ((100, 70), (10, 8), "HOLD"),
    ((1000, 699), (10, 8), "ROLLBACK"),  # 0.101 > 0.10
])
def test_a_drop_of_exactly_the_band_is_not_a_regression(cand: tuple[int, int],
                                                        base: tuple[int, int],
                                                        expected: str) -> None:
    assert decide(stats(*cand), prior(*base)).decision == expected


def test_regression_rule_runs_before_the_min_n_rule() -> None:
    # one failed first run against a 0.90 baseline: the seed's rule order rolls back at once
    assert decide(stats(1, 0), prior(100, 90)).decision == "ROLLBACK"


@pytest.mark.parametrize("n, expected", [(4, "HOLD"), (5, "PROMOTE")])
def test_min_n_boundary(n: int, expected: str) -> None:
    d = decide(stats(n, n))
    assert d.decision == expected
    if expected == "HOLD":
        assert d.reason == "n=4 < min_n 5: not enough evidence yet"


def test_empty_window_holds_with_null_rates() -> None:
    d = decide(stats(0, 0))
    assert d.decision == "HOLD" and d.evidence["rule"] == "min_n"
    ev = d.evidence
    assert ev["n"] == 0 and ev["success_rate"] is None and ev["safety_pass_rate"] is None
    assert ev["level_coverage"] is None and ev["success_rate_wilson95"] is None
    assert "NaN" not in d.to_json()


@pytest.mark.parametrize("covered, expected", [(19, "PROMOTE"), (18, "HOLD")])
def test_coverage_boundary_at_095(covered: int, expected: str) -> None:
    d = decide(stats(20, 18, covered=covered))
    assert d.decision == expected
    if expected == "HOLD":
        assert d.evidence["rule"] == "level_coverage"
        assert d.reason.startswith("level coverage 0.90 < 0.95: 2 of 20 runs not fully scored")


def test_unscored_runs_count_in_n_never_as_passes() -> None:
    d = decide(stats(20, 16, unscored=4))
    assert d.evidence["n"] == 20 and d.evidence["success_rate"] == 0.8
    assert d.decision == "HOLD" and d.evidence["rule"] == "level_coverage"


@pytest.mark.parametrize("p95, expected", [(1200.0, "PROMOTE"), (1200.001, "HOLD")])
def test_latency_boundary_at_the_tolerance(p95: float, expected: str) -> None:
    d = decide(stats(20, 20, p95_ms=p95), prior(20, 20, p95_ms=1000))
    assert d.decision == expected
    if expected == "HOLD":
        assert d.reason == "p95 latency 1200.001 ms > 1.20 × prior p95 1000 ms (v1)"


def test_latency_never_causes_a_rollback() -> None:
    assert decide(stats(20, 20, p95_ms=90_000), prior(20, 20, p95_ms=100)).decision == "HOLD"


def test_borderline_holds() -> None:
    d = decide(stats(10, 6))
    assert (d.decision, d.evidence["rule"]) == ("HOLD", "borderline")
    assert d.reason == "success 0.60 < floor 0.80, not a regression, n=10"


@pytest.mark.parametrize("passes, expected", [(8000, "PROMOTE"), (7999, "HOLD")])
def test_success_floor_boundary(passes: int, expected: str) -> None:
    d = decide(stats(10_000, passes))
    assert d.decision == expected
    if expected == "HOLD":  # 0.7999 must not print as a misleading "0.80 < 0.80"
        assert d.reason.startswith("success 0.7999 < floor 0.80")


def test_a_baseline_without_verdicts_is_no_baseline_and_says_so() -> None:
    d = decide(stats(10, 5), WindowStats(target_graph="g", prompt_version="v1",
                                         judge_version="j1"))
    assert d.decision == "HOLD" and d.evidence["baseline_version"] == "v1"
    assert any("has no verdicts under judge j1" in note for note in d.evidence["notes"])


def test_no_baseline_is_stated_in_the_evidence() -> None:
    d = decide(stats(10, 10))
    assert "no baseline: regression and latency rules not applied" in d.evidence["notes"]


def test_policy_values_are_in_the_evidence() -> None:
    policy = GatePolicy(min_n=30, success_floor=Decimal("0.9"))
    d = decide(stats(20, 20), policy=policy)
    assert d.decision == "HOLD" and d.evidence["policy"]["min_n"] == 30
    assert d.evidence["policy"]["success_floor"] == 0.9


def test_json_is_byte_identical_for_the_same_input_and_keys_are_sorted() -> None:
    first = decide(stats(14, 12, p95_ms=1840), prior(50, 45, p95_ms=1700)).to_json()
    again = decide(stats(14, 12, p95_ms=1840), prior(50, 45, p95_ms=1700)).to_json()
    assert first == again
    parsed = json.loads(first)
    assert list(parsed) == sorted(parsed) and list(parsed["evidence"]) == sorted(
        parsed["evidence"])
    assert parsed["evidence"]["p95_latency_ms"] == 1840


def test_exit_codes() -> None:
    assert decide(stats(5, 5)).exit_code == 0
    assert decide(stats(1, 1)).exit_code == 3
    assert decide(stats(5, 5, hard=1)).exit_code == 4


@pytest.mark.parametrize("value, against, text", [
    ((7999, 10000), (4, 5), "0.7999"), ((4, 5), (4, 5), "0.80"), ((6, 7), (4, 5), "0.86"),
    ((1, 3), (1, 3), "1/3"), ((399, 400), (1, 1), "0.998"),
])
def test_shown_rates_never_misstate_the_comparison(value: tuple[int, int],
                                                  against: tuple[int, int], text: str) -> None:
    from fractions import Fraction
    assert show(Fraction(*value), Fraction(*against)) == text


# --- properties --------------------------------------------------------------------------------

windows = st.integers(min_value=0, max_value=400).flatmap(lambda n: st.builds(
    lambda passes, hard, covered: stats(n, passes, hard=hard, covered=covered),
    st.integers(min_value=0, max_value=n), st.integers(min_value=0, max_value=n),
    st.integers(min_value=0, max_value=n)))
baselines = st.none() | st.integers(min_value=1, max_value=400).flatmap(
    lambda n: st.builds(lambda p: prior(n, p), st.integers(min_value=0, max_value=n)))


def with_clean_pass(s: WindowStats) -> WindowStats:
    return stats(s.n + 1, s.passes + 1, hard=s.hard_violations, covered=s.fully_covered + 1)


@given(windows, baselines)
def test_adding_a_clean_passing_run_never_produces_rollback(w: WindowStats,
                                                            b: WindowStats | None) -> None:
    if decide(w, b).decision != "ROLLBACK":
        assert decide(with_clean_pass(w), b).decision != "ROLLBACK"


@given(windows, baselines)
def test_any_hard_violation_always_rolls_back(w: WindowStats, b: WindowStats | None) -> None:
    if w.n:
        hit = stats(w.n, w.passes, hard=max(1, w.hard_violations), covered=w.fully_covered)
        assert decide(hit, b).decision == "ROLLBACK"


@given(windows, baselines)
def test_promote_implies_every_gate_condition(w: WindowStats, b: WindowStats | None) -> None:
    d = decide(w, b)
    if d.decision == "PROMOTE":
        assert w.n >= 5 and w.hard_violations == 0
        assert w.success_rate is not None and w.success_rate >= DEFAULT_POLICY.exact(
            "success_floor")
        assert w.level_coverage is not None and w.level_coverage >= DEFAULT_POLICY.exact(
            "min_level_coverage")
