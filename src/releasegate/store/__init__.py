"""Storage at the edge: SQLAlchemy Core on SQLite (default) or PostgreSQL.

`Store` is the one interface the gate, the CLI and the service use for persistence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from releasegate.decision import Decision
from releasegate.errors import StoreError
from releasegate.store.database import create_store_engine, ensure_schema
from releasegate.store.decisions import DecisionRecord, decision_history, record_decision
from releasegate.store.ingest import IngestResult, insert_batches
from releasegate.store.windows import all_windows, window_stats
from releasegate.window import WindowSpec, WindowStats

__all__ = ["DecisionRecord", "IngestResult", "Store", "WindowSpec"]


class Store:
    """Verdicts and decisions in one SQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url_or_path: str) -> Store:
        """Open (creating a new SQLite file or empty database at the current schema)."""
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

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction: every query inside sees the same committed state."""
        try:
            options: dict[str, Any] = {}
            if self.engine.dialect.name == "postgresql":
                options["isolation_level"] = "REPEATABLE READ"
            with self.engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            raise StoreError(f"database error: {str(exc.orig).splitlines()[0]}") from None

    def ingest(self, batches: Iterable[Sequence[dict[str, Any]]]) -> IngestResult:
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

    def windows(self, graph: str | None, hard_codes: frozenset[str]
                ) -> tuple[list[WindowStats], dict[tuple[str, str], str]]:
        with self.snapshot() as conn:
            return all_windows(conn, graph, hard_codes)

    def record(self, decision: Decision, *, decided_at_us: int, mode: str) -> int:
        try:
            with self.engine.begin() as conn:
                return record_decision(conn, decision, decided_at_us=decided_at_us, mode=mode)
        except DBAPIError as exc:
            raise StoreError(f"could not record decision: {str(exc.orig).splitlines()[0]}"
                             ) from None

    def history(self, graph: str, version: str | None = None,
                limit: int | None = None) -> Sequence[DecisionRecord]:
        with self.snapshot() as conn:
            return decision_history(conn, graph, version, limit)
