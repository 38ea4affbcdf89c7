"""Prometheus metrics of one app, in its own CollectorRegistry (never the process-global one).

Decisions by outcome, verdict rows received and stored, and request latency by route template
(not by raw path, so a graph name never becomes a label value).
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Metrics", "RequestTimer"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.decisions = Counter("releasegate_decisions_total",
                                 "Decisions made and persisted, by outcome", ["decision"],
                                 registry=self.registry)
        self.verdicts = Counter("releasegate_verdicts_ingested_total",
                                "Verdict rows posted, by result (stored or duplicate)",
                                ["result"], registry=self.registry)
        self.latency = Histogram("releasegate_request_duration_seconds",
                                 "HTTP request latency by method, route and status",
                                 ["method", "route", "status"], registry=self.registry,
                                 buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1,
                                          2.5, 5, 10))
        for outcome in ("PROMOTE", "HOLD", "ROLLBACK"):
            self.decisions.labels(outcome)
        for result in ("stored", "duplicate"):
            self.verdicts.labels(result)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class RequestTimer:
    """ASGI middleware observing each request's latency under its route template."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(unmatched)"
            self.metrics.latency.labels(scope["method"], template, str(status[0])).observe(
                time.perf_counter() - started)
