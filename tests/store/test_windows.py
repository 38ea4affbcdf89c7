"""Window statistics computed in SQL match a plain-Python oracle, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasegate.gate import Gate
from releasegate.ingestion import ingest_sources
from releasegate.policy import DEFAULT_HARD_CODES
from releasegate.sources import open_source
from releasegate.store import Store
from releasegate.timestamps import epoch_us
from releasegate.window import ALL_TIME, WindowSpec, nearest_rank_value
from tests.conftest import verdict, write_jsonl

T0 = datetime(2026, 11, 3, tzinfo=UTC)


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def load(store: Store, tmp_path: Path, rows: Sequence[dict[str, Any]], name: str = "w") -> None:
    path = write_jsonl(tmp_path / f"{name}.jsonl", rows)
    ingest_sources(store, [open_source(str(path))], now_us=epoch_us(T0))


def oracle(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """SPEC §3 by hand, over plain dicts."""
    hard = [r for r in rows if r.get("hard_violation") or set(r.get("violations", []))
            & DEFAULT_HARD_CODES]
    requested = lambda r: set(r.get("levels_requested", ["step", "trajectory", "outcome"]))  # noqa: E731
    scored = lambda r: set(r.get("levels_scored", requested(r)))  # noqa: E731
    latencies = [round(r["latency_ms"] * 1000) for r in rows if "latency_ms" in r]
    return {
        "n": len(rows),
        "passes": sum(1 for r in rows if r["passed"] is True),
        "unscored": sum(1 for r in rows if r["passed"] is None),
        "hard_violations": len(hard),
        "fully_covered": sum(1 for r in rows if r["passed"] is not None
                             and requested(r) <= scored(r)),
        "p95_latency_us": nearest_rank_value(latencies),
    }


def observed(store: Store, spec: WindowSpec = ALL_TIME, judge: str | None = "j1",
             version: str = "v2") -> dict[str, Any]:
    s = store.window("g", version, judge, spec, DEFAULT_HARD_CODES)
    return {"n": s.n, "passes": s.passes, "unscored": s.unscored,
            "hard_violations": s.hard_violations, "fully_covered": s.fully_covered,
            "p95_latency_us": s.p95_latency_us}


row_strategy = st.fixed_dictionaries(
    {"passed": st.sampled_from([True, False, None])},
    optional={
        "violations": st.lists(st.sampled_from(["template_debris", "weak_cta", "spam_marker",
                                                "templatexdebris", "loop_detected"]),
                               max_size=2),
        "hard_violation": st.booleans(),
        "levels_scored": st.lists(st.sampled_from(["step", "trajectory", "outcome"]),
                                  max_size=3, unique=True),
        "latency_ms": st.floats(min_value=0, max_value=1e6, allow_nan=False),
    },
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(row_strategy, max_size=40), st.randoms())
def test_sql_statistics_equal_the_oracle_and_ignore_row_order(
        db_url: str, tmp_path_factory: pytest.TempPathFactory, raw: list[dict[str, Any]],
        rnd: random.Random) -> None:
    rows = [verdict(f"r{i}", **fields) for i, fields in enumerate(raw)]
    tmp = tmp_path_factory.mktemp("oracle")
    url = db_url if "://" in db_url else str(tmp / "o.db")
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    with Store.open(url) as store:
        with store.snapshot() as conn:  # a fresh start for every example on PostgreSQL too
            conn.exec_driver_sql("DELETE FROM verdicts")
        load(store, tmp, shuffled)
        assert observed(store) == oracle(rows)
        decision = Gate(store).evaluate("g", "v2").to_json()
        assert decision == Gate(store).evaluate("g", "v2").to_json()


def test_latest_judge_decides_and_other_judges_are_counted(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [
        *[verdict(f"a{i}", False, judge_version="j1", created_at=at(i)) for i in range(6)],
        *[verdict(f"b{i}", True, judge_version="j2", created_at=at(10 + i)) for i in range(5)],
    ])
    s = store.window("g", "v2", None, ALL_TIME, DEFAULT_HARD_CODES)
    assert (s.judge_version, s.n, s.passes, s.other_judge_rows) == ("j2", 5, 5, 6)
    old = store.window("g", "v2", "j1", ALL_TIME, DEFAULT_HARD_CODES)
    assert (old.n, old.passes, old.other_judge_rows) == (6, 0, 5)


def test_latest_judge_ties_on_time_break_on_run_id(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [verdict("a", judge_version="j9", created_at=at(0)),
                           verdict("b", judge_version="j1", created_at=at(0))])
    assert store.window("g", "v2", None, ALL_TIME, DEFAULT_HARD_CODES).judge_version == "j1"


def test_baseline_is_read_under_the_candidates_judge(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [
        *[verdict(f"c{i}", True, judge_version="j2", created_at=at(i)) for i in range(10)],
        *[verdict(f"p{i}", True, prompt_version="v1", judge_version="j1") for i in range(10)],
    ])
    stats, prior = store.decision_windows("g", "v2", "v1", None, ALL_TIME, DEFAULT_HARD_CODES)
    assert stats.judge_version == "j2" and prior is not None and prior.n == 0


def test_since_until_and_last_bound_the_window(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [verdict(f"r{i:02d}", i % 2 == 0, created_at=at(i)) for i in range(20)])
    since, until = epoch_us(T0 + timedelta(minutes=5)), epoch_us(T0 + timedelta(minutes=15))
    assert observed(store, WindowSpec(since_us=since))["n"] == 15
    assert observed(store, WindowSpec(until_us=until))["n"] == 15  # until is exclusive
    assert observed(store, WindowSpec(since_us=since, until_us=until))["n"] == 10
    last = observed(store, WindowSpec(last=4))  # minutes 16..19: passes at 16 and 18
    assert (last["n"], last["passes"]) == (4, 2)
    both = observed(store, WindowSpec(until_us=until, last=3))  # minutes 12, 13, 14
    assert (both["n"], both["passes"]) == (3, 2)


def test_last_breaks_time_ties_by_run_id(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [verdict("a", False, created_at=at(0)),
                           verdict("b", True, created_at=at(0))])
    assert observed(store, WindowSpec(last=1))["passes"] == 1


def test_hard_codes_are_matched_exactly_not_as_patterns(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [verdict("a", violations=["templatexdebris"]),
                           verdict("b", violations=["template_debris_v2"]),
                           verdict("c", violations=["weak_cta", "spam_marker"])])
    s = store.window("g", "v2", None, ALL_TIME, DEFAULT_HARD_CODES)
    assert s.hard_violations == 1 and dict(s.hard_codes) == {"spam_marker": 1}


def test_custom_hard_set_is_applied_at_query_time(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, [verdict("a", violations=["pii_leak"]), verdict("b")])
    assert store.window("g", "v2", None, ALL_TIME, DEFAULT_HARD_CODES).hard_violations == 0
    custom = DEFAULT_HARD_CODES | {"pii_leak"}
    assert store.window("g", "v2", None, ALL_TIME, custom).hard_violations == 1


def test_overview_matches_single_window_queries(store: Store, tmp_path: Path) -> None:
    rows = []
    for version in ("v1", "v2", "v3"):
        for judge in ("j1", "j2"):
            rows += [verdict(f"{version}-{judge}-{i}", i % 3 != 0, prompt_version=version,
                             judge_version=judge, latency_ms=100 + i * 7, created_at=at(i),
                             violations=["loop_detected"] if i == 5 and version == "v3" else [])
                     for i in range(12 if judge == "j1" else 7)]
    load(store, tmp_path, rows)
    overview, latest = store.windows(None, DEFAULT_HARD_CODES)
    assert len(overview) == 6
    for w in overview:
        single = store.window(w.target_graph, w.prompt_version, w.judge_version, ALL_TIME,
                              DEFAULT_HARD_CODES)
        assert w == single
    assert latest[("g", "v1")] == "j1"  # j1 rows reach minute 11, j2 only minute 6
