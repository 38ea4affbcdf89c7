"""Errors to HTTP answers, in one place: every error is JSON, never a stack trace.

    VerdictError   422 invalid_verdicts (each bad row: line, field, message)
    ConflictError  409 conflict (a run_id stored with different content)
    InputError     422 invalid_input (also request validation)
    RefusedError   409 refused (no PROMOTE authorizes the rollout change)
    StoreError     503 store_unavailable (no decision without the database)
    HTTPException  its status (401, 403, 404, 405, 413)
    anything else  500 internal, logged with its traceback on the server side only
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from releasegate.errors import (
    ConflictError,
    InputError,
    Problem,
    RefusedError,
    ReleasegateError,
    StoreError,
    VerdictError,
)

__all__ = ["error_response", "install_error_handlers"]

_LOG = logging.getLogger("releasegate.service")
_HTTP_KINDS: Final = {401: "unauthorized", 403: "forbidden", 404: "not_found",
                      405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}
_MAX_PROBLEMS: Final = 1000


def error_response(status: int, error: str, message: str,
                   problems: Sequence[Problem] = (), headers: Mapping[str, str] | None = None
                   ) -> JSONResponse:
    body: dict[str, Any] = {
        "error": error, "message": message,
        "problems": [{"line": p.line, "field": p.field, "message": p.message}
                     for p in problems[:_MAX_PROBLEMS]],
    }
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _releasegate(_request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, VerdictError):
        return error_response(422, "invalid_verdicts", str(exc).splitlines()[0], exc.problems)
    if isinstance(exc, ConflictError):
        return error_response(409, "conflict", str(exc))
    if isinstance(exc, InputError):
        return error_response(422, "invalid_input", str(exc))
    if isinstance(exc, RefusedError):
        return error_response(409, "refused", str(exc))
    if isinstance(exc, StoreError):
        _LOG.warning("store unavailable: %s", exc)
        return error_response(503, "store_unavailable", str(exc), headers={"Retry-After": "5"})
    return _internal(_request, exc)


def _field(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "(body)"


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [Problem("request", 0, _field(e.get("loc", ())), str(e.get("msg", "invalid")))
                for e in exc.errors()]
    message = "; ".join(f"{p.field}: {p.message}" for p in problems[:5]) or "invalid request"
    return error_response(422, "invalid_input", message, problems)


def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    kind = _HTTP_KINDS.get(exc.status_code, "http_error")
    return error_response(exc.status_code, kind, str(exc.detail), headers=exc.headers)


def _internal(_request: Request, exc: Exception) -> JSONResponse:
    _LOG.error("unexpected failure", exc_info=exc)
    return error_response(500, "internal", "unexpected failure; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ReleasegateError, _releasegate)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _internal)
