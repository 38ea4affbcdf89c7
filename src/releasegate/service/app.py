"""`create_app(gate, rollout)`: the FastAPI application, its middleware and its probes.

Everything the routes use is passed in; two apps in one process share nothing (each has its own
metrics registry and router cache).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from fastapi import Depends, FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from releasegate.canary.rollout import RolloutController
from releasegate.canary.router import CanaryRouter
from releasegate.gate import Gate
from releasegate.service.api import Services, api_router
from releasegate.service.auth import Access
from releasegate.service.dashboard import dashboard_router
from releasegate.service.errors import install_error_handlers
from releasegate.service.limits import DEFAULT_MAX_BODY, BodyLimit
from releasegate.service.metrics import Metrics, RequestTimer
from releasegate.service.schemas import ErrorOut

__all__ = ["STATIC_DIR", "create_app"]

STATIC_DIR: Final = Path(__file__).parent / "static"
_UNAVAILABLE: Final[dict[int | str, dict[str, Any]]] = {
    503: {"model": ErrorOut, "description": "The database is unreachable"}}


def _probes(app: FastAPI, services: Services) -> None:
    store = services.gate.store

    @app.get("/healthz", tags=["probes"])
    def healthz() -> dict[str, str]:
        """The process is up (says nothing about the database)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["probes"], responses=_UNAVAILABLE)
    def readyz() -> dict[str, str]:
        """The database answers with a current schema (and, for SQLite, the file is still the
        one opened); 503 otherwise."""
        store.check_ready()
        return {"status": "ready"}

    @app.get("/metrics", tags=["probes"], dependencies=[Depends(services.access.require_read)],
             response_class=Response,
             responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                              "description": "Prometheus text format"}})
    def metrics() -> Response:
        """Decisions by outcome, verdicts ingested, request latency (Prometheus text format)."""
        return Response(services.metrics.exposition(),
                        media_type="text/plain; version=0.0.4; charset=utf-8")


def create_app(gate: Gate, rollout: RolloutController, *, access: Access | None = None,
               max_body: int = DEFAULT_MAX_BODY,
               environ: Mapping[str, str] | None = None) -> FastAPI:
    """The HTTP service over `gate` (and its store) and `rollout`.

    `access` holds the tokens (none: open, for loopback); `environ` is where the router reads
    canary percents (default: the process environment, read at call time).
    """
    services = Services(gate=gate, rollout=rollout,
                        router=CanaryRouter(gate.store, gate.store, environ=environ),
                        access=access or Access(), metrics=Metrics())
    app = FastAPI(title="releasegate",
                  summary="PROMOTE / HOLD / ROLLBACK for LLM agent versions, and the canary",
                  version="1", docs_url="/docs", redoc_url=None)
    install_error_handlers(app)
    _probes(app, services)
    app.include_router(api_router(services))
    app.include_router(dashboard_router(services))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.add_middleware(RequestTimer, metrics=services.metrics)
    return app
