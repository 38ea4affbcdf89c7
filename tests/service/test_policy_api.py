"""POST /v1/decisions takes a `policy`: the server's configured one by default."""

from __future__ import annotations

from typing import get_args

from releasegate.policy import ANYTIME_POLICY, DEFAULT_POLICY, POLICY_SOURCES
from releasegate.service.schemas import DecideRequest
from tests.service.conftest import Server, row

THIN = [row(f"t{i}", passed=i < 4) for i in range(5)]


def test_policy_field_selects_anytime_v1_per_call(server: Server) -> None:
    assert server.post("/v1/verdicts", json=THIN).status_code == 200
    body = {"graph": "composer", "version": "v2"}
    default = server.post("/v1/decisions", json=body)
    assert default.status_code == 201 and default.json()["source"] == DEFAULT_POLICY.source
    chosen = server.post("/v1/decisions", json={**body, "policy": "anytime-v1"})
    assert chosen.status_code == 201, chosen.text
    decision = chosen.json()
    assert decision["source"] == ANYTIME_POLICY.source and decision["decision"] == "HOLD"
    assert decision["evidence"]["anytime"]["alpha"] == 0.05
    sources = [d["source"] for d in server.get("/v1/decisions",
                                               params={"graph": "composer"}).json()]
    assert sources == [DEFAULT_POLICY.source, ANYTIME_POLICY.source]
    assert server.wiring.gate.policy.name == "clear-v1"  # the call did not change the server


def test_unknown_policy_is_422_naming_the_field(server: Server) -> None:
    answer = server.post("/v1/decisions",
                         json={"graph": "composer", "version": "v2", "policy": "anytime-v2"})
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_input" and "policy" in answer.text


def test_the_schema_lists_every_policy() -> None:
    field = DecideRequest.model_fields["policy"].annotation
    assert set(get_args(get_args(field)[0])) == set(POLICY_SOURCES)
