"""store/series.py: per-day counts of one version's window, the dashboard's "over time"."""

from __future__ import annotations

from pathlib import Path

from releasegate.ingestion import ingest_sources
from releasegate.sources import open_source
from releasegate.store import Store
from releasegate.store.series import DAY_US
from tests.service.conftest import START_US, jsonl, row


def _store(tmp_path: Path, rows: list[dict[str, object]]) -> Store:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(jsonl(rows))
    store = Store.open(str(tmp_path / "series.db"))
    ingest_sources(store, [open_source(str(path))], now_us=START_US)
    return store


def test_days_count_like_windows(tmp_path: Path) -> None:
    rows = [row("a", True, day=0, latency_ms=100), row("b", False, day=0, latency_ms=300),
            row("c", None, day=0, latency_ms=None), row("d", True, day=2, latency_ms=50,
                                       violations=["loop_detected"]),
            row("e", True, day=1, judge_version="j0"),  # another judge: not in this series
            row("f", True, day=0, version="v9")]
    with _store(tmp_path, rows) as store:
        judge, points = store.series("composer", "v2", None, frozenset({"loop_detected"}))
    assert judge == "j1"
    assert [p.start_us % DAY_US for p in points] == [0, 0]
    assert points[1].start_us - points[0].start_us == 2 * DAY_US
    first, third = points
    assert (first.n, first.passes, first.unscored, first.hard_violations,
            first.fully_covered) == (3, 1, 1, 0, 2)
    assert first.p95_latency_us == 300_000  # nearest rank ⌈0.95·2⌉ = 2nd of two
    assert (third.n, third.hard_violations, third.p95_latency_us) == (1, 1, 50_000)


def test_an_empty_version_has_no_points(tmp_path: Path) -> None:
    with _store(tmp_path, [row("a")]) as store:
        judge, points = store.series("composer", "nope", None, frozenset())
    assert (judge, points) == ("default", [])
