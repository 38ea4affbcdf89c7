"""Scale: the window queries are index range scans, so one decision does not grow with the table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from releasegate.gate import Gate
from releasegate.ingestion import ingest_sources
from releasegate.sources import open_source
from releasegate.store import Store
from tests.conftest import verdict, write_jsonl


def captured_statements(store: Store, call: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any,
                 _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM verdicts" in statement:
            seen.append((statement, params))  # the verdict reads; rollout lookups are by key

    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)
    return seen


def fill(store: Store, tmp_path: Path, versions: int = 40, per_version: int = 500) -> None:
    rows = [verdict(f"r{v}-{i}", i % 9 != 0, prompt_version=f"v{v}", latency_ms=i,
                    created_at=f"2026-11-{1 + i % 28:02d}T00:00:00Z")
            for v in range(versions) for i in range(per_version)]
    ingest_sources(store, [open_source(str(write_jsonl(tmp_path / "f.jsonl", rows)))], now_us=0)


def test_decision_queries_are_index_range_scans(store: Store, tmp_path: Path) -> None:
    fill(store, tmp_path)
    gate = Gate(store, controls={"g": "v1"})
    statements = captured_statements(store, lambda: gate.evaluate("g", "v7"))
    assert statements
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE verdicts")
            conn.exec_driver_sql("SET enable_seqscan = off")  # small table: ask what it *can* do
        for statement, params in statements:
            if conn.dialect.name == "sqlite":
                plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, params))
                assert "SCAN verdicts" not in plan, (statement, plan)
                assert "USING COVERING INDEX ix_verdicts_" in plan, (statement, plan)
            else:
                plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement,
                                                                   params))
                assert "Seq Scan" not in plan, (statement, plan)
                assert "ix_verdicts_" in plan, (statement, plan)


def test_the_overview_reads_each_window_through_the_indexes(store: Store, tmp_path: Path
                                                            ) -> None:
    fill(store, tmp_path, versions=12, per_version=50)
    gate = Gate(store)
    statements = captured_statements(store, lambda: gate.overview())
    assert len(statements) <= 2 + 2 * 12  # counts, codes; then a p95 and a latest judge each
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE verdicts")
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in statements:
            explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(explain + statement, params))
            assert "ix_verdicts_" in plan and "Seq Scan" not in plan, (statement, plan)
