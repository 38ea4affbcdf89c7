"""Storage at the edge: SQLAlchemy Core on SQLite (default) or PostgreSQL.

`Store` is the one interface the gate, the CLI and the service use for persistence.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from releasegate.canary.outcomes import CohortCounts
from releasegate.canary.state import Cohort, RolloutEvent, RolloutState, StickyKey
from releasegate.decision import Decision
from releasegate.errors import StoreError
from releasegate.store import rollouts as rollout_sql
from releasegate.store.database import (
    SCHEMA_HEAD,
    create_store_engine,
    ensure_schema,
    refuse_missing_sqlite,
)
from releasegate.store.decisions import (
    DecisionRecord,
    decision_history,
    latest_authorizing,
    record_decision,
)
from releasegate.store.ingest import IngestResult, Row, insert_batches
from releasegate.store.series import DAY_US, SeriesPoint, version_series
from releasegate.store.windows import all_windows, latest_judge, window_stats
from releasegate.window import ALL_TIME, WindowSpec, WindowStats

__all__ = ["DecisionRecord", "IngestResult", "RolloutPlan", "Store", "WindowSpec"]

# A rollout change, decided from the current state and a look-up of a version's latest decision.
RolloutPlan = Callable[
    [RolloutState | None, Callable[[str], DecisionRecord | None]],
    tuple[RolloutState | None, RolloutEvent | None],
]


def _file_identity(engine: Engine) -> tuple[str, tuple[int, int]] | None:
    """(path, (device, inode)) of a SQLite file store; None for a server or in-memory store."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    try:
        found = os.stat(database)
    except OSError:
        return None
    return database, (found.st_dev, found.st_ino)


