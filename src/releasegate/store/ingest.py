"""Writing verdicts: idempotent on run_id, all-or-nothing per call.

Rows go in with INSERT ... ON CONFLICT (run_id) DO NOTHING. When a batch stores fewer rows than it
holds, the stored versions of its run_ids are read back and compared field by field: the same run
sent twice is a duplicate, the same run_id with other content is a ConflictError, and the whole
transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from releasegate.errors import ConflictError, StoreError
from releasegate.store.schema import verdicts
from releasegate.timestamps import epoch_us
from releasegate.verdicts import Verdict

__all__ = ["COLUMNS", "IngestResult", "Row", "insert_batches", "verdict_row"]

COLUMNS: Final = (
    "run_id", "target_graph", "prompt_version", "judge_version", "passed", "composite",
    "violations", "hard_violation", "levels_requested", "levels_scored", "latency_us", "cost_usd",
    "cohort", "created_at_us", "created_at_given", "ingested_at_us",
)
Row = tuple[Any, ...]
# Positions of a verdict's content in a Row: everything but run_id, the created_at pair
# (compared apart: an omitted created_at matches any stored one) and ingested_at_us.
_CONTENT: Final = tuple(range(1, 13))
_CREATED: Final = COLUMNS.index("created_at_us")
_GIVEN: Final = COLUMNS.index("created_at_given")
_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class IngestResult:
    received: int
    stored: int

    @property
    def duplicates(self) -> int:
        return self.received - self.stored


def verdict_row(verdict: Verdict, now_us: int) -> Row:
    """A Verdict as a row of the verdicts table, in COLUMNS order."""
    codes = verdict.violations
    created = verdict.created_at
    return (
        verdict.run_id, verdict.target_graph, verdict.prompt_version, verdict.judge_version,
        verdict.passed, verdict.composite, f",{','.join(codes)}," if codes else "",
        verdict.hard_violation, verdict.requested_mask, verdict.scored_mask, verdict.latency_us,
        verdict.cost_usd, verdict.cohort,
        epoch_us(created) if created is not None else now_us, created is not None, now_us,
    )


def _differs(new: Row, stored: Row) -> bool:
    if any(new[i] != stored[i] for i in _CONTENT):
        return True
    if new[_GIVEN]:
        return not stored[_GIVEN] or stored[_CREATED] != new[_CREATED]
    return False


def _conflicts(conn: Connection, rows: Sequence[Row]) -> list[str]:
    """run_ids in `rows` whose stored content differs (includes duplicates within `rows`)."""
    wanted: dict[str, list[Row]] = {}
    for row in rows:
        wanted.setdefault(row[0], []).append(row)
    columns = [verdicts.c[name] for name in COLUMNS]
    conflicts: list[str] = []
    ids = list(wanted)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for stored in conn.execute(select(*columns).where(verdicts.c.run_id.in_(chunk))):
            normal = tuple(stored)
            if any(_differs(new, normal) for new in wanted[normal[0]]):
                conflicts.append(normal[0])
    return sorted(conflicts)


class _Inserter:
    """INSERT ... ON CONFLICT (run_id) DO NOTHING, built once per transaction.

    On SQLite the SQL goes straight to the driver's executemany with plain tuples: that call is
    the bulk of an ingest. PostgreSQL takes the same statement through SQLAlchemy Core with
    RETURNING, because psycopg reports no rowcount for executemany.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        dialect = sqlite if self.sqlite else postgresql
        statement = dialect.insert(verdicts).on_conflict_do_nothing(index_elements=["run_id"])
        self.returning = statement.returning(verdicts.c.run_id)
        marks = ", ".join("?" * len(COLUMNS))
        self.sql = (f"INSERT INTO verdicts ({', '.join(COLUMNS)}) VALUES ({marks}) "
                    "ON CONFLICT (run_id) DO NOTHING")

    def __call__(self, rows: Sequence[Row]) -> int:
        """Insert, skipping stored run_ids; returns how many rows were new."""
        if self.sqlite:
            return int(self.conn.exec_driver_sql(self.sql, list(rows)).rowcount)
        params = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        return len(self.conn.execute(self.returning, params).all())


def insert_batches(engine: Engine, batches: Iterable[Sequence[Row]]) -> IngestResult:
    """Insert every batch in one transaction; any conflict rolls all of them back."""
    received = stored = 0
    try:
        with engine.connect().execution_options(releasegate_write=True) as conn, conn.begin():
            insert = _Inserter(conn)
            for rows in batches:
                if not rows:
                    continue
                inserted = insert(rows)
                received += len(rows)
                stored += inserted
                if inserted < len(rows):
                    conflicts = _conflicts(conn, rows)
                    if conflicts:
                        raise ConflictError(conflicts)
    except DBAPIError as exc:
        raise StoreError(f"could not store verdicts: {str(exc.orig).splitlines()[0]}") from None
    return IngestResult(received, stored)
