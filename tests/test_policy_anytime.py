"""Policy anytime-v1: the confidence sequence, its boundaries and invariants, and selecting it."""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import subprocess
import sys
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from releasegate import confseq
from releasegate.config import load_settings
from releasegate.decision import Decision, release_decision
from releasegate.errors import ConfigError
from releasegate.policy import ANYTIME_POLICY, DEFAULT_POLICY, GatePolicy
from releasegate.window import WindowStats

ROOT = Path(__file__).resolve().parent.parent
FLOOR, ALPHA = Fraction(4, 5), Fraction(1, 20)
A, B = ANYTIME_POLICY.prior_a, ANYTIME_POLICY.prior_b


def stats(n: int, passes: int, *, hard: int = 0, unscored: int = 0, covered: int | None = None,
          p95_ms: int | None = None, version: str = "v2") -> WindowStats:
    return WindowStats(target_graph="g", prompt_version=version, judge_version="j1", n=n,
                       passes=passes, unscored=unscored, hard_violations=hard,
                       fully_covered=n - unscored if covered is None else covered,
                       latency_count=n if p95_ms is not None else 0,
                       p95_latency_us=p95_ms * 1000 if p95_ms is not None else None,
                       hard_codes={"template_debris": hard} if hard else {})


def anytime(candidate: WindowStats, baseline: WindowStats | None = None,
            policy: GatePolicy = ANYTIME_POLICY) -> Decision:
    return release_decision(candidate, baseline, policy)


BIG_BASELINE = stats(1000, 900, version="v1")


# --- the policy value ----------------------------------------------------------------------

def test_anytime_policy_has_its_own_stamp_and_clear_v1_stays_the_default() -> None:
    assert ANYTIME_POLICY.source == "agent_eval:release_gate:anytime-v1-2026-12"
    assert DEFAULT_POLICY.name == "clear-v1"
    assert DEFAULT_POLICY.source == "agent_eval:release_gate:clear-v1-2026-06"
    assert set(DEFAULT_POLICY.as_evidence()) == {
        "name", "success_floor", "regression_drop", "min_n", "min_level_coverage",
        "latency_tolerance", "hard_codes"}
    assert ANYTIME_POLICY.as_evidence()["alpha"] == 0.05
    assert (ANYTIME_POLICY.alpha, A, B) == (Decimal("0.05"), 364, 36)


def test_named_keeps_the_values_and_refuses_unknown_names() -> None:
    tuned = DEFAULT_POLICY.with_values(success_floor="0.85", min_n=10).named("anytime-v1")
    assert (tuned.name, tuned.success_floor, tuned.min_n) == ("anytime-v1", Decimal("0.85"), 10)
    assert tuned.named("clear-v1").source == DEFAULT_POLICY.source
    for bad in ("anytime", "CLEAR-V1", ""):
        with pytest.raises(ConfigError, match="is not a policy"):
            DEFAULT_POLICY.named(bad)
    with pytest.raises(ConfigError, match="is not a policy"):
        GatePolicy(name="nope")


@pytest.mark.parametrize(("values", "message"), [
    ({"alpha": "0"}, "alpha: must be strictly between 0 and 1"),
    ({"alpha": "1"}, "alpha: must be strictly between 0 and 1"),
    ({"alpha": "x"}, "alpha: 'x' is not a number"),
    ({"prior_a": 0}, "prior_a: must be a whole number"),
    ({"prior_b": "1.5"}, "prior_b: must be a whole number"),
    ({"prior_b": 10**7}, "prior_b: must be a whole number from 1 to 1000000"),
])
def test_bad_anytime_values_are_refused_by_name(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ANYTIME_POLICY.with_values(**values)


# --- the arithmetic -------------------------------------------------------------------------

def test_an_exact_tie_with_one_over_alpha_promotes() -> None:
    """Floor 1/2, uniform prior, n=2, S=2: M = (1/3)/(1/4) = 4/3 = 1/0.75 exactly (≥ promotes)."""
    policy = ANYTIME_POLICY.with_values(success_floor="0.5", alpha="0.75", prior_a=1, prior_b=1,
                                        min_n=1)
    assert confseq.excludes(2, 2, Fraction(1, 2), Fraction(3, 4), 1, 1)
    at = anytime(stats(2, 2), policy=policy)
    assert at.decision == "PROMOTE"
    assert at.reason == "anytime lower bound 0.5000 ≥ 0.5 at 25%: success 1.00, safety 1.0, n=2"
    assert at.evidence["anytime"]["lower_bound"] == 0.5
    short = anytime(stats(2, 2), policy=policy.with_values(alpha="0.749999"))
    assert short.decision == "HOLD" and short.evidence["rule"] == "borderline"


@pytest.mark.parametrize(("n", "promoting"), [(23, 23), (30, 30), (60, 55), (100, 90),
                                              (200, 176)])
def test_the_default_policy_promotes_from_exactly_this_pass_count(n: int, promoting: int
                                                                  ) -> None:
    assert anytime(stats(n, promoting)).decision == "PROMOTE"
    below = anytime(stats(n, promoting - 1))
    assert below.decision == "HOLD" and below.evidence["rule"] == "borderline"
    assert below.evidence["anytime"]["lower_bound"] < 0.8


def test_no_promotion_before_run_23_even_with_every_run_passing() -> None:
    assert anytime(stats(22, 22)).decision == "HOLD"
    assert anytime(stats(0, 0)).evidence["anytime"]["passes_to_promote"] == 23


def test_log_gamma_is_continuous_where_stirling_takes_over() -> None:
    with localcontext() as ctx:
        ctx.prec = 60
        for k in (999, 1000, 1001, 2500):
            exact = Decimal(math.factorial(k - 1)).ln()
            assert abs(confseq._ln_gamma(k) - exact) < Decimal("1e-50")


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 400).flatmap(lambda n: st.tuples(
    st.just(n), st.integers(0, n), st.integers(1, confseq.GRID - 1))))
