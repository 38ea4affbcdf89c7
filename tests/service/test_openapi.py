"""The OpenAPI document is accurate, and schemathesis finds no 5xx in it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
from fastapi.routing import APIRoute

from releasegate.service import Access
from tests.service.conftest import WRITE, Server, ServerFactory, fleet

OAS_31_META = "https://spec.openapis.org/oas/3.1/schema/2022-10-07"


def _operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item}


def test_every_route_is_in_the_schema_and_nothing_else(server: Server) -> None:
    spec = server.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    app_routes = _app_routes(server.app.routes)
    assert _operations(spec) == app_routes
    expected = {("POST", "/v1/verdicts"), ("POST", "/v1/decisions"), ("GET", "/v1/decisions"),
                ("GET", "/v1/windows"), ("GET", "/v1/route"), ("POST", "/v1/touches"),
                ("GET", "/v1/rollouts"), ("POST", "/v1/rollouts/{graph}"), ("GET", "/healthz"),
                ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/"), ("GET", "/version"),
                ("GET", "/login")}
    assert expected == app_routes


def _app_routes(routes: Sequence[Any]) -> set[tuple[str, str]]:
    """Every documented (method, path) the app serves, through included routers."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            path = route.path.replace("{graph:path}", "{graph}")
            found |= {(method, path) for method in route.methods}
        elif hasattr(route, "original_router"):  # FastAPI's wrapper of include_router
            found |= _app_routes(route.original_router.routes)
    return found


def test_schema_components_are_valid_json_schema(server: Server) -> None:
    spec = server.get("/openapi.json").json()
    for name, schema in spec["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema), name
    verdicts = spec["paths"]["/v1/verdicts"]["post"]
    body = verdicts["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert {"run_id", "target_graph", "prompt_version", "passed"} <= set(
        body["items"]["properties"])
    decide = spec["paths"]["/v1/decisions"]["post"]
    assert {"401", "403", "422", "503"} <= set(decide["responses"])
    assert decide["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorOut")


def test_docs_page_points_at_the_schema(server: Server) -> None:
    docs = server.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text


def test_schemathesis_finds_no_server_error(make_server: ServerFactory, tmp_path: Path) -> None:
    """Bounded: 20 examples per operation, both with valid and invalid data."""
    srv = make_server(access=Access(write_token=WRITE),
                      environ={"COMPOSER_CANARY_PERCENT": "25"})
    assert srv.post("/v1/verdicts", json=fleet(days=2, per_day=5),
                    headers={"Authorization": f"Bearer {WRITE}"}).status_code == 200
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{srv.url}/openapi.json",
         "--checks", "not_a_server_error", "--max-examples", "20", "--seed", "7",
         "--phases", "examples,coverage,fuzzing", "--workers", "1", "--no-color",
         "--generation-database", "none", "--request-timeout", "20",
         "-H", f"Authorization: Bearer {WRITE}", "--exclude-path", "/login",
         "--suppress-health-check", "all", "--no-shrink"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested is not None and int(tested.group(1)) >= 13, result.stdout[-2000:]