class Store:
    """Verdicts and decisions in one SQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._file = _file_identity(engine)

    @classmethod
    def open(cls, url_or_path: str, *, create: bool = True) -> Store:
        """Open a store; a new SQLite file or an empty database gets the current schema.

        With `create=False` a SQLite file that does not exist is an InputError instead: a
        command that only reads must not leave an empty store behind a mistyped path.
        """
        if not create:
            refuse_missing_sqlite(url_or_path)
        engine = create_store_engine(url_or_path)
        try:
            ensure_schema(engine)
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            raise StoreError(f"cannot open database: {str(exc.orig).splitlines()[0]}") from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _guard(self) -> None:
        """A SQLite file deleted, replaced or emptied under a running process is gone for
        everyone else: refuse to decide or store on the copy only this process still sees."""
        if self._file is None:
            return
        path, identity = self._file
        try:
            now = os.stat(path)
        except OSError:
            now = None
        if now is None or (now.st_dev, now.st_ino) != identity or now.st_size == 0:
            raise StoreError(f"the store file {path} was removed, replaced or emptied while "
                             "in use: nothing is decided or stored; restart against the file")

    def check_ready(self) -> None:
        """StoreError unless the store can be used now: file in place, schema current."""
        self._guard()
        with self.snapshot() as conn:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if current != SCHEMA_HEAD:
            raise StoreError(f"schema is at {current}, this releasegate needs {SCHEMA_HEAD}")

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction: every query inside sees the same committed state."""
        self._guard()
        try:
            options: dict[str, Any] = {}
            if self.engine.dialect.name == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            with self.engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"database error: {str(exc.orig).splitlines()[0]}") from None

    def ingest(self, batches: Iterable[Sequence[Row]]) -> IngestResult:
        self._guard()
        return insert_batches(self.engine, batches)

    def window(self, graph: str, version: str, judge: str | None, spec: WindowSpec,
               hard_codes: frozenset[str]) -> WindowStats:
        with self.snapshot() as conn:
            return window_stats(conn, graph, version, judge, spec, hard_codes)

    def decision_windows(self, graph: str, version: str, baseline: str | None,
                         judge: str | None, spec: WindowSpec, hard_codes: frozenset[str]
                         ) -> tuple[WindowStats, WindowStats | None]:
        """The candidate's window and the baseline's under the same judge, in one snapshot."""
        with self.snapshot() as conn:
            stats = window_stats(conn, graph, version, judge, spec, hard_codes)
            if baseline is None:
                return stats, None
            prior = window_stats(conn, graph, baseline, stats.judge_version, spec, hard_codes)
            return stats, prior

    def has_verdicts(self, graph: str, version: str) -> bool:
        """Whether any verdict of this (graph, version) is stored, under any judge."""
        with self.snapshot() as conn:
            return latest_judge(conn, graph, version, ALL_TIME) is not None

    def windows(self, graph: str | None, hard_codes: frozenset[str]
                ) -> tuple[list[WindowStats], dict[tuple[str, str], str]]:
        with self.snapshot() as conn:
            return all_windows(conn, graph, hard_codes)

    def record(self, decision: Decision, *, decided_at_us: int, mode: str) -> int:
        self._guard()
        try:
            with self.engine.begin() as conn:
                return record_decision(conn, decision, decided_at_us=decided_at_us, mode=mode)
        except DBAPIError as exc:
            raise StoreError(f"could not record decision: {str(exc.orig).splitlines()[0]}"
                             ) from None

    def authorizing_decision(self, graph: str, version: str) -> DecisionRecord | None:
        """The newest whole-window decision on a version (see `latest_authorizing`)."""
        with self.snapshot() as conn:
            return latest_authorizing(conn, graph, version)

    def history(self, graph: str, version: str | None = None,
                limit: int | None = None) -> Sequence[DecisionRecord]:
        with self.snapshot() as conn:
            return decision_history(conn, graph, version, limit)

    # --- Canary rollout (issue 4): state, audit trail, sticky cohorts, touches -----------------
    # Store is itself a RolloutStateSource and a StickyBook, so `CanaryRouter(store, store)` works.

    @contextmanager
    def _rollout_write(self, what: str) -> Iterator[Connection]:
        self._guard()
        try:
            with self.engine.connect().execution_options(releasegate_write=True) as conn, \
                    conn.begin():
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"could not {what}: {str(exc.orig).splitlines()[0]}") from None

    def rollout_state(self, graph: str) -> RolloutState | None:
        with self.snapshot() as conn:
            return rollout_sql.get_rollout(conn, graph)

    def rollout_states(self) -> list[RolloutState]:
        with self.snapshot() as conn:
            return rollout_sql.list_rollouts(conn)

    def rollout_history(self, graph: str, limit: int | None = None) -> list[RolloutEvent]:
        with self.snapshot() as conn:
            return rollout_sql.rollout_history(conn, graph, limit)

    def change_rollout(self, graph: str, plan: RolloutPlan) -> RolloutEvent | None:
        """Run `plan(state, latest_decision)` in one write transaction; store what it returns.

        The plan may raise (a refusal), or return no event: then nothing is written.
        """
        with self._rollout_write("change the rollout") as conn:
            if conn.dialect.name == "postgresql":
                # FOR UPDATE cannot lock a row that does not exist yet: two first changes of a
                # graph would both read "no state". A per-graph transaction lock orders them.
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:graph))"),
                             {"graph": f"releasegate.rollout:{graph}"})
            state = rollout_sql.get_rollout(conn, graph, for_update=True)

            def latest(version: str) -> DecisionRecord | None:
                return latest_authorizing(conn, graph, version)

            new_state, event = plan(state, latest)
            if event is None:
                return None
            if new_state is not None:
                rollout_sql.put_rollout(conn, new_state)
            return rollout_sql.append_event(conn, event)

    def sticky_cohort(self, key: StickyKey) -> Cohort | None:
        with self.snapshot() as conn:
            return rollout_sql.sticky_cohort(conn, key)

    def claim(self, key: StickyKey, cohort: Cohort, bucket: int, at_us: int) -> Cohort:
        with self._rollout_write("record a sticky assignment") as conn:
            return rollout_sql.claim_sticky(conn, key, cohort, bucket, at_us)

    def record_touch(self, *, graph: str, thread_id: str, cohort: Cohort, version_id: str,
                     bucket: int | None, event: str, at_us: int) -> None:
        with self._rollout_write("record a touch") as conn:
            rollout_sql.insert_touch(conn, graph=graph, thread_id=thread_id, cohort=cohort,
                                     version_id=version_id, bucket=bucket, event=event,
                                     at_us=at_us)

    def cohort_counts(self, graph: str, since_us: int | None = None) -> Sequence[CohortCounts]:
        with self.snapshot() as conn:
            return rollout_sql.cohort_counts(conn, graph, since_us)

    def series(self, graph: str, version: str, judge: str | None, hard_codes: frozenset[str],
               bucket_us: int = DAY_US) -> tuple[str, list[SeriesPoint]]:
        """Per-day (per-bucket) counts of a version's window, and the judge version used."""
        with self.snapshot() as conn:
            return version_series(conn, graph, version, judge, hard_codes, bucket_us)