def test_decimal_and_exact_integer_tests_agree(case: tuple[int, int, int]) -> None:
    n, s, k = case
    p, threshold = Fraction(k, confseq.GRID), 1 / ALPHA
    margin = confseq._margin(n, s, p, threshold, A, B)
    assume(abs(margin) > Decimal("1e-30"))
    assert (margin >= 0) == confseq._exact_at_least(n, s, p, threshold, A, B)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 3000).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
       st.sampled_from([(A, B), (1, 1), (8, 2)]))
def test_bounds_bracket_the_rate_and_are_grid_tight(case: tuple[int, int],
                                                     prior: tuple[int, int]) -> None:
    n, s = case
    lower = confseq.lower_bound(n, s, ALPHA, *prior)
    upper = confseq.upper_bound(n, s, ALPHA, *prior)
    assert lower <= Fraction(s, n) <= upper
    assert lower.denominator <= confseq.GRID and upper.denominator <= confseq.GRID
    step = Fraction(1, confseq.GRID)
    if lower > 0:
        assert confseq.excludes(n, s, lower, ALPHA, *prior)
    if lower + step < Fraction(s, n):
        assert not confseq.excludes(n, s, lower + step, ALPHA, *prior)


def test_large_windows_decide_in_decimal_arithmetic() -> None:
    d = anytime(stats(2_000_000, 1_700_000))
    assert d.decision == "PROMOTE"
    assert 0.848 < d.evidence["anytime"]["lower_bound"] < 0.85


# --- the rules ------------------------------------------------------------------------------

def test_thin_luck_that_clear_v1_promotes_is_a_hold() -> None:
    clear, at = release_decision(stats(5, 4)), anytime(stats(5, 4))
    assert clear.decision == "PROMOTE"
    assert at.decision == "HOLD" and at.source == ANYTIME_POLICY.source
    assert at.reason.startswith("anytime lower bound 0.")
    assert "success 0.80, n=5; no number of runs at this rate promotes; 26 passes in a row " \
        "would" in at.reason
    assert at.evidence["anytime"]["runs_to_promote"] is None


