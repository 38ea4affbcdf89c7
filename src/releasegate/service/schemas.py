"""Request and response bodies of the HTTP API: pydantic models at the edge, never in the core.

Requests refuse unknown fields, like verdict rows do. Responses are built from the library's values
(`Decision`, `DecisionRecord`, `RolloutEvent`, ...) by the `*_out` functions below.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from releasegate.canary.bucketing import format_basis_points
from releasegate.canary.state import Assignment, RolloutEvent
from releasegate.gate import OverviewRow
from releasegate.store import DecisionRecord
from releasegate.timestamps import iso

__all__ = [
    "NAME_PATTERN",
    "AssignmentOut",
    "DecideRequest",
    "DecisionOut",
    "ErrorOut",
    "IngestOut",
    "ProblemOut",
    "RolloutChange",
    "RolloutEventOut",
    "TouchRequest",
    "WindowOut",
    "assignment_out",
    "decision_out",
    "event_out",
    "window_out",
]

NAME_PATTERN = r"^[A-Za-z0-9_.:/-]{1,128}$"
Name = Annotated[str, Field(pattern=NAME_PATTERN, min_length=1, max_length=128)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    """One thing wrong with one row of the request: where and what."""

    line: int = Field(description="1-based row (JSONL line or array position); 0: the body")
    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error answer: a kind, a message, and for rows the problems one by one."""

    error: str = Field(description="invalid_input, invalid_verdicts, conflict, refused, "
                                   "unauthorized, forbidden, too_large, not_found, "
                                   "store_unavailable, internal")
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)


class IngestOut(BaseModel):
    received: int
    stored: int
    duplicates: int = Field(description="rows already stored with the same content (idempotent)")


class DecideRequest(_Strict):
    graph: Name
    version: Name
    baseline: Name | None = None
    judge: Name | None = None
    since: str | None = Field(default=None, max_length=64,
                              description="RFC 3339 time, date, or age (7d)")
    until: str | None = Field(default=None, max_length=64, description="exclusive upper bound")
    last: StrictInt | None = Field(default=None, ge=1, le=10_000_000,
                                   description="the last N runs, an integer")
    policy: Literal["clear-v1", "anytime-v1"] | None = Field(
        default=None, description="the decision policy (default: the server's configured one)")


class DecisionOut(BaseModel):
    """A decision: persisted ones carry id, decided_at and mode; evaluations do not."""

    decision: Literal["PROMOTE", "HOLD", "ROLLBACK"]
    reason: str
    source: str
    evidence: dict[str, Any]
    id: int | None = None
    decided_at: str | None = None
    mode: str | None = None


class WindowOut(DecisionOut):
    current_judge: bool = Field(description="the judge version a decision on this pair uses")


class AssignmentOut(BaseModel):
    graph: str
    version_id: str
    cohort: Literal["control", "candidate"]
    bucket: int


class TouchRequest(_Strict):
    graph: Name
    thread_id: str = Field(min_length=1, max_length=1024)
    cohort: Literal["control", "candidate"]
    version_id: Name
    event: Literal["sent", "error", "replied"]
    bucket: int | None = Field(default=None, ge=0, le=9999)


class RolloutChange(_Strict):
    action: Literal["set", "halt", "promote"]
    reason: str = Field(min_length=1, max_length=2000)
    percent: str | None = Field(default=None, max_length=16,
                                description="0-100, at most two decimals (set only)")
    by: str | None = Field(default=None, max_length=128, description="who; default: api")


class RolloutEventOut(BaseModel):
    id: int | None
    graph: str
    at: str | None
    actor: str
    action: str
    mode: str | None
    active_version: str
    candidate_version: str | None
    percent_before: str | None
    percent: str | None
    halted: bool
    decision_id: int | None
    reason: str


def decision_out(record: DecisionRecord) -> DecisionOut:
    d = record.decision
    return DecisionOut(decision=d.decision, reason=d.reason, source=d.source,
                       evidence=d.evidence, id=record.id, decided_at=iso(record.decided_at_us),
                       mode=record.mode)


def window_out(row: OverviewRow) -> WindowOut:
    d = row.decision
    return WindowOut(decision=d.decision, reason=d.reason, source=d.source, evidence=d.evidence,
                     current_judge=row.current)


def assignment_out(assignment: Assignment) -> AssignmentOut:
    return AssignmentOut(graph=assignment.graph, version_id=assignment.version_id,
                       cohort=assignment.cohort, bucket=assignment.bucket)


def _pct(points: int | None) -> str | None:
    return format_basis_points(points) if points is not None else None


def event_out(event: RolloutEvent) -> RolloutEventOut:
    return RolloutEventOut(
        id=event.id, graph=event.graph, at=iso(event.at_us), actor=event.actor,
        action=event.action, mode=event.mode, active_version=event.active_version,
        candidate_version=event.candidate_version, percent_before=_pct(event.percent_before_bp),
        percent=_pct(event.percent_bp), halted=event.halted, decision_id=event.decision_id,
        reason=event.reason)
