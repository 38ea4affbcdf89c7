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


def _raise_conflicts(conn: Connection, run_ids: list[str], now_us: int) -> None:
    """ConflictError naming the run_ids, told apart: sent twice in this input, or stored before.

    Every row of one ingest carries the same ingested_at_us, so a stored row with this ingest's
    time came from the same input.
    """
    if not run_ids:
        return
    within = {r for (r,) in conn.execute(
        select(verdicts.c.run_id).where(verdicts.c.run_id.in_(run_ids[:_CHUNK]),
                                        verdicts.c.ingested_at_us == now_us))}
    raise ConflictError(run_ids, within_input=sorted(within))


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


def _sqlite_insert(conn: Connection, batches: Iterable[Sequence[Row]]) -> IngestResult:
    """SQLite: the writer holds the database lock (BEGIN IMMEDIATE), so rows go straight in.

    The SQL goes to the driver's executemany with plain tuples: that call is the bulk of an
    ingest. When a batch stores fewer rows than it holds, the rest are checked for conflicts.
    """
    marks = ", ".join("?" * len(COLUMNS))
    sql = (f"INSERT INTO verdicts ({', '.join(COLUMNS)}) VALUES ({marks}) "
           "ON CONFLICT (run_id) DO NOTHING")
    received = stored = 0
    for rows in batches:
        if not rows:
            continue
        inserted = int(conn.exec_driver_sql(sql, list(rows)).rowcount)
        received += len(rows)
        stored += inserted
        if inserted < len(rows):
            _raise_conflicts(conn, _conflicts(conn, rows), rows[0][-1])
    return IngestResult(received, stored)


_STAGE: Final = "rg_ingest_stage"
# A staged row differs from the stored one: any content column, or a created_at it states.
_DIFFERS: Final = " OR ".join(
    [f"s.{c} IS DISTINCT FROM v.{c}" for c in COLUMNS[1:13]]
    + ["(s.created_at_given AND (NOT v.created_at_given OR s.created_at_us <> v.created_at_us))"]
)


def _postgres_insert(conn: Connection, batches: Iterable[Sequence[Row]]) -> IngestResult:
    """PostgreSQL: many writers at once. Rows are COPYed into a temporary table, then moved with
    one INSERT ... SELECT ordered by run_id: concurrent ingests lock shared run_ids in the same
    order, so overlapping batches wait for each other instead of deadlocking. Conflicts, within
    the input or with stored rows, are found by one join afterwards.
    """
    names = ", ".join(COLUMNS)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {_STAGE} "
                         "(LIKE verdicts INCLUDING DEFAULTS) ON COMMIT DROP")
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    received, now_us = 0, 0
    for rows in batches:
        now_us = rows[0][-1] if rows else now_us
        with cursor.copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        received += len(rows)
    stored = conn.exec_driver_sql(
        f"INSERT INTO verdicts ({names}) SELECT DISTINCT ON (run_id) {names} FROM {_STAGE} "
        "ORDER BY run_id ON CONFLICT (run_id) DO NOTHING").rowcount
    conflicts = [r for (r,) in conn.exec_driver_sql(
        f"SELECT DISTINCT s.run_id FROM {_STAGE} s JOIN verdicts v ON v.run_id = s.run_id "
        f"WHERE {_DIFFERS} ORDER BY s.run_id LIMIT 1000")]
    _raise_conflicts(conn, conflicts, now_us)
    return IngestResult(received, int(stored))


def insert_batches(engine: Engine, batches: Iterable[Sequence[Row]]) -> IngestResult:
    """Insert every batch in one transaction; any conflict rolls all of them back."""
    try:
        with engine.connect().execution_options(releasegate_write=True) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                return _postgres_insert(conn, batches)
            return _sqlite_insert(conn, batches)
    except DBAPIError as exc:
        raise StoreError(f"could not store verdicts: {str(exc.orig).splitlines()[0]}") from None