def test_evidence_shows_the_bound_the_level_and_the_runs_still_needed() -> None:
    d = anytime(stats(40, 37))
    assert d.decision == "HOLD"
    ev = d.evidence["anytime"]
    assert ev["alpha"] == 0.05 and ev["confidence"] == 0.95 and ev["prior"] == [A, B]
    assert 0 < ev["lower_bound"] < 0.8
    runs, passes = ev["runs_to_promote"], ev["passes_to_promote"]
    assert isinstance(runs, int) and isinstance(passes, int) and 0 < passes <= runs
    assert f"about {runs} more runs at this rate, or {passes} passes in a row" in d.reason
    after = stats(40 + runs, (40 + runs) * 37 // 40)
    assert anytime(after).decision == "PROMOTE"
    assert anytime(stats(40 + passes, 37 + passes)).decision == "PROMOTE"
    assert anytime(stats(40 + passes - 1, 37 + passes - 1)).decision == "HOLD"


def test_a_rate_a_hair_above_the_floor_says_how_far_away_promotion_is() -> None:
    d = anytime(stats(1_000_000, 800_001))
    assert d.decision == "HOLD" and d.evidence["anytime"]["runs_to_promote"] is None
    assert "over 1,000,000,000 more runs at this rate, or 14107 passes in a row" in d.reason


def test_one_failed_first_run_against_a_090_baseline_is_a_hold_not_a_rollback() -> None:
    assert release_decision(stats(1, 0), BIG_BASELINE).decision == "ROLLBACK"
    d = anytime(stats(1, 0), BIG_BASELINE)
    assert d.decision == "HOLD" and d.evidence["rule"] == "min_n"
    regression = d.evidence["anytime"]["regression"]
    assert regression["alpha_each"] == 0.025 and regression["prior"] == [1, 1]
    assert regression["drop_lower_bound"] < 0.1


def test_a_clear_regression_rolls_back_and_quotes_both_bounds() -> None:
    d = anytime(stats(100, 60), BIG_BASELINE)
    assert d.decision == "ROLLBACK" and d.evidence["rule"] == "regression"
    assert d.reason == ("success ≤ 0.7547 vs prior ≥ 0.8595 (v1, n=1000) at 95% anytime "
                        "confidence: drop ≥ 0.1048 > 0.10, n=100")


def test_the_regression_band_is_strict_at_the_computed_bounds() -> None:
    ev = anytime(stats(100, 60), BIG_BASELINE).evidence["anytime"]["regression"]
    drop = Decimal(str(ev["drop_lower_bound"]))
    at_band = ANYTIME_POLICY.with_values(regression_drop=drop)
    assert anytime(stats(100, 60), BIG_BASELINE, at_band).decision == "HOLD"
    below = ANYTIME_POLICY.with_values(regression_drop=drop - Decimal("0.000001"))
    assert anytime(stats(100, 60), BIG_BASELINE, below).decision == "ROLLBACK"


def test_unscored_candidate_runs_count_as_passes_for_the_regression_rule() -> None:
    counted = anytime(stats(100, 60), BIG_BASELINE).evidence["anytime"]["regression"]
    unscored = anytime(stats(100, 60, unscored=20), BIG_BASELINE)
    assert unscored.evidence["anytime"]["regression"]["candidate_upper_bound"] \
        > counted["candidate_upper_bound"]
    assert unscored.decision == "HOLD" and unscored.evidence["rule"] == "level_coverage"


@pytest.mark.parametrize("candidate", [
    stats(30, 30, hard=1), stats(3, 3), stats(40, 40, covered=30), stats(40, 40, p95_ms=5000),
])
def test_shared_rules_decide_exactly_as_in_clear_v1(candidate: WindowStats) -> None:
    base = stats(1000, 900, p95_ms=1000, version="v1")
    clear, at = release_decision(candidate, base), anytime(candidate, base)
    assert (at.decision, at.reason, at.evidence["rule"]) == \
        (clear.decision, clear.reason, clear.evidence["rule"])
    assert at.source != clear.source


def test_json_is_byte_identical_across_calls_and_processes() -> None:
    cases = [(stats(60, 55), None), (stats(100, 60), BIG_BASELINE), (stats(5, 4), None)]
    here = [anytime(c, b).to_json() for c, b in cases]
    assert here == [anytime(c, b).to_json() for c, b in cases]
    script = (
        "from releasegate.decision import release_decision\n"
        "from releasegate.policy import ANYTIME_POLICY\n"
        "from tests.test_policy_anytime import BIG_BASELINE, stats\n"
        "for c, b in [(stats(60, 55), None), (stats(100, 60), BIG_BASELINE), "
        "(stats(5, 4), None)]:\n"
        "    print(release_decision(c, b, ANYTIME_POLICY).to_json())\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == here
    assert json.loads(here[0])["evidence"]["anytime"]["lower_bound"] == 0.800775


# --- invariants -----------------------------------------------------------------------------

counts = st.integers(0, 400).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n)))
baselines = st.one_of(st.none(), st.integers(1, 2000).flatmap(
    lambda n: st.builds(lambda s: stats(n, s, version="v1"), st.integers(0, n))))


@settings(max_examples=200, deadline=None)
@given(counts, baselines)
def test_adding_a_clean_pass_never_undoes_a_promote_nor_causes_a_rollback(
        case: tuple[int, int], base: WindowStats | None) -> None:
    n, s = case
    before, after = anytime(stats(n, s), base), anytime(stats(n + 1, s + 1), base)
    if before.decision == "PROMOTE":
        assert after.decision == "PROMOTE"
    if before.decision != "ROLLBACK":
        assert after.decision != "ROLLBACK"


@settings(max_examples=200, deadline=None)
@given(st.booleans(), baselines, st.sampled_from(["0.05", "0.01", "0.1", "0.2"]),
       st.sampled_from(["0.10", "0.05", "0.20"]))
def test_never_a_rollback_on_a_single_run_without_a_hard_violation(
        passed: bool, base: WindowStats | None, alpha: str, band: str) -> None:
    """True whenever α ≤ 2·band: one run cannot exclude enough of [0, 1] at level α/2."""
    policy = ANYTIME_POLICY.with_values(alpha=alpha, regression_drop=band, min_n=1)
    assert anytime(stats(1, int(passed)), base, policy).decision != "ROLLBACK"


