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
    literal,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from releasegate.store.schema import verdicts
from releasegate.window import WindowSpec, WindowStats, nearest_rank

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

    Four grouped queries in all, however many versions there are.
    """
    where = [v.target_graph == graph] if graph is not None else []
    key = (v.target_graph, v.prompt_version, v.judge_version)
    groups = conn.execute(
        select(*key, func.count(), _count(v.passed.is_(True)), _count(v.passed.is_(None)),
               _count(_hard(hard_codes)), _count(_covered()), func.count(v.latency_us),
               func.min(v.created_at_us), func.max(v.created_at_us))
        .where(*where).group_by(*key).order_by(*key)
    ).all()
    p95 = _grouped_p95(conn, where)
    codes: dict[tuple[str, str, str], list[str]] = {}
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
            latency_count=k, p95_latency_us=p95.get((g, ver, j)),
            other_judge_rows=per_pair[(g, ver)] - n, first_at_us=first, last_at_us=last,
            hard_codes=_hard_code_counts(codes.get((g, ver, j), []), hard_codes),
        )
        for g, ver, j, n, passes, unscored, hard, covered, k, first, last in groups
    ]
    return stats, _latest_judges(conn, where)


def _grouped_p95(conn: Connection, where: list[ColumnElement[bool]]
                 ) -> dict[tuple[str, str, str], int]:
    key = (v.target_graph, v.prompt_version, v.judge_version)
    ranked = (
        select(*key, v.latency_us,
               func.row_number().over(partition_by=key, order_by=v.latency_us).label("rn"),
               func.count().over(partition_by=key).label("k"))
        .where(*where, v.latency_us.is_not(None))
        .subquery("ranked")
    )
    # Nearest rank ⌈0.95·k⌉ in integer arithmetic, the same in SQLite and PostgreSQL.
    rank = (ranked.c.k * 95 + literal(99)) // 100
    rows = conn.execute(
        select(ranked.c.target_graph, ranked.c.prompt_version, ranked.c.judge_version,
               ranked.c.latency_us).where(ranked.c.rn == rank)
    )
    return {(g, ver, j): latency for g, ver, j, latency in rows}


def _latest_judges(conn: Connection, where: list[ColumnElement[bool]]
                   ) -> dict[tuple[str, str], str]:
    pair = (v.target_graph, v.prompt_version)
    ranked = (
        select(*pair, v.judge_version, func.row_number().over(
            partition_by=pair, order_by=(v.created_at_us.desc(), v.run_id.desc())).label("rn"))
        .where(*where)
        .subquery("latest")
    )
    rows = conn.execute(
        select(ranked.c.target_graph, ranked.c.prompt_version, ranked.c.judge_version)
        .where(ranked.c.rn == 1)
    )
    return {(g, ver): j for g, ver, j in rows}
