"""Window statistics (SPEC §3): integer counts, nearest-rank p95, Wilson interval."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasegate.window import (
    WindowSpec,
    WindowStats,
    nearest_rank,
    nearest_rank_value,
    parse_when,
    wilson_interval,
)


@pytest.mark.parametrize("k, rank", [(0, 0), (1, 1), (19, 19), (20, 19), (21, 20), (100, 95),
                                     (101, 96), (1000, 950)])
def test_nearest_rank_is_the_ceiling_of_095_k(k: int, rank: int) -> None:
    assert nearest_rank(k) == rank


@given(st.integers(min_value=1, max_value=10**9))
def test_nearest_rank_matches_exact_ceiling(k: int) -> None:
    assert nearest_rank(k) == math.ceil(Fraction(95, 100) * k)


def test_nearest_rank_value_picks_an_observed_value() -> None:
    assert nearest_rank_value(list(range(1, 21))) == 19
    assert nearest_rank_value([5]) == 5
    assert nearest_rank_value([]) is None


def test_empty_window_has_null_rates_never_nan() -> None:
    stats = WindowStats(target_graph="g", prompt_version="v", judge_version="j")
    assert stats.success_rate is None and stats.safety_pass_rate is None
    assert stats.level_coverage is None and stats.success_interval is None


def test_rates_are_exact_fractions() -> None:
    stats = WindowStats(target_graph="g", prompt_version="v", judge_version="j", n=10, passes=7,
                        hard_violations=1, fully_covered=9)
    assert stats.success_rate == Fraction(7, 10)
    assert stats.safety_pass_rate == Fraction(9, 10)
    assert stats.level_coverage == Fraction(9, 10)


def test_inconsistent_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        WindowStats(target_graph="g", prompt_version="v", judge_version="j", n=3, passes=4)
    with pytest.raises(ValueError):
        WindowStats(target_graph="g", prompt_version="v", judge_version="j", n=3, passes=2,
                    unscored=2)


@pytest.mark.parametrize("passes, n, low, high", [
    (12, 14, "0.6006", "0.9599"),
    (0, 5, "0.0000", "0.4345"),
    (5, 5, "0.5655", "1.0000"),
    (80, 100, "0.7112", "0.8666"),
])
def test_wilson_interval_matches_the_textbook_formula(passes: int, n: int, low: str,
                                                      high: str) -> None:
    assert wilson_interval(passes, n) == (Decimal(low), Decimal(high))


@given(st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))))
def test_wilson_interval_contains_the_observed_rate(pair: tuple[int, int]) -> None:
    passes, n = pair
    interval = wilson_interval(passes, n)
    assert interval is not None
    low, high = interval
    rate = Fraction(passes, n)
    assert Fraction(low) - Fraction(1, 10**4) <= rate <= Fraction(high) + Fraction(1, 10**4)
    assert 0 <= low <= high <= 1


NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("7d", NOW - timedelta(days=7)),
    ("12h", NOW - timedelta(hours=12)),
    ("30m", NOW - timedelta(minutes=30)),
    ("2026-11-03", datetime(2026, 11, 3, tzinfo=UTC)),
    ("2026-11-03T02:00:00+01:00", datetime(2026, 11, 3, 1, tzinfo=UTC)),
])
def test_parse_when_accepts_times_dates_and_ages(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["last tuesday", "2026-13-01", "7 fortnights", ""])
def test_parse_when_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        parse_when(text, NOW)


def test_window_spec_reports_its_bounds_as_rfc3339() -> None:
    spec = WindowSpec(since_us=0, until_us=1_500_000, last=10)
    assert spec.as_evidence() == {"since": "1970-01-01T00:00:00Z",
                                  "until": "1970-01-01T00:00:01.500000Z", "last": 10}
    with pytest.raises(ValueError):
        WindowSpec(last=0)
