"""The /v1 routes: each builds its arguments, calls the library as the CLI does, renders JSON."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated, Any, Final
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from releasegate.canary.rollout import RolloutController
from releasegate.canary.router import CanaryRouter
from releasegate.canary.stamping import record_touch
from releasegate.canary.state import Assignment
from releasegate.errors import InputError
from releasegate.gate import Gate, utc_now
from releasegate.ingestion import IngestReport, ingest_sources
from releasegate.service.auth import Access
from releasegate.service.metrics import Metrics
from releasegate.service.schemas import (
    NAME_PATTERN,
    AssignmentOut,
    DecideRequest,
    DecisionOut,
    ErrorOut,
    IngestOut,
    RolloutChange,
    RolloutEventOut,
    TouchRequest,
    WindowOut,
    assignment_out,
    decision_out,
    event_out,
    window_out,
)
from releasegate.sources import Format, Source
from releasegate.timestamps import epoch_us
from releasegate.verdicts import Verdict
from releasegate.wiring import window_spec

__all__ = ["Services", "api_router"]

API_ACTOR: Final = "api"
GraphQuery = Annotated[str, Query(pattern=NAME_PATTERN, max_length=128)]
VersionQuery = Annotated[str | None, Query(pattern=NAME_PATTERN, max_length=128)]


@dataclass(frozen=True, slots=True)
class Services:
    """What the routes use, built once by `create_app` and handed in (no module globals)."""

    gate: Gate
    rollout: RolloutController
    router: CanaryRouter
    access: Access
    metrics: Metrics



def _require_utf8_query(request: Request, name: str) -> None:
    """Query strings are decoded leniently (bad bytes become U+FFFD), which would make distinct
    ids hash alike: the raw bytes of `name` must be valid UTF-8 (no lone surrogates either)."""
    raw: bytes = request.scope.get("query_string", b"")
    for pair in raw.split(b"&"):
        key, _, value = pair.partition(b"=")
        if unquote_to_bytes(key.replace(b"+", b" ")) != name.encode():
            continue
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not valid UTF-8 once percent-decoded") from None

def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {401: "Missing or invalid bearer token", 403: "Read-only token on a write",
                 409: "Conflict or refusal", 413: "Body too large",
                 422: "Invalid input, naming each bad row and field",
                 503: "Database unavailable: no decision is made"}
    return {s: {"model": ErrorOut, "description": described[s]} for s in statuses}


_VERDICTS_BODY: Final = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "array",
                                        "items": Verdict.model_json_schema(mode="validation")}},
        "application/x-ndjson": {"schema": {"type": "string",
                                            "description": "one verdict object per line"}},
    },
}


def _source(body: bytes) -> Source:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise InputError("empty body: send a JSON array or JSONL of schema-v1 verdicts")
    fmt: Format = "json" if head == b"[" else "jsonl"
    return Source("body", io.BytesIO(body), fmt, len(body))


def api_router(services: Services) -> APIRouter:
    gate, rollout, metrics = services.gate, services.rollout, services.metrics
    read = [Depends(services.access.require_read)]
    write = [Depends(services.access.require_write)]
    api = APIRouter(prefix="/v1", tags=["api"])

    @api.post("/verdicts", dependencies=write, response_model=IngestOut,
              openapi_extra={"requestBody": _VERDICTS_BODY},
              responses=_errors(401, 403, 409, 413, 422, 503))
    async def post_verdicts(request: Request) -> IngestOut:
        """Store schema-v1 rows (a JSON array or JSONL), all or nothing; idempotent by run_id."""
        source = _source(await request.body())
        report: IngestReport = await run_in_threadpool(
            ingest_sources, gate.store, [source], now_us=epoch_us(utc_now()))
        metrics.verdicts.labels("stored").inc(report.stored)
        metrics.verdicts.labels("duplicate").inc(report.duplicates)
        return IngestOut(received=report.received, stored=report.stored,
                         duplicates=report.duplicates)

    @api.post("/decisions", dependencies=write, status_code=201, response_model=DecisionOut,
              responses=_errors(401, 403, 413, 422, 503))
    def post_decision(body: DecideRequest) -> DecisionOut:
        """Decide PROMOTE / HOLD / ROLLBACK for a version, persist it, run the gate's actions."""
        window = window_spec(body.since, body.until, body.last, utc_now())
        policy = gate.policy.named(body.policy) if body.policy else None
        record = gate.decide(body.graph, body.version, baseline=body.baseline,
                             judge=body.judge, window=window, policy=policy)
        metrics.decisions.labels(record.decision.decision).inc()
        return decision_out(record)

    @api.get("/decisions", dependencies=read, response_model=list[DecisionOut],
             responses=_errors(401, 422, 503))
    def get_decisions(graph: GraphQuery, version: VersionQuery = None,
                      limit: Annotated[int | None, Query(ge=1, le=10_000)] = None
                      ) -> list[DecisionOut]:
        """The decisions recorded for a graph (and version), oldest first."""
        return [decision_out(r) for r in gate.store.history(graph, version, limit)]

    @api.get("/windows", dependencies=read, response_model=list[WindowOut],
             responses=_errors(401, 422, 503))
    def get_windows(graph: VersionQuery = None) -> list[WindowOut]:
        """Every (graph, version, judge) window and what the gate would decide now."""
        return [window_out(row) for row in gate.overview(graph)]

    @api.get("/route", dependencies=read, response_model=AssignmentOut,
             responses=_errors(401, 422, 503))
    def get_route(request: Request, graph: GraphQuery,
                  thread_id: Annotated[str, Query(min_length=1, max_length=1024)]
                  ) -> AssignmentOut:
        """The version a thread runs: control or candidate, and the bucket that decided it."""
        _require_utf8_query(request, "thread_id")
        return assignment_out(services.router.resolve(rollout.registry.spec(graph), thread_id))

    @api.post("/touches", dependencies=write, status_code=201,
              responses=_errors(401, 403, 413, 422, 503))
    def post_touch(body: TouchRequest) -> dict[str, int]:
        """Record one online outcome (sent, error, replied) of a routed thread."""
        stamp: Assignment | tuple[str, str] = (body.cohort, body.version_id)
        if body.bucket is not None:
            stamp = Assignment(body.graph, body.version_id, body.cohort, body.bucket)
        record_touch(body.thread_id, body.graph, stamp, body.event, store=gate.store)
        return {"recorded": 1}

    @api.get("/rollouts", dependencies=read, responses=_errors(401, 422, 503))
    def get_rollouts(graph: VersionQuery = None) -> list[dict[str, Any]]:
        """Each graph's rollout: what routes now, what is stored, and every disagreement."""
        return [row.as_dict() for row in rollout.status(graph, services.router.environ)]

    @api.post("/rollouts/{graph:path}", dependencies=write, response_model=RolloutEventOut,
              responses=_errors(401, 403, 409, 413, 422, 503))
    def post_rollout(graph: str, body: RolloutChange) -> RolloutEventOut:
        """Set the percent, halt, or promote; 100% and promotion need a PROMOTE (else 409)."""
        actor = (body.by or "").strip() or API_ACTOR
        if body.action == "set":
            if body.percent is None:
                raise InputError("percent is required to set a rollout")
            event = rollout.set_percent(graph, body.percent, reason=body.reason, actor=actor)
        elif body.action == "halt":
            event = rollout.halt(graph, reason=body.reason, actor=actor)
        else:
            event = rollout.promote(graph, reason=body.reason, actor=actor)
        services.router.invalidate(graph)
        return event_out(event)

    return api
