"""Reading windows: SQL aggregation to integer counts, turned into WindowStats.

Every statistic is a COUNT or SUM in the database; Python only divides them, exactly, later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from releasegate.store.schema import verdicts
from releasegate.window import ALL_TIME, WindowSpec, WindowStats, nearest_rank

__all__ = ["WindowSpec", "all_windows", "latest_judge", "window_stats"]

v = verdicts.c


def _hard(hard_codes: Iterable[str]) -> ColumnElement[bool]:
    found = [v.violations.contains(f",{code},", autoescape=True) for code in sorted(hard_codes)]
    if not found:
        return or_(v.hard_violation, false())
    # Most rows carry no codes: test for that first so the LIKEs run only where codes exist.
    return or_(v.hard_violation, and_(v.violations != "", or_(*found)))


def _covered() -> ColumnElement[bool]:
    return and_(v.passed.is_not(None), v.levels_requested.op("&")(v.levels_scored)
                == v.levels_requested)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _time_bounds(spec: WindowSpec) -> list[ColumnElement[bool]]:
    bounds: list[ColumnElement[bool]] = []
    if spec.since_us is not None:
        bounds.append(v.created_at_us >= spec.since_us)
    if spec.until_us is not None:
        bounds.append(v.created_at_us < spec.until_us)
    return bounds


def latest_judge(conn: Connection, graph: str, version: str, spec: WindowSpec) -> str | None:
    """The judge version of the pair's most recent verdict (by created_at, then run_id)."""
    query = (
        select(v.judge_version)
        .where(v.target_graph == graph, v.prompt_version == version, *_time_bounds(spec))
        .order_by(v.created_at_us.desc(), v.run_id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar()


def _window(graph: str, version: str, judge: str, spec: WindowSpec,
            hard_codes: Iterable[str]) -> Subquery:
    query: Select[Any] = select(
        v.run_id, v.passed, v.latency_us, v.violations, v.created_at_us,
        _hard(hard_codes).label("hard"), _covered().label("covered"),
    ).where(
        v.target_graph == graph, v.prompt_version == version, v.judge_version == judge,
        *_time_bounds(spec),
    )
    if spec.last is not None:
        query = query.order_by(v.created_at_us.desc(), v.run_id.desc()).limit(spec.last)
    return query.subquery("w")


def _hard_code_counts(rows: Iterable[str], hard_codes: frozenset[str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for framed in rows:
        counts.update(code for code in framed.strip(",").split(",") if code in hard_codes)
    return dict(counts)


def window_stats(conn: Connection, graph: str, version: str, judge: str | None,
                 spec: WindowSpec, hard_codes: frozenset[str]) -> WindowStats:
    """Statistics of one window; `judge=None` picks the judge of the most recent verdict."""
    judge = judge or latest_judge(conn, graph, version, spec) or "default"
    w = _window(graph, version, judge, spec, hard_codes)
    totals = conn.execute(select(
        func.count(), _count(w.c.passed.is_(True)), _count(w.c.passed.is_(None)),
        _count(w.c.hard), _count(w.c.covered), func.count(w.c.latency_us),
        func.min(w.c.created_at_us), func.max(w.c.created_at_us),
    )).one()
    n, passes, unscored, hard, covered, k, first, last = (totals[i] for i in range(8))
    p95 = None
    if k:
        p95 = conn.execute(
            select(w.c.latency_us).where(w.c.latency_us.is_not(None))
            .order_by(w.c.latency_us).limit(1).offset(nearest_rank(k) - 1)
        ).scalar()
    codes: Iterable[str] = []
    if hard:
        codes = conn.execute(select(w.c.violations).where(w.c.hard, w.c.violations != "")
                             ).scalars()
    other = conn.execute(
        select(func.count()).select_from(verdicts).where(
            v.target_graph == graph, v.prompt_version == version, v.judge_version != judge,
            *_time_bounds(spec),
        )
    ).scalar_one()
    return WindowStats(
        target_graph=graph, prompt_version=version, judge_version=judge,
        n=n, passes=int(passes), unscored=int(unscored), hard_violations=int(hard),
        fully_covered=int(covered), latency_count=k, p95_latency_us=p95,
        other_judge_rows=other, first_at_us=first, last_at_us=last,
        hard_codes=_hard_code_counts(codes, hard_codes),
    )


def all_windows(conn: Connection, graph: str | None, hard_codes: frozenset[str]
                ) -> tuple[list[WindowStats], dict[tuple[str, str], str]]:
    """Every (graph, version, judge) window over all time, and each pair's latest judge.

    One grouped pass over the covering index gives every window's counts. The p95 and the latest
    judge are then read window by window through the indexes, each reading only its own rows:
    no whole-table sort, however large the table.
    """
    where = [v.target_graph == graph] if graph is not None else []
    key = (v.target_graph, v.prompt_version, v.judge_version)
    groups = conn.execute(
        select(*key, func.count(), _count(v.passed.is_(True)), _count(v.passed.is_(None)),
               _count(_hard(hard_codes)), _count(_covered()), func.count(v.latency_us),
               func.min(v.created_at_us), func.max(v.created_at_us))
        .where(*where).group_by(*key).order_by(*key)
    ).all()
    codes: dict[tuple[str, str, str], list[str]] = {}
    if any(row[6] for row in groups):
        for g, ver, j, framed in conn.execute(
            select(*key, v.violations).where(*where, _hard(hard_codes), v.violations != "")
        ):
            codes.setdefault((g, ver, j), []).append(framed)
    per_pair: Counter[tuple[str, str]] = Counter()
    for g, ver, _j, n, *_rest in groups:
        per_pair[(g, ver)] += n
    stats = [
        WindowStats(
            target_graph=g, prompt_version=ver, judge_version=j, n=n, passes=int(passes),
            unscored=int(unscored), hard_violations=int(hard), fully_covered=int(covered),
            latency_count=k, p95_latency_us=_p95(conn, (g, ver, j), k),
            other_judge_rows=per_pair[(g, ver)] - n, first_at_us=first, last_at_us=last,
            hard_codes=_hard_code_counts(codes.get((g, ver, j), []), hard_codes),
        )
        for g, ver, j, n, passes, unscored, hard, covered, k, first, last in groups
    ]
    latest = {pair: latest_judge(conn, *pair, ALL_TIME) or "default" for pair in per_pair}
    return stats, latest


def _p95(conn: Connection, window: tuple[str, str, str], k: int) -> int | None:
    if not k:
        return None
    graph, version, judge = window
    return conn.execute(
        select(v.latency_us)
        .where(v.target_graph == graph, v.prompt_version == version, v.judge_version == judge,
               v.latency_us.is_not(None))
        .order_by(v.latency_us).limit(1).offset(nearest_rank(k) - 1)
    ).scalar()
