"""SPEC §5 bucketing and the percent: vectors, process independence, monotonicity, shares."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from releasegate import GraphSpec, InputError, bucket, parse_percent, resolve_version
from releasegate.canary.bucketing import BUCKETS, format_basis_points, is_candidate
from tests.conftest import SHARED

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "bucketing.json"
HANDED = SHARED / "cases" / "route_handed.json"
ENV = "CAMPAIGN_CANARY_PERCENT"
LOW_ID, HIGH_ID = "thread-1655", "thread-27365"  # buckets 0 and 9999 under campaign_composer


def _cases(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8")))


def _all_cases() -> list[dict[str, Any]]:
    cases = _cases(VECTORS)
    return cases + (_cases(HANDED) if HANDED.exists() else [])


@pytest.mark.parametrize("case", _all_cases(),
                         ids=lambda c: f"{c['thread_id'][:20]}@{c['percent']!r}")
def test_vectors_bucket_and_cohort(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Published and handed vectors: the bucket, and the cohort resolve_version gives."""
    assert bucket(case["salt"], case["thread_id"]) == case["bucket"]
    monkeypatch.setenv(ENV, case["percent"])
    spec = GraphSpec(case["salt"], "v1", "v2")
    got = resolve_version(spec, case["thread_id"])
    assert (got.bucket, got.cohort) == (case["bucket"], case["cohort"])
    assert got.version_id == ("v2" if case["cohort"] == "candidate" else "v1")


def test_handed_cases_are_present() -> None:
    if not HANDED.exists():
        pytest.skip(f"{HANDED} not found")
    assert len(_cases(HANDED)) > 0


def test_bucket_does_not_change_with_pythonhashseed() -> None:
    ids = [f"thread-{n}" for n in range(50)] + ["ünïcödé", "线程"]
    code = ("import json,sys; from releasegate import bucket; "
            "print(json.dumps([bucket('campaign_composer', t) for t in json.load(sys.stdin)]))")
    expected = [bucket("campaign_composer", t) for t in ids]
    for seed in ("0", "1", "12345", "random"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        done = subprocess.run([sys.executable, "-c", code], input=json.dumps(ids), text=True,
                              capture_output=True, env=env, check=True)
        assert json.loads(done.stdout) == expected, seed


@settings(max_examples=300, deadline=None)
@given(salt=st.text(min_size=1, max_size=20),
       thread_id=st.text(min_size=1, max_size=40),
       low=st.integers(0, BUCKETS), high=st.integers(0, BUCKETS))
def test_raising_the_percent_never_moves_a_candidate_back(salt: str, thread_id: str, low: int,
                                                          high: int) -> None:
    try:
        slot = bucket(salt, thread_id)
    except InputError:  # lone surrogates cannot be encoded: refused, never routed
        return
    low, high = sorted((low, high))
    if is_candidate(slot, low):
        assert is_candidate(slot, high)


@settings(max_examples=100, deadline=None)
@given(thread_id=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1),
       low=st.integers(0, 10000), high=st.integers(0, 10000))
def test_widening_through_resolve_version_keeps_candidates(thread_id: str, low: int,
                                                           high: int) -> None:
    import os

    low, high = sorted((low, high))
    spec = GraphSpec("campaign_composer", "v1", "v2")
    before = os.environ.get(ENV)
    try:
        os.environ[ENV] = format_basis_points(low)
        first = resolve_version(spec, thread_id)
        os.environ[ENV] = format_basis_points(high)
        second = resolve_version(spec, thread_id)
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
    if first.cohort == "candidate":
        assert second.cohort == "candidate"


def test_zero_routes_nobody_and_hundred_everybody_including_extreme_buckets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    spec = GraphSpec("campaign_composer", "v1", "v2")
    ids = [LOW_ID, HIGH_ID] + [f"thread-{n}" for n in range(2000)]
    assert (bucket("campaign_composer", LOW_ID), bucket("campaign_composer", HIGH_ID)) == (0, 9999)
    for raw, cohort in (("0", "control"), ("100", "candidate"), ("0.00", "control"),
                        ("100.00", "candidate")):
        monkeypatch.setenv(ENV, raw)
        assert {resolve_version(spec, t).cohort for t in ids} == {cohort}
    monkeypatch.delenv(ENV)
    assert {resolve_version(spec, t).cohort for t in ids} == {"control"}
    monkeypatch.setenv(ENV, "0.01")
    assert resolve_version(spec, LOW_ID).cohort == "candidate"
    assert resolve_version(spec, HIGH_ID).cohort == "control"
    monkeypatch.setenv(ENV, "99.99")
    assert resolve_version(spec, HIGH_ID).cohort == "control"


