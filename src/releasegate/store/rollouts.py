"""Rollout state, its audit trail, sticky assignments and touches: SQL for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import case, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from releasegate.canary.outcomes import TOUCH_EVENTS, CohortCounts
from releasegate.canary.state import Cohort, RolloutEvent, RolloutState, StickyKey
from releasegate.store.schema import canary_assignments, canary_touches, rollout_events, rollouts

__all__ = [
    "append_event",
    "claim_sticky",
    "cohort_counts",
    "get_rollout",
    "insert_touch",
    "list_rollouts",
    "put_rollout",
    "rollout_history",
    "sticky_cohort",
]

r, e, a, t = rollouts.c, rollout_events.c, canary_assignments.c, canary_touches.c


def _dialect(conn: Connection) -> Any:
    return postgresql if conn.dialect.name == "postgresql" else sqlite


def _state(row: Any) -> RolloutState:
    return RolloutState(graph=row.target_graph, active_version=row.active_version,
                        candidate_version=row.candidate_version, percent_bp=row.percent_bp,
                        halted=bool(row.halted), updated_at_us=row.updated_at_us,
                        updated_by=row.updated_by, reason=row.reason)


def get_rollout(conn: Connection, graph: str, *, for_update: bool = False) -> RolloutState | None:
    query = select(rollouts).where(r.target_graph == graph)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _state(row) if row is not None else None


def list_rollouts(conn: Connection) -> list[RolloutState]:
    return [_state(row) for row in conn.execute(select(rollouts).order_by(r.target_graph))]


def put_rollout(conn: Connection, state: RolloutState) -> None:
    """Insert or replace the graph's rollout state."""
    values = {"target_graph": state.graph, "active_version": state.active_version,
              "candidate_version": state.candidate_version, "percent_bp": state.percent_bp,
              "halted": state.halted, "updated_at_us": state.updated_at_us,
              "updated_by": state.updated_by, "reason": state.reason}
    statement = _dialect(conn).insert(rollouts).values(**values)
    changed = {k: v for k, v in values.items() if k != "target_graph"}
    conn.execute(statement.on_conflict_do_update(index_elements=["target_graph"], set_=changed))


def append_event(conn: Connection, event: RolloutEvent) -> RolloutEvent:
    result = conn.execute(insert(rollout_events).values(
        target_graph=event.graph, at_us=event.at_us, actor=event.actor, action=event.action,
        mode=event.mode, active_version=event.active_version,
        candidate_version=event.candidate_version, percent_before_bp=event.percent_before_bp,
        percent_bp=event.percent_bp, halted=event.halted, decision_id=event.decision_id,
        reason=event.reason,
    ))
    key = result.inserted_primary_key
    assert key is not None
    return replace(event, id=int(key[0]))


def rollout_history(conn: Connection, graph: str, limit: int | None = None
                    ) -> list[RolloutEvent]:
    """The graph's rollout events, oldest first (the newest `limit` when given)."""
    query = (select(rollout_events).where(e.target_graph == graph)
             .order_by(e.at_us.desc(), e.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return [
        RolloutEvent(id=row.id, graph=row.target_graph, at_us=row.at_us, actor=row.actor,
                     action=row.action, mode=row.mode, active_version=row.active_version,
                     candidate_version=row.candidate_version,
                     percent_before_bp=row.percent_before_bp, percent_bp=row.percent_bp,
                     halted=bool(row.halted), decision_id=row.decision_id, reason=row.reason)
        for row in reversed(conn.execute(query).all())
    ]


def _key_filter(key: StickyKey) -> Any:
    return ((a.target_graph == key.graph) & (a.control_version == key.control_version)
            & (a.candidate_version == key.candidate_version) & (a.thread_id == key.thread_id))


def sticky_cohort(conn: Connection, key: StickyKey) -> Cohort | None:
    cohort: Cohort | None = conn.execute(select(a.cohort).where(_key_filter(key))).scalar()
    return cohort


def claim_sticky(conn: Connection, key: StickyKey, cohort: Cohort, bucket: int,
                 at_us: int) -> Cohort:
    """Record the first assignment; when another process got there first, theirs stands."""
    statement = _dialect(conn).insert(canary_assignments).values(
        target_graph=key.graph, control_version=key.control_version,
        candidate_version=key.candidate_version, thread_id=key.thread_id, cohort=cohort,
        bucket=bucket, assigned_at_us=at_us,
    ).on_conflict_do_nothing()
    conn.execute(statement)
    stored = sticky_cohort(conn, key)
    assert stored is not None
    return stored


def insert_touch(conn: Connection, *, graph: str, thread_id: str, cohort: Cohort,
                 version_id: str, bucket: int | None, event: str, at_us: int) -> None:
    conn.execute(insert(canary_touches).values(
        target_graph=graph, thread_id=thread_id, cohort=cohort, version_id=version_id,
        bucket=bucket, event=event, at_us=at_us,
    ))


def _threads_with(event: str) -> Any:
    return func.count(func.distinct(case((t.event == event, t.thread_id), else_=None)))


def cohort_counts(conn: Connection, graph: str, since_us: int | None = None
                  ) -> Sequence[CohortCounts]:
    """Distinct threads per (cohort, version) and how many of them were sent, errored, replied."""
    columns = [t.cohort, t.version_id, func.count(func.distinct(t.thread_id)).label("threads"),
               func.count().label("touches")]
    columns += [_threads_with(name).label(name) for name in TOUCH_EVENTS]
    query = select(*columns).where(t.target_graph == graph)
    if since_us is not None:
        query = query.where(t.at_us >= since_us)
    query = query.group_by(t.cohort, t.version_id).order_by(t.cohort.desc(), t.version_id)
    return [
        CohortCounts(cohort=row.cohort, version_id=row.version_id, threads=row.threads,
                     touches=row.touches, sent=row.sent, errors=row.error, replied=row.replied)
        for row in conn.execute(query)
    ]