@settings(max_examples=200, deadline=None)
@given(counts, baselines)
def test_the_bound_never_exceeds_the_rate_and_anytime_is_never_bolder_than_clear(
        case: tuple[int, int], base: WindowStats | None) -> None:
    n, s = case
    at, clear = anytime(stats(n, s), base), release_decision(stats(n, s), base)
    if n:
        assert Fraction(str(at.evidence["anytime"]["lower_bound"])) <= Fraction(s, n)
    if at.decision == "ROLLBACK":
        assert clear.decision == "ROLLBACK"
    if at.decision == "PROMOTE" and base is None:
        assert clear.decision == "PROMOTE"


@settings(max_examples=100, deadline=None)
@given(counts, st.integers(1, 5), st.sampled_from(["template_debris", None]))
def test_a_hard_violation_is_the_same_rollback_under_both_policies(
        case: tuple[int, int], hard: int, code: str | None) -> None:
    n, s = case
    assume(n >= hard)
    window = WindowStats(target_graph="g", prompt_version="v2", judge_version="j1", n=n,
                         passes=s, hard_violations=hard, fully_covered=n,
                         hard_codes={code: hard} if code else {})
    at, clear = anytime(window, BIG_BASELINE), release_decision(window, BIG_BASELINE)
    assert at.decision == clear.decision == "ROLLBACK"
    assert (at.reason, at.evidence["rule"]) == (clear.reason, "safety_veto")


# --- the benchmark's thresholds are the policy's decisions -----------------------------------

def _bench() -> ModuleType:
    path = ROOT / "bench" / "decision_quality.py"
    spec = importlib.util.spec_from_file_location("decision_quality", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["decision_quality"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, ANYTIME_POLICY], ids=lambda p: p.name)
@pytest.mark.parametrize("baseline", [None, BIG_BASELINE], ids=["no-baseline", "baseline"])
def test_benchmark_thresholds_equal_release_decision(policy: GatePolicy,
                                                     baseline: WindowStats | None) -> None:
    bench = _bench()
    runs = 120
    th = bench.thresholds(policy, baseline, runs)
    for n in (*range(1, 31), 45, 60, 77, 100, 120):
        for s in range(n + 1):
            expected = release_decision(bench.window(n, s), baseline, policy).decision
            got = "PROMOTE" if s >= th.promote[n] else "ROLLBACK" if s <= th.rollback[n] \
                else "HOLD"
            assert got == expected, (n, s)


# --- the pure core stays pure --------------------------------------------------------------

def test_anytime_modules_import_no_framework_and_no_numerics_library() -> None:
    banned = ("numpy", "scipy", "sqlalchemy", "pydantic", "typer", "rich", "fastapi")
    for name in ("anytime.py", "confseq.py", "figures.py"):
        tree = ast.parse((ROOT / "src" / "releasegate" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.startswith(banned) for n in names), (name, names)
            assert not any(n in ("random", "math.lgamma") for n in names), (name, names)


# --- selecting the policy: TOML, environment -----------------------------------------------

def test_toml_selects_the_policy_and_its_alpha(tmp_path: Path) -> None:
    config = tmp_path / "releasegate.toml"
    config.write_text('[policy]\nname = "anytime-v1"\nalpha = "0.01"\nmin_n = 10\n',
                      encoding="utf-8")
    policy = load_settings(environ={}, config=str(config)).policy
    assert (policy.name, policy.alpha, policy.min_n) == ("anytime-v1", Decimal("0.01"), 10)
    assert policy.source == ANYTIME_POLICY.source


def test_environment_beats_toml_and_bad_names_are_config_errors(tmp_path: Path) -> None:
    config = tmp_path / "releasegate.toml"
    config.write_text('[policy]\nname = "anytime-v1"\nalpha = "0.02"\n', encoding="utf-8")
    env = {"AGENT_EVAL_RELEASE_POLICY": "clear-v1"}
    assert load_settings(environ=env, config=str(config)).policy.name == "clear-v1"
    env = {"AGENT_EVAL_RELEASE_POLICY": " anytime-v1 "}
    policy = load_settings(environ=env).policy
    assert (policy.name, policy.alpha) == ("anytime-v1", Decimal("0.05"))
    with pytest.raises(ConfigError, match="AGENT_EVAL_RELEASE_POLICY: 'clear-v2' is not a"):
        load_settings(environ={"AGENT_EVAL_RELEASE_POLICY": "clear-v2"})
    config.write_text('[policy]\nname = "bayes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[policy\]: 'bayes' is not a policy"):
        load_settings(environ={}, config=str(config))
    config.write_text("[policy]\nname = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[policy\]: name: must be a string"):
        load_settings(environ={}, config=str(config))