@pytest.mark.parametrize("percent", ["33", "50"])
def test_observed_share_is_within_one_and_a_half_points(percent: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, percent)
    spec = GraphSpec("campaign_composer", "v1", "v2")
    share = sum(resolve_version(spec, f"thread-{n}").cohort == "candidate"
                for n in range(10_000)) / 100
    assert abs(share - float(percent)) <= 1.5


INVALID = ["abc", "150", "-5", "100.01", "101", "12.345", "1e2", "50%", "+5", "-0", "nan", "NaN",
           "inf", "-inf", "0x10", "1_0", "٥٠", "５０", "10,5", "5 0", "..5", "1.2.3", "true",
           "None",
           "½", "1" * 400]


@pytest.mark.parametrize("raw", INVALID)
def test_invalid_percent_routes_all_to_control_with_exactly_one_warning(
        raw: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(ENV, raw)
    spec = GraphSpec("campaign_composer", "v1", "v2")
    with caplog.at_level(logging.WARNING, logger="releasegate.canary"):
        cohorts = {resolve_version(spec, f"thread-{n}").cohort for n in range(500)}
        cohorts |= {resolve_version(spec, t).cohort for t in (LOW_ID, HIGH_ID)}
    assert cohorts == {"control"}
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert ENV in warnings[0].getMessage()


@pytest.mark.parametrize("raw", [*INVALID, "\x00", "50\x00"])
def test_parse_percent_rejects(raw: str) -> None:
    assert parse_percent(raw) is None


@pytest.mark.parametrize(("raw", "points"), [
    (None, 0), ("", 0), ("  ", 0), ("0", 0), ("100", 10000), ("100.00", 10000), ("100.0", 10000),
    ("33.33", 3333), ("12.5", 1250), (" 50 ", 5000), ("\t10\n", 1000), (".5", 50), ("5.", 500),
    ("007", 700), ("0.01", 1), ("99.99", 9999),
])
def test_parse_percent_accepts(raw: str | None, points: int) -> None:
    assert parse_percent(raw) == points


def test_a_new_bad_value_warns_again_after_a_good_one(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    spec = GraphSpec("g", "v1", "v2")
    with caplog.at_level(logging.WARNING, logger="releasegate.canary"):
        for raw in ("abc", "abc", "25", "abc", "abc", "150"):
            monkeypatch.setenv(ENV, raw)
            resolve_version(spec, "thread-1")
    assert len(caplog.records) == 3


@pytest.mark.parametrize("thread_id", ["", None, 42, b"thread-1", "bad-\ud800"])
def test_bad_thread_id_is_a_clear_error(thread_id: Any) -> None:
    with pytest.raises(InputError, match="thread_id"):
        bucket("campaign_composer", thread_id)
    with pytest.raises(InputError, match="thread_id"):
        resolve_version(GraphSpec("g", "v1", "v2"), thread_id)


def test_thread_id_is_hashed_exactly_as_given() -> None:
    ids = ["thread-1", "thread-1 ", " thread-1", "Thread-1", "café", "cafe\u0301"]
    assert len({bucket("s", t) for t in ids}) == len(ids)


def test_no_candidate_means_control_even_at_hundred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "100")
    got = resolve_version(GraphSpec("g", "v1"), "thread-1")
    assert (got.version_id, got.cohort) == ("v1", "control")


def test_spec_reads_its_own_env_var_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = GraphSpec("g", "v1", "v2", canary_percent_env="G_PERCENT")
    monkeypatch.setenv(ENV, "100")
    assert resolve_version(spec, "thread-1").cohort == "control"
    monkeypatch.setenv("G_PERCENT", "100")
    assert resolve_version(spec, "thread-1").cohort == "candidate"


def test_salt_defaults_to_the_name_and_changes_buckets() -> None:
    a = resolve_version(GraphSpec("g", "v1", "v2"), "thread-1").bucket
    assert a == bucket("g", "thread-1")
    assert resolve_version(GraphSpec("g", "v1", "v2", salt="other"), "thread-1").bucket == \
        bucket("other", "thread-1")
