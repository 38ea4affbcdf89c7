"""Decision latency: one `Gate.decide` on a store of 1,000,000 verdicts across 200 versions,
against a bare `SELECT count(*) ... WHERE` on the same index, measured in the same run.

    python bench/decide.py [--rows 1000000] [--versions 200] [--calls 50]

The store is filled once (cached in bench/out/) through the driver, in the product's schema.
Reports p50 and p99 of `--calls` calls for each, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from pathlib import Path

from datasets import OUT
from releasegate.gate import Gate
from releasegate.store import Store
from releasegate.store.ingest import COLUMNS

START_US = 1_780_000_000_000_000


def build(rows: int, versions: int) -> Path:
    path = OUT / f"decide-{rows}-{versions}.db"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    Store.open(str(path)).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    marks = ", ".join("?" * len(COLUMNS))
    sql = f"INSERT INTO verdicts ({', '.join(COLUMNS)}) VALUES ({marks})"
    chunk = []
    for i in range(rows):
        version = i % versions
        passed = (i * 7919) % 100 < 88
        chunk.append((f"run-{i:09d}", f"graph_{version % 10}", f"v{version}", "j1", passed,
                      0.9, "" if passed else ",weak_cta,", False, 7, 7,
                      1_000_000 + (i * 104_729) % 900_000, 0.01, "candidate",
                      START_US + i * 1_000_000, True, START_US))
        if len(chunk) == 50_000:
            conn.executemany(sql, chunk)
            chunk.clear()
    conn.executemany(sql, chunk)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return path


AGGREGATE = (
    "SELECT count(*), sum(passed IS 1), sum(passed IS NULL), sum(hard_violation OR "
    "(violations != '' AND (violations LIKE '%,template\\_debris,%' ESCAPE '\\' OR violations "
    "LIKE '%,spam\\_marker,%' ESCAPE '\\'))), sum(passed IS NOT NULL AND (levels_requested & "
    "levels_scored) = levels_requested), count(latency_us) FROM verdicts WHERE target_graph = ? "
    "AND prompt_version = ? AND judge_version = ?"
)
P95 = ("SELECT latency_us FROM verdicts WHERE target_graph = ? AND prompt_version = ? AND "
       "judge_version = ? AND latency_us IS NOT NULL ORDER BY latency_us LIMIT 1 OFFSET ?")


def bare_exact_statistics(raw: sqlite3.Connection) -> None:
    """The minimum an exact decision needs: SPEC §3's counts and the nearest-rank p95, for the
    candidate and its baseline, hand-written against the same covering index."""
    for version in ("v17", "v7"):
        key = ("graph_7", version, "j1")
        counts = raw.execute(AGGREGATE, key).fetchone()
        k = counts[5]
        raw.execute(P95, (*key, max(0, -(-95 * k // 100) - 1))).fetchone()


def timed(call, calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def describe(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return f"  {label:<44}: p50 {statistics.median(samples) * 1e3:8.2f} ms   " \
           f"p99 {p99 * 1e3:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    path = build(args.rows, args.versions)
    raw = sqlite3.connect(path)
    bare_sql = ("SELECT count(*) FROM verdicts WHERE target_graph = ? AND prompt_version = ? "
                "AND judge_version = ?")
    bare = timed(lambda: raw.execute(bare_sql, ("graph_7", "v17", "j1")).fetchone(), args.calls)
    exact = timed(lambda: bare_exact_statistics(raw), args.calls)
    with Store.open(str(path)) as store:
        gate = Gate(store, controls={"graph_7": "v7"})
        decide = timed(lambda: gate.decide("graph_7", "v17"), args.calls)
        evaluate = timed(lambda: gate.evaluate("graph_7", "v17"), args.calls)
        rows = store.window("graph_7", "v17", None, gate_window(), gate.policy.hard_codes).n
    print(f"decide on {args.rows:,} verdicts across {args.versions} versions "
          f"({rows:,} rows in the window), {args.calls} calls each")
    print(describe("bare SELECT count(*) on the window index", bare))
    print(describe("bare exact SPEC §3 stats, 2 windows (sqlite3)", exact))
    print(describe("Gate.evaluate (candidate + baseline windows)", evaluate))
    print(describe("Gate.decide (evaluate + persist)", decide))
    ratio = statistics.median(decide) / statistics.median(bare)
    print(f"  ratio decide / bare count (p50)             : {ratio:.2f}  (aim ≤ 3)")
    floor = statistics.median(exact) / statistics.median(bare)
    print(f"  ratio bare exact stats / bare count (p50)   : {floor:.2f}  (the arithmetic's floor)")
    print(f"  ratio decide / bare exact stats (p50)       : "
          f"{statistics.median(decide) / statistics.median(exact):.2f}")


def gate_window():
    from releasegate.window import ALL_TIME

    return ALL_TIME


if __name__ == "__main__":
    main()
