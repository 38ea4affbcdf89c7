"""Writing verdicts on SQLite and PostgreSQL: idempotent, conflicts named, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from releasegate.errors import ConflictError, VerdictError
from releasegate.ingestion import ingest_sources
from releasegate.sources import open_source
from releasegate.store import Store
from releasegate.store.schema import verdicts
from tests.conftest import verdict, write_jsonl


def count(store: Store) -> int:
    with store.snapshot() as conn:
        return int(conn.execute(select(func.count()).select_from(verdicts)).scalar_one())


def ingest(store: Store, path: Path, **kwargs: bool):
    return ingest_sources(store, [open_source(str(path))], now_us=1_000_000, **kwargs)


def test_same_run_twice_is_stored_once(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [verdict(f"r{i}") for i in range(10)])
    first, second = ingest(store, path), ingest(store, path)
    assert (first.stored, first.duplicates) == (10, 0)
    assert (second.stored, second.duplicates) == (0, 10)
    assert count(store) == 10


def test_duplicate_inside_one_file_is_stored_once(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [verdict("r1"), verdict("r1"), verdict("r2")])
    report = ingest(store, path)
    assert (report.received, report.stored, report.duplicates) == (3, 2, 1)


def test_same_run_id_with_other_content_is_named_and_nothing_is_stored(
        store: Store, tmp_path: Path) -> None:
    ingest(store, write_jsonl(tmp_path / "a.jsonl", [verdict("r1", True)]))
    changed = write_jsonl(tmp_path / "b.jsonl", [verdict("r9"), verdict("r1", False)])
    with pytest.raises(ConflictError, match="'r1'") as caught:
        ingest(store, changed)
    assert caught.value.run_ids == ("r1",)
    assert count(store) == 1  # r9 was rolled back with the rest


def test_conflict_inside_one_file_is_refused(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [verdict("r1", True), verdict("r1", False)])
    with pytest.raises(ConflictError):
        ingest(store, path)
    assert count(store) == 0


def test_resending_without_created_at_is_a_duplicate_not_a_conflict(
        store: Store, tmp_path: Path) -> None:
    row = verdict("r1", created_at="2026-11-03T02:01:00Z")
    ingest(store, write_jsonl(tmp_path / "a.jsonl", [row]))
    bare = {k: v for k, v in row.items() if k != "created_at"}
    assert ingest(store, write_jsonl(tmp_path / "b.jsonl", [bare])).duplicates == 1
    moved = {**row, "created_at": "2026-11-04T02:01:00Z"}
    with pytest.raises(ConflictError):
        ingest(store, write_jsonl(tmp_path / "c.jsonl", [moved]))


def test_equal_content_written_differently_is_a_duplicate(store: Store, tmp_path: Path) -> None:
    ingest(store, write_jsonl(tmp_path / "a.jsonl", [
        verdict("r1", violations=["b", "a"], created_at="2026-11-03T02:01:00Z")]))
    again = verdict("r1", violations=["a", "b", "a"], created_at="2026-11-03T03:01:00+01:00")
    assert ingest(store, write_jsonl(tmp_path / "b.jsonl", [again])).duplicates == 1


def test_a_bad_row_refuses_the_whole_file(store: Store, tmp_path: Path) -> None:
    rows = [verdict(f"r{i}") for i in range(12_000)]  # more than one batch is written first
    rows[11_500]["latency_ms"] = -5
    path = write_jsonl(tmp_path / "a.jsonl", rows)
    with pytest.raises(VerdictError) as caught:
        ingest(store, path)
    assert [(p.line, p.field) for p in caught.value.problems] == [(11_501, "latency_ms")]
    assert count(store) == 0


def test_skip_invalid_stores_the_good_rows_and_reports_each_bad_line(
        store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"run_id": "r1", "target_graph": "g", "prompt_version": "v", "passed": true}\n'
        '{"run_id": "r2", "target_graph": "g", "prompt_version": "v", "passed": NaN}\n'
        'not json\n'
        '\n'
        '{"run_id": "r3", "target_graph": "g", "prompt_version": "v", "passed": null}\n',
        encoding="utf-8")
    report = ingest(store, path, skip_invalid=True)
    assert (report.stored, report.skipped_rows) == (2, 2)
    assert [(p.line, p.field) for p in report.skipped] == [(2, "passed"), (3, "(row)")]
    assert count(store) == 2


def test_every_problem_in_every_file_is_reported(store: Store, tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", [verdict("a1", "x"), verdict("a2")])
    b = write_jsonl(tmp_path / "b.jsonl", [verdict("b1"), {**verdict("b2"), "body": "hi"}])
    with pytest.raises(VerdictError) as caught:
        ingest_sources(store, [open_source(str(a)), open_source(str(b))], now_us=0)
    assert [(p.source, p.line, p.field) for p in caught.value.problems] == [
        (str(a), 1, "passed"), (str(b), 2, "body")]
    assert count(store) == 0


def test_ingest_time_is_the_default_created_at(store: Store, tmp_path: Path) -> None:
    ingest(store, write_jsonl(tmp_path / "a.jsonl", [verdict("r1")]))
    with store.snapshot() as conn:
        row = conn.execute(select(verdicts)).one()
    assert row.created_at_us == 1_000_000 and row.created_at_given is False
