"""The decision log: append-only, one row per decision made through the CLI or the service."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from releasegate.decision import Decision
from releasegate.store.schema import decisions

__all__ = ["DecisionRecord", "decision_history", "latest_authorizing", "record_decision"]

d = decisions.c


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A persisted decision: the Decision plus when and in which gate mode it was made."""

    id: int
    decided_at_us: int
    mode: str
    decision: Decision

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "decided_at_us": self.decided_at_us, "mode": self.mode,
                **self.decision.as_dict()}


def record_decision(conn: Connection, decision: Decision, *, decided_at_us: int,
                    mode: str) -> int:
    evidence = decision.evidence
    result = conn.execute(insert(decisions).values(
        decided_at_us=decided_at_us,
        target_graph=evidence["target_graph"],
        prompt_version=evidence["prompt_version"],
        judge_version=evidence["judge_version"],
        baseline_version=evidence.get("baseline_version"),
        decision=decision.decision,
        reason=decision.reason,
        source=decision.source,
        mode=mode,
        evidence=json.dumps(evidence, sort_keys=True, ensure_ascii=False),
    ))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def latest_authorizing(conn: Connection, graph: str, version: str,
                       scan: int = 500) -> DecisionRecord | None:
    """The newest decision on the version's whole window: no --since, --until or --last.

    Only such a decision may authorize (or block) widening a canary. A PROMOTE read off a
    hand-picked slice ("the last 5 runs") must not unlock 100% while the whole window holds a
    hard violation, and a HOLD on an empty slice must not block either.
    """
    for record in reversed(decision_history(conn, graph, version, scan)):
        window = record.decision.evidence.get("window") or {}
        if not any(window.get(bound) is not None for bound in ("since", "until", "last")):
            return record
    return None


def decision_history(conn: Connection, graph: str, version: str | None = None,
                     limit: int | None = None) -> Sequence[DecisionRecord]:
    """Decisions for a graph (and version), oldest first."""
    query = select(decisions).where(d.target_graph == graph)
    if version is not None:
        query = query.where(d.prompt_version == version)
    query = query.order_by(d.decided_at_us.desc(), d.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    return [
        DecisionRecord(
            id=row.id, decided_at_us=row.decided_at_us, mode=row.mode,
            decision=Decision(row.decision, row.reason, row.source, json.loads(row.evidence)),
        )
        for row in reversed(rows)
    ]
