"""Writing verdicts: idempotent on run_id, all-or-nothing per call.

Rows go in with INSERT ... ON CONFLICT (run_id) DO NOTHING. When a batch stores fewer rows than it
holds, the stored versions of its run_ids are read back and compared field by field: the same run
sent twice is a duplicate, the same run_id with other content is a ConflictError, and the whole
transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from releasegate.errors import ConflictError, StoreError
from releasegate.store.schema import verdicts
from releasegate.verdicts import Verdict, epoch_us

__all__ = ["IngestResult", "insert_batches", "verdict_row"]

# The columns that make a verdict's content; ingested_at_us and created_at are handled apart.
_CONTENT = (
    "target_graph", "prompt_version", "judge_version", "passed", "composite", "violations",
    "hard_violation", "levels_requested", "levels_scored", "latency_us", "cost_usd", "cohort",
)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    stored: int

    @property
    def duplicates(self) -> int:
        return self.received - self.stored


def verdict_row(verdict: Verdict, now_us: int) -> dict[str, Any]:
    """A Verdict as a row of the verdicts table."""
    codes = verdict.violations
    created = verdict.created_at
    return {
        "run_id": verdict.run_id,
        "target_graph": verdict.target_graph,
        "prompt_version": verdict.prompt_version,
        "judge_version": verdict.judge_version,
        "passed": verdict.passed,
        "composite": verdict.composite,
        "violations": f",{','.join(codes)}," if codes else "",
        "hard_violation": verdict.hard_violation,
        "levels_requested": verdict.requested_mask,
        "levels_scored": verdict.scored_mask,
        "latency_us": verdict.latency_us,
        "cost_usd": verdict.cost_usd,
        "cohort": verdict.cohort,
        "created_at_us": epoch_us(created) if created is not None else now_us,
        "created_at_given": created is not None,
        "ingested_at_us": now_us,
    }


def _insert_statement(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(verdicts).on_conflict_do_nothing(index_elements=["run_id"])


def _differs(new: dict[str, Any], stored: Any) -> bool:
    if any(new[name] != getattr(stored, name) for name in _CONTENT):
        return True
    if new["created_at_given"]:
        return not stored.created_at_given or stored.created_at_us != new["created_at_us"]
    return False


def _conflicts(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[str]:
    """run_ids in `rows` whose stored content differs (includes duplicates within `rows`)."""
    wanted: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        wanted.setdefault(row["run_id"], []).append(row)
    conflicts: list[str] = []
    ids = list(wanted)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        stored_rows = conn.execute(select(verdicts).where(verdicts.c.run_id.in_(chunk)))
        for stored in stored_rows:
            if any(_differs(new, stored) for new in wanted[stored.run_id]):
                conflicts.append(stored.run_id)
    return sorted(conflicts)


def _insert(conn: Connection, statement: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Insert, skipping stored run_ids; returns how many rows were new."""
    if conn.dialect.name == "sqlite":
        return int(conn.execute(statement, list(rows)).rowcount)
    # psycopg reports no per-batch rowcount for executemany: count the RETURNING rows instead.
    returning = statement.returning(verdicts.c.run_id)
    return len(conn.execute(returning, list(rows)).all())


def insert_batches(engine: Engine, batches: Iterable[Sequence[dict[str, Any]]]) -> IngestResult:
    """Insert every batch in one transaction; any conflict rolls all of them back."""
    received = stored = 0
    try:
        with engine.connect().execution_options(releasegate_write=True) as conn, conn.begin():
            statement = _insert_statement(conn)
            for rows in batches:
                if not rows:
                    continue
                inserted = _insert(conn, statement, rows)
                received += len(rows)
                stored += inserted
                if inserted < len(rows):
                    conflicts = _conflicts(conn, rows)
                    if conflicts:
                        raise ConflictError(conflicts)
    except DBAPIError as exc:
        raise StoreError(f"could not store verdicts: {str(exc.orig).splitlines()[0]}") from None
    return IngestResult(received, stored)
