"""SQLite against PostgreSQL, in the same run: ingest with 1 and 4 concurrent writers, one
decision at 1M (and, with --big, 10M) verdicts, and a full `windows` sweep at 1M.

    python bench/databases.py [--pg URL] [--big 10000000] [--calls 50]

PostgreSQL defaults to postgresql+psycopg://postgres@127.0.0.1:5432/test, in a schema of its own
that is dropped at the end. Stores are filled through the driver (sqlite3 executemany, psycopg
COPY) in the product's schema; what is timed is the product.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex

from datasets import OUT, jsonl_file
from releasegate.gate import Gate
from releasegate.store import Store
from releasegate.store.schema import verdicts

START_US = 1_780_000_000_000_000
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class Target:
    def __init__(self, name: str, url: str, cleanup=None) -> None:
        self.name, self.url, self.cleanup = name, url, cleanup


def sqlite_target(tag: str) -> Target:
    path = OUT / f"db-{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Target("sqlite", str(path))


def pg_target(base: str) -> Target:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return Target("postgresql", f"{base}?options=-csearch_path%3D{schema}", drop)


# One statement per database generates the rows server-side, so a 10M-row store fills in minutes.
# Every row: versions over 10 graphs (5,000 rows each), 88% passing, latencies 1.0-1.9 s, 1 s apart.
SQLITE_FILL = """
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < :n - 1)
INSERT INTO verdicts (run_id, target_graph, prompt_version, judge_version, passed, composite,
    violations, hard_violation, levels_requested, levels_scored, latency_us, cost_usd, cohort,
    created_at_us, created_at_given, ingested_at_us)
SELECT printf('run-%09d', i), 'graph_' || ((i % :versions) % 10), 'v' || (i % :versions), 'j1',
    (i * 7919) % 100 < 88, 0.9, CASE WHEN (i * 7919) % 100 < 88 THEN '' ELSE ',weak_cta,' END,
    0, 7, 7, 1000000 + (i * 104729) % 900000, 0.01, 'candidate', :start + i * 1000000, 1, :start
FROM seq
"""
PG_FILL = """
INSERT INTO verdicts (run_id, target_graph, prompt_version, judge_version, passed, composite,
    violations, hard_violation, levels_requested, levels_scored, latency_us, cost_usd, cohort,
    created_at_us, created_at_given, ingested_at_us)
SELECT 'run-' || lpad(i::text, 9, '0'), 'graph_' || ((i % :versions) % 10),
    'v' || (i % :versions), 'j1',
    (i::bigint * 7919) % 100 < 88, 0.9,
    CASE WHEN (i::bigint * 7919) % 100 < 88 THEN '' ELSE ',weak_cta,' END,
    false, 7, 7, 1000000 + (i::bigint * 104729) % 900000, 0.01, 'candidate',
    :start + i::bigint * 1000000, true, :start
FROM generate_series(0, :n - 1) AS i
"""


def fill(target: Target, count: int) -> None:
    """Bulk load with the indexes dropped, then rebuild them exactly as the schema defines."""
    with Store.open(target.url) as store, store.engine.begin() as conn:
        indexes = [i for i in verdicts.indexes
                   if i._ddl_if is None or i._ddl_if.dialect in (None, target.name)]
        for index in indexes:
            conn.exec_driver_sql(f"DROP INDEX {index.name}")
        sql = SQLITE_FILL if target.name == "sqlite" else PG_FILL
        # As many versions as keep every window at 5,000 rows: the table grows, a window doesn't.
        conn.execute(text(sql), {"n": count, "start": START_US, "versions": count // 5000})
        for index in indexes:
            conn.execute(CreateIndex(index))
        if target.name == "sqlite":
            conn.exec_driver_sql("ANALYZE")
    if target.name == "postgresql":  # what autovacuum does to a table at rest: index-only scans
        with Store.open(target.url) as store, store.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE verdicts")


def ingest_rate(target: Target, writers: int, total: int) -> float:
    source = jsonl_file(total)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    size = len(lines) // writers
    parts = []
    for w in range(writers):
        part = OUT / f"part-{writers}-{w}.jsonl"
        part.write_text("".join(lines[w * size:(w + 1) * size]), encoding="utf-8")
        parts.append(part)
    Store.open(target.url).close()
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "releasegate", "ingest", str(p), "--db",
                               target.url], stdout=subprocess.DEVNULL) for p in parts]
    assert all(p.wait() == 0 for p in procs)
    return size * writers / (time.perf_counter() - started)


def timed(call, calls: int) -> tuple[float, float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    ordered = sorted(samples)
    return statistics.median(samples), ordered[max(0, round(0.99 * len(ordered)) - 1)]


def decide_and_sweep(target: Target, calls: int, sweep: bool) -> dict[str, tuple[float, float]]:
    with Store.open(target.url) as store:
        gate = Gate(store, controls={"graph_7": "v7"})
        out = {"decide": timed(lambda: gate.decide("graph_7", "v17"), calls)}
        if sweep:
            out["windows"] = timed(lambda: gate.overview(), 3)
    return out


def ms(pair: tuple[float, float]) -> str:
    return f"p50 {pair[0] * 1e3:9.2f} ms  p99 {pair[1] * 1e3:9.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=0, help="also decide at this many rows")
    parser.add_argument("--ingest", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--no-ingest", action="store_true", help="skip the ingest runs")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    results: dict[str, dict[str, object]] = {"sqlite": {}, "postgresql": {}}
    for name, make in (("sqlite", sqlite_target), ("postgresql", lambda t: pg_target(args.pg))):
        for writers in () if args.no_ingest else (1, 4):
            target = make(f"ingest{writers}")
            try:
                results[name][f"ingest x{writers}"] = ingest_rate(target, writers, args.ingest)
            finally:
                target.cleanup() if target.cleanup else None
        for count in [args.rows] + ([args.big] if args.big else []):
            target = make(f"rows{count}")
            try:
                started = time.perf_counter()
                fill(target, count)
                print(f"  ({name}: filled {count:,} rows in {time.perf_counter() - started:.0f} s)",
                      flush=True)
                timings = decide_and_sweep(target, args.calls, sweep=count == args.rows)
                for key, value in timings.items():
                    results[name][f"{key} @{count:,}"] = value
            finally:
                target.cleanup() if target.cleanup else None
    print(f"\ningest: {args.ingest:,} verdicts through the CLI; decide: {args.calls} calls on "
          "a 5,000-row window and its baseline")
    for key in results["sqlite"]:
        lite, pg = results["sqlite"][key], results["postgresql"][key]
        if isinstance(lite, float) and isinstance(pg, float):
            print(f"  {key:<18} sqlite {lite:>10,.0f} rows/s   postgresql {pg:>10,.0f} rows/s"
                  f"   pg/sqlite {pg / lite:5.2f}")
        else:
            assert isinstance(lite, tuple) and isinstance(pg, tuple)
            print(f"  {key:<18} sqlite {ms(lite)}   postgresql {ms(pg)}   "
                  f"pg/sqlite {pg[0] / lite[0]:5.2f}")


if __name__ == "__main__":
    main()
