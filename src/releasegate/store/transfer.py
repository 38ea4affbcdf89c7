"""Moving a store between databases: DDL for other tools, and a streaming, lossless export/import.

The export is JSON Lines: a header line, then one line per row, table by table in dependency
order, every column by name with its stored value (integers stay integers, floats round-trip
through their shortest repr). Rows are streamed in both directions, so a large store never sits in
memory, and an import is one transaction: all of the file or none of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Final

from sqlalchemy import Engine, Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex, CreateTable

from releasegate.errors import InputError, StoreError
from releasegate.store.database import SCHEMA_HEAD
from releasegate.store.schema import metadata

__all__ = ["EXPORT_FORMAT", "TransferReport", "export_store", "import_store", "schema_ddl"]

EXPORT_FORMAT: Final = "releasegate-export"
_BATCH: Final = 2000
_DIALECTS: Final = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.dialect(),  # type: ignore[no-untyped-call]
}


def _tables() -> list[Table]:
    return list(metadata.sorted_tables)


def schema_ddl(dialect_name: str) -> str:
    """CREATE statements for every table and index, plus the revision stamp releasegate reads."""
    dialect = _DIALECTS.get(dialect_name)
    if dialect is None:
        raise InputError(f"--dialect: {dialect_name!r} is not one of {', '.join(_DIALECTS)}")
    statements = [f"-- releasegate schema revision {SCHEMA_HEAD}, {dialect_name} dialect"]
    for table in _tables():
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";")
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if index._ddl_if is not None and index._ddl_if.dialect not in (None, dialect_name):
                continue
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip() + ";")
    statements.append("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                      "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));")
    statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{SCHEMA_HEAD}');")
    return "\n\n".join(statements) + "\n"


@dataclass
class TransferReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def summary(self, verb: str) -> str:
        counts = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        return f"{verb} {self.total:,} rows: {counts}"


def _primary_order(table: Table) -> list[Any]:
    return [column for column in table.primary_key.columns]


def export_store(engine: Engine, out: IO[str]) -> TransferReport:
    """Write every row of every table to `out`, streaming, from one consistent snapshot."""
    report = TransferReport()
    header = {"format": EXPORT_FORMAT, "version": 1, "schema": SCHEMA_HEAD,
              "tables": [t.name for t in _tables()]}
    out.write(json.dumps(header, sort_keys=True) + "\n")
    options: dict[str, Any] = {"stream_results": True, "yield_per": _BATCH}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    try:
        with engine.connect().execution_options(**options) as conn, conn.begin():
            for table in _tables():
                count = 0
                names = [c.name for c in table.columns]
                for row in conn.execute(select(table).order_by(*_primary_order(table))):
                    out.write(json.dumps({"table": table.name, "row": dict(zip(names, row,
                                                                                strict=True))},
                                         ensure_ascii=False, allow_nan=False) + "\n")
                    count += 1
                report.rows[table.name] = count
    except DBAPIError as exc:
        raise StoreError(f"export failed: {str(exc.orig).splitlines()[0]}") from None
    return report


def _lines(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}: invalid JSON ({exc.msg})") from None
        if not isinstance(value, dict):
            raise InputError(f"line {number}: expected a JSON object")
        yield number, value


def _check_header(first: tuple[int, dict[str, Any]] | None) -> None:
    if first is None or first[1].get("format") != EXPORT_FORMAT:
        raise InputError("line 1: not a releasegate export (no header line)")
    schema = first[1].get("schema")
    if schema != SCHEMA_HEAD:
        raise InputError(f"line 1: export is of schema {schema}, this releasegate writes "
                         f"{SCHEMA_HEAD}: import it with the releasegate version that exported it")


def _rows(lines: Iterable[tuple[int, dict[str, Any]]], tables: dict[str, Table]
          ) -> Iterator[tuple[Table, dict[str, Any]]]:
    for number, value in lines:
        table = tables.get(str(value.get("table")))
        row = value.get("row")
        if table is None or not isinstance(row, dict):
            raise InputError(f"line {number}: unknown table {value.get('table')!r} or no row")
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise InputError(f"line {number}: {table.name} has no column {sorted(unknown)[0]!r}")
        yield table, row


def import_store(engine: Engine, stream: IO[str]) -> TransferReport:
    """Load an export into an empty store of the same schema revision, all or nothing."""
    lines = _lines(stream)
    _check_header(next(lines, None))
    tables = {t.name: t for t in _tables()}
    report = TransferReport()
    try:
        with engine.connect().execution_options(releasegate_write=True) as conn, conn.begin():
            for table in tables.values():
                if conn.execute(select(func.count()).select_from(table)).scalar_one():
                    raise InputError(f"the target store is not empty ({table.name} has rows): "
                                     "import into a new database")
            pending: dict[str, list[dict[str, Any]]] = {}
            for table, row in _rows(lines, tables):
                batch = pending.setdefault(table.name, [])
                batch.append(row)
                if len(batch) >= _BATCH:
                    conn.execute(table.insert(), batch)
                    report.rows[table.name] = report.rows.get(table.name, 0) + len(batch)
                    batch.clear()
            for name, batch in pending.items():
                if batch:
                    conn.execute(tables[name].insert(), batch)
                    report.rows[name] = report.rows.get(name, 0) + len(batch)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    except DBAPIError as exc:
        raise StoreError(f"import failed, nothing was stored: "
                         f"{str(exc.orig).splitlines()[0]}") from None
    return report


def _reset_sequences(conn: Any) -> None:
    """Explicit ids were inserted: move each serial sequence past the largest one."""
    for table in _tables():
        if "id" not in table.columns or not table.c.id.autoincrement:
            continue
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
