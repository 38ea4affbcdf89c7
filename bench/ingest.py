"""Ingest throughput: `releasegate ingest` (the real CLI, in a subprocess) against a bare stdlib
pipeline on the same 200,000-row JSONL file (json.loads + sqlite3.executemany into the same table,
same indexes, one transaction). Best of three runs each.

    python bench/ingest.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from datasets import OUT, jsonl_file
from releasegate.store import Store

COLUMNS = ("run_id", "target_graph", "prompt_version", "judge_version", "passed", "composite",
           "violations", "hard_violation", "levels_requested", "levels_scored", "latency_us",
           "cost_usd", "cohort", "created_at_us", "created_at_given", "ingested_at_us")


def fresh_db(name: str) -> Path:
    path = OUT / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Store.open(str(path)).close()  # the same schema and indexes as the product
    return path


def bare_stdlib(source: Path) -> float:
    db = fresh_db("bench-bare.db")
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    rows = []
    with source.open("rb") as handle:
        for line in handle:
            r = json.loads(line)
            rows.append((r["run_id"], r["target_graph"], r["prompt_version"], r["judge_version"],
                         r["passed"], r.get("composite"), "", False, 7, 7, r.get("latency_ms"),
                         r.get("cost_usd"), r.get("cohort"), 0, True, 0))
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO verdicts ({', '.join(COLUMNS)}) VALUES "
                     f"({', '.join('?' * len(COLUMNS))})", rows)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def releasegate_cli(source: Path) -> float:
    db = fresh_db("bench-rg.db")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "releasegate", "ingest", str(source), "--db", str(db)],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = jsonl_file(args.rows)
    bare = min(bare_stdlib(source) for _ in range(args.repeat))
    ours = min(releasegate_cli(source) for _ in range(args.repeat))
    print(f"ingest {args.rows:,} verdicts (best of {args.repeat})")
    print(f"  bare json.loads + sqlite3.executemany : {args.rows / bare:>10,.0f} rows/s "
          f"({bare:.2f} s)")
    print(f"  releasegate ingest (CLI, subprocess)  : {args.rows / ours:>10,.0f} rows/s "
          f"({ours:.2f} s)")
    print(f"  ratio releasegate / bare              : {bare / ours:.2f}  (aim ≥ 0.50)")


if __name__ == "__main__":
    main()
