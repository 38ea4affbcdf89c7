"""Rollout state, audit trail, sticky claims and cohort counts on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from releasegate import Assignment, CanaryRouter, GraphSpec, RolloutState, record_touch
from releasegate.canary.outcomes import two_proportion_z
from releasegate.canary.state import RolloutEvent, StickyKey
from releasegate.errors import InputError
from releasegate.store import Store
from releasegate.store.database import _alembic_config, create_store_engine, schema_status

G = "campaign_composer"


def _event(n: int, action: str = "set") -> RolloutEvent:
    return RolloutEvent(graph=G, at_us=n, actor="alice", action=action, active_version="v1",
                        candidate_version="v2", percent_before_bp=None, percent_bp=n,
                        halted=False, reason=f"step {n}")


def test_change_rollout_stores_state_and_an_append_only_history(store: Store) -> None:
    for n in (1, 2, 3):
        state = RolloutState(graph=G, active_version="v1", candidate_version="v2",
                             percent_bp=n * 100, updated_at_us=n, updated_by="alice",
                             reason=f"step {n}")
        store.change_rollout(G, lambda _s, _l, st=state, n=n: (st, _event(n)))
    assert store.rollout_state(G) == RolloutState(
        graph=G, active_version="v1", candidate_version="v2", percent_bp=300, updated_at_us=3,
        updated_by="alice", reason="step 3")
    history = store.rollout_history(G)
    assert [e.reason for e in history] == ["step 1", "step 2", "step 3"]
    assert [e.reason for e in store.rollout_history(G, 1)] == ["step 3"]
    assert store.rollout_state("other") is None


def test_a_plan_that_refuses_writes_nothing(store: Store) -> None:
    def refuse(_state: object, _latest: object) -> tuple[None, None]:
        raise InputError("no")

    with pytest.raises(InputError):
        store.change_rollout(G, refuse)
    assert store.rollout_history(G) == [] and store.rollout_states() == []


def test_first_sticky_claim_wins(store: Store) -> None:
    key = StickyKey(G, "v1", "v2", "thread-1")
    assert store.sticky_cohort(key) is None
    assert store.claim(key, "candidate", 12, 1) == "candidate"
    assert store.claim(key, "control", 12, 2) == "candidate"
    assert store.sticky_cohort(key) == "candidate"
    assert store.sticky_cohort(key._replace(candidate_version="v3")) is None


def test_store_backed_router_keeps_sticky_threads_across_instances(store: Store) -> None:
    spec = GraphSpec(G, "v1", "v2", sticky=True)
    first = CanaryRouter(store, store, environ={"CAMPAIGN_CANARY_PERCENT": "30"})
    before = {t: first.resolve(spec, t).cohort for t in (f"t-{n}" for n in range(120))}
    second = CanaryRouter(store, store, environ={"CAMPAIGN_CANARY_PERCENT": "90"})
    assert {t: second.resolve(spec, t).cohort for t in before} == before


def test_cohort_counts_group_distinct_threads_by_cohort_and_version(store: Store) -> None:
    control, candidate = Assignment(G, "v1", "control", 1), Assignment(G, "v2", "candidate", 2)
    for n in range(10):
        record_touch(f"c-{n}", G, control, "sent", store=store, at_us=n)
        record_touch(f"c-{n}", G, control, "sent", store=store, at_us=n)  # a second touch
    for n in range(4):
        record_touch(f"k-{n}", G, candidate, "sent", store=store, at_us=n)
    record_touch("k-0", G, candidate, "replied", store=store, at_us=100)
    record_touch("k-1", G, ("candidate", "v2"), "error", store=store, at_us=100)
    rows = {r.cohort: r for r in store.cohort_counts(G)}
    assert (rows["control"].threads, rows["control"].touches, rows["control"].sent) == (10, 20, 10)
    assert (rows["candidate"].threads, rows["candidate"].replied, rows["candidate"].errors) == (
        4, 1, 1)
    assert [r.cohort for r in store.cohort_counts(G, since_us=100)] == ["candidate"]


@pytest.mark.parametrize(("args", "match"), [
    (("", G, Assignment(G, "v1", "control", 1), "sent"), "thread_id"),
    (("t", G, Assignment(G, "v1", "control", 1), "clicked"), "event"),
    (("t", "other", Assignment(G, "v1", "control", 1), "sent"), "graph"),
    (("t", G, ("treatment", "v1"), "sent"), "cohort"),
])
def test_record_touch_refuses_bad_input(tmp_path: Path, args: tuple, match: str) -> None:
    with Store.open(str(tmp_path / "t.db")) as store, pytest.raises(InputError, match=match):
        record_touch(*args, store=store)


def test_migration_0002_upgrades_from_0001_and_downgrades_cleanly(tmp_path: Path) -> None:
    engine = create_store_engine(str(tmp_path / "m.db"))
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0001")
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0002")
        assert schema_status(engine)[0] == "0002"
        tables = set(inspect(engine).get_table_names())
        assert {"rollouts", "rollout_events", "canary_assignments", "canary_touches"} <= tables
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0001")
        assert "rollouts" not in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_two_proportion_z_matches_the_textbook_value() -> None:
    test = two_proportion_z(30, 100, 20, 100)
    assert test is not None and str(test.z) == "1.6330" and not test.significant
    big = two_proportion_z(300, 1000, 200, 1000)
    assert big is not None and big.significant and big.p_value < 0.001
    assert two_proportion_z(0, 10, 0, 10) is None and two_proportion_z(1, 0, 1, 5) is None
