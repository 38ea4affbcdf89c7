"""Moving a store: the DDL for other tools, and a lossless export/import between databases."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from releasegate.cli import main
from releasegate.errors import InputError
from releasegate.gate import Gate
from releasegate.ingestion import ingest_sources
from releasegate.sources import open_source
from releasegate.store import Store
from releasegate.store.transfer import export_store, import_store, schema_ddl
from tests.conftest import verdict, write_jsonl


def populated(store: Store, tmp_path: Path) -> None:
    rows = [verdict(f"r{i}", [True, False, None][i % 3], latency_ms=i * 1.1 + 0.1,
                    composite=(i % 97) / 97, cost_usd=0.1 + i / 3, violations=["weak_cta"] if i % 5
                    else [], created_at=f"2026-11-03T00:00:{i % 60:02d}.{i:06d}Z")
            for i in range(250)]
    ingest_sources(store, [open_source(str(write_jsonl(tmp_path / "v.jsonl", rows)))], now_us=7)
    gate = Gate(store)
    gate.decide("g", "v2")
    gate.decide("g", "v2")


def test_export_import_export_is_byte_identical_across_databases(
        store: Store, tmp_path: Path) -> None:
    populated(store, tmp_path)
    first = io.StringIO()
    report = export_store(store.engine, first)
    assert report.rows["verdicts"] == 250 and report.rows["decisions"] == 2
    with Store.open(str(tmp_path / "copy.db")) as copy:  # whichever the source, into SQLite
        import_store(copy.engine, io.StringIO(first.getvalue()))
        second = io.StringIO()
        export_store(copy.engine, second)
        Gate(copy).decide("g", "v2")  # ids continue after the imported ones
        assert [r.id for r in copy.history("g")] == [1, 2, 3]
    assert second.getvalue() == first.getvalue()


def test_import_continues_ids_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "src.db")) as source:
        populated(source, tmp_path)
        dump = io.StringIO()
        export_store(source.engine, dump)
    with Store.open(pg_url) as target:
        import_store(target.engine, io.StringIO(dump.getvalue()))
        Gate(target).decide("g", "v2")
        assert [r.id for r in target.history("g")] == [1, 2, 3]


def test_import_refuses_a_store_that_is_not_empty(store: Store, tmp_path: Path) -> None:
    populated(store, tmp_path)
    dump = io.StringIO()
    export_store(store.engine, dump)
    with pytest.raises(InputError, match="not empty"):
        import_store(store.engine, io.StringIO(dump.getvalue()))


@pytest.mark.parametrize("text, message", [
    ("", "not a releasegate export"),
    ('{"format": "other"}\n', "not a releasegate export"),
    ('{"format": "releasegate-export", "schema": "0001"}\n', "schema 0001"),
])
def test_import_refuses_what_is_not_an_export(store: Store, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        import_store(store.engine, io.StringIO(text))


def test_a_bad_line_in_the_middle_stores_nothing(store: Store, tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "src.db")) as source:
        populated(source, tmp_path)
        dump = io.StringIO()
        export_store(source.engine, dump)
    lines = dump.getvalue().splitlines(keepends=True)
    lines.insert(100, '{"table": "verdicts", "row": {"run_id": "x", "nope": 1}}\n')
    with pytest.raises(InputError, match="line 101: verdicts has no column 'nope'"):
        import_store(store.engine, io.StringIO("".join(lines)))
    assert Gate(store).overview() == []


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_schema_ddl_names_every_table_and_the_revision(dialect: str) -> None:
    ddl = schema_ddl(dialect)
    for table in ("verdicts", "decisions", "rollouts", "alembic_version"):
        assert f"CREATE TABLE {table}" in ddl
    assert ddl.count("CREATE INDEX ix_verdicts_window") == 1


def test_sqlite_ddl_creates_a_store_releasegate_opens_as_current(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    path = tmp_path / "d1.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(schema_ddl("sqlite"))
    assert main(["db", "check", "--db", str(path)]) == 0
    rows = write_jsonl(tmp_path / "v.jsonl", [verdict(f"r{i}") for i in range(5)])
    assert main(["ingest", str(rows), "--db", str(path)]) == 0
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", str(path)]) == 0
    capsys.readouterr()
    assert main(["schema", "--dialect", "oracle"]) == 2


def test_cli_export_and_import_through_files(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    source = str(tmp_path / "a.db")
    with Store.open(source) as store:
        populated(store, tmp_path)
    dump = tmp_path / "dump.jsonl"
    assert main(["db", "export", "-o", str(dump), "--db", source]) == 0
    assert main(["db", "import", str(dump), "--db", str(tmp_path / "b.db")]) == 0
    assert "imported 252 rows" in capsys.readouterr().out
    assert json.loads(dump.read_text().splitlines()[0])["format"] == "releasegate-export"
    assert main(["db", "import", str(tmp_path / "missing.jsonl"), "--db", source]) == 2
