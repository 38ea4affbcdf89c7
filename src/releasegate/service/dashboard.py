"""The dashboard: the overview at `/`, one version at `/version?graph=G&version=V`, a login.

Pages need the read token (as a bearer header or the login cookie, which only ever reads).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from releasegate.gate import utc_now
from releasegate.service.api import Services
from releasegate.service.auth import COOKIE
from releasegate.service.pages import Pages
from releasegate.service.schemas import NAME_PATTERN
from releasegate.service.views import overview_view, version_view

__all__ = ["dashboard_router"]

_NO_STORE = {"Cache-Control": "no-store"}


def dashboard_router(services: Services) -> APIRouter:
    pages = Pages()
    gate, rollout, access = services.gate, services.rollout, services.access
    router = APIRouter(tags=["dashboard"])

    def _login(status: int = 401, message: str = "") -> HTMLResponse:
        return HTMLResponse(pages.login(message), status_code=status, headers=_NO_STORE)

    @router.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> Response:
        """Every graph and version with what the gate says now."""
        if not access.can_read(request):
            return _login()
        view = overview_view(gate, rollout, services.router.environ, utc_now())
        return HTMLResponse(pages.overview(view), headers=_NO_STORE)

    @router.get("/version", response_class=HTMLResponse)
    def version(request: Request,
                graph: Annotated[str, Query(pattern=NAME_PATTERN, max_length=128)],
                version: Annotated[str, Query(pattern=NAME_PATTERN, max_length=128)]
                ) -> Response:
        """One version: charts over time, decision history, canary and cohorts."""
        if not access.can_read(request):
            return _login()
        view = version_view(gate, rollout, services.router.environ, graph, version, utc_now())
        return HTMLResponse(pages.version(view), headers=_NO_STORE)

    @router.get("/login", response_class=HTMLResponse)
    def login_form() -> Response:
        """A form that sets a read-only cookie from a token."""
        return _login(200)

    @router.post("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login(request: Request) -> Response:
        fields = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (fields.get("token") or [""])[0].strip()
        if access.enabled and (not token or access.level_of(token) is None):
            return _login(401, "That token is not valid.")
        response = RedirectResponse("/", status_code=303)
        if access.enabled:
            response.set_cookie(COOKIE, access.session_for(token) or "", httponly=True,
                                samesite="strict",
                                secure=request.url.scheme == "https", path="/")
        return response

    return router
