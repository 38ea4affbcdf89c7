"""Many writers at once, for real: processes in parallel on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from releasegate.policy import DEFAULT_HARD_CODES
from releasegate.store import Store
from releasegate.store.schema import verdicts
from releasegate.window import ALL_TIME
from tests.conftest import verdict, write_jsonl


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("AGENT_EVAL_", "RELEASEGATE_", "CAMPAIGN_"))}


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "releasegate", *args], env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    return [(p.wait(timeout=300), *p.communicate()) for p in procs]


def stored(store: Store) -> int:
    with store.snapshot() as conn:
        return int(conn.execute(select(func.count()).select_from(verdicts)).scalar_one())


def test_overlapping_ingests_store_each_run_exactly_once(store: Store, db_url: str,
                                                         tmp_path: Path) -> None:
    files = []
    for k in range(4):  # file k holds runs [k*1000, k*1000 + 3000): each overlaps the next
        rows = [verdict(f"r{i:06d}", i % 7 != 0, latency_ms=i) for i in range(k * 1000,
                                                                             k * 1000 + 3000)]
        rows.reverse() if k % 2 else None  # opposite orders: the classic deadlock shape
        files.append(write_jsonl(tmp_path / f"part{k}.jsonl", rows))
    results = finish([spawn("ingest", str(f), "--db", db_url, "--json") for f in files])
    assert all(code == 0 for code, _, _ in results), [e for _, _, e in results]
    reports = [json.loads(out) for _, out, _ in results]
    assert sum(r["stored"] for r in reports) == 6000  # each run counted as new exactly once
    assert sum(r["received"] for r in reports) == 12000
    assert stored(store) == 6000


def test_racing_conflict_lets_exactly_one_file_win_whole(store: Store, db_url: str,
                                                         tmp_path: Path) -> None:
    shared = range(100)
    a = [verdict(f"s{i}", True) for i in shared] + [verdict(f"a{i}") for i in range(1900)]
    b = [verdict(f"s{i}", False) for i in shared] + [verdict(f"b{i}") for i in range(1900)]
    results = finish([spawn("ingest", str(write_jsonl(tmp_path / "a.jsonl", a)), "--db", db_url),
                      spawn("ingest", str(write_jsonl(tmp_path / "b.jsonl", b)), "--db", db_url)])
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    loser_err = next(err for code, _, err in results if code == 2)
    assert "already stored with different content" in loser_err and "'s0'" in loser_err
    assert stored(store) == 2000
    window = store.window("g", "v2", "j1", ALL_TIME, DEFAULT_HARD_CODES)
    assert window.passes in (2000, 1900)  # all of a (every row passes) or all of b


def test_a_decision_during_ingest_sees_all_of_it_or_none(store: Store, db_url: str,
                                                         tmp_path: Path) -> None:
    total = 30_000
    path = write_jsonl(tmp_path / "big.jsonl", [verdict(f"r{i:06d}") for i in range(total)])
    proc = spawn("ingest", str(path), "--db", db_url)
    seen = set()
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        seen.add(store.window("g", "v2", "j1", ALL_TIME, DEFAULT_HARD_CODES).n)
        time.sleep(0.02)
    assert proc.wait(timeout=120) == 0, proc.communicate()
    seen.add(store.window("g", "v2", "j1", ALL_TIME, DEFAULT_HARD_CODES).n)
    assert seen <= {0, total} and total in seen


def test_racing_rollout_changes_leave_a_consistent_history(store: Store, db_url: str,
                                                           tmp_path: Path) -> None:
    config = tmp_path / "releasegate.toml"
    config.write_text('[graphs.g]\nactive_version = "v1"\ncandidate_version = "v2"\n',
                      encoding="utf-8")
    procs = []
    for writer in range(2):
        script = " && ".join(
            f"{sys.executable} -m releasegate rollout set --graph g --percent {writer * 10 + i} "
            f"--reason race{writer}-{i} --by w{writer} --db '{db_url}' --config {config} "
            ">/dev/null" for i in range(1, 7))
        procs.append(subprocess.Popen(["bash", "-c", script], env=env(), text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    assert all(code == 0 for code, _, _ in results), results
    history = store.rollout_history("g")
    assert len(history) == 12
    for before, after in itertools.pairwise(history):
        assert after.percent_before_bp == before.percent_bp  # nobody overwrote unseen
    state = store.rollout_state("g")
    assert state is not None and state.percent_bp == history[-1].percent_bp


def test_processes_creating_the_same_new_sqlite_file_all_succeed(tmp_path: Path) -> None:
    db = str(tmp_path / "new.db")  # nobody has created it: every process races to migrate
    files = [write_jsonl(tmp_path / f"p{k}.jsonl", [verdict(f"p{k}-{i}") for i in range(200)])
             for k in range(4)]
    results = finish([spawn("ingest", str(f), "--db", db) for f in files])
    assert all(code == 0 for code, _, _ in results), [e for _, _, e in results]
    with Store.open(db) as store:
        assert stored(store) == 800
