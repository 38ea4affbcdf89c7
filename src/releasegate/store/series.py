"""A window over time: per-bucket (per-day by default) integer counts for one version.

The same counts as a window (SQL aggregation, nearest-rank p95 per bucket), grouped by
`created_at_us // bucket_us`, so a chart can draw each day against the policy's lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.engine import Connection

from releasegate.store.schema import verdicts
from releasegate.store.windows import _count, _covered, _hard, latest_judge
from releasegate.window import WindowSpec

__all__ = ["DAY_US", "SeriesPoint", "version_series"]

DAY_US: Final = 86_400_000_000
v = verdicts.c


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesPoint:
    """Counts of one bucket: verdicts created in [start_us, start_us + bucket_us)."""

    start_us: int
    n: int
    passes: int
    unscored: int
    hard_violations: int
    fully_covered: int
    p95_latency_us: int | None


def version_series(conn: Connection, graph: str, version: str, judge: str | None,
                   hard_codes: Iterable[str], bucket_us: int = DAY_US
                   ) -> tuple[str, list[SeriesPoint]]:
    """The judge used (the latest one when `judge` is None) and the buckets, oldest first."""
    if bucket_us <= 0:
        raise ValueError(f"bucket_us must be positive, got {bucket_us}")
    judge = judge or latest_judge(conn, graph, version, WindowSpec()) or "default"
    where = (v.target_graph == graph, v.prompt_version == version, v.judge_version == judge)
    slot = (v.created_at_us // literal(bucket_us)).label("slot")
    rows = conn.execute(
        select(slot, func.count(), _count(v.passed.is_(True)), _count(v.passed.is_(None)),
               _count(_hard(hard_codes)), _count(_covered()))
        .where(*where).group_by(slot).order_by(slot)
    ).all()
    p95 = _bucket_p95(conn, where, bucket_us)
    return judge, [
        SeriesPoint(start_us=int(s) * bucket_us, n=n, passes=int(passes), unscored=int(unscored),
                    hard_violations=int(hard), fully_covered=int(covered),
                    p95_latency_us=p95.get(int(s)))
        for s, n, passes, unscored, hard, covered in rows
    ]


def _bucket_p95(conn: Connection, where: tuple[ColumnElement[bool], ...], bucket_us: int
                ) -> dict[int, int]:
    slot = v.created_at_us // literal(bucket_us)
    ranked = (
        select(slot.label("slot"), v.latency_us,
               func.row_number().over(partition_by=slot, order_by=v.latency_us).label("rn"),
               func.count().over(partition_by=slot).label("k"))
        .where(*where, v.latency_us.is_not(None))
        .subquery("ranked")
    )
    # Nearest rank ⌈0.95·k⌉ in integer arithmetic, as the window statistics compute it.
    rank = (ranked.c.k * 95 + literal(99)) // 100
    rows = conn.execute(select(ranked.c.slot, ranked.c.latency_us).where(ranked.c.rn == rank))
    return {int(s): int(latency) for s, latency in rows}
