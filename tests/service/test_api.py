"""The /v1 API over HTTP: a real uvicorn, a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator

from releasegate.store import Store
from releasegate.store.database import create_store_engine
from tests.service.conftest import Server, ServerFactory, fleet, jsonl, row


def test_verdicts_json_array_then_jsonl_are_stored_once(server: Server) -> None:
    """A JSON array and JSONL both ingest; posting the same rows again stores nothing new."""
    rows = fleet(days=2, per_day=5)
    first = server.post("/v1/verdicts", json=rows)
    assert first.status_code == 200, first.text
    assert first.json() == {"received": 10, "stored": 10, "duplicates": 0}
    again = server.post("/v1/verdicts", content=jsonl(rows),
                        headers={"content-type": "application/x-ndjson"})
    assert again.json() == {"received": 10, "stored": 0, "duplicates": 10}


def test_bad_rows_are_named_by_line_and_field_and_nothing_is_stored(server: Server) -> None:
    rows = [row("ok-1"), row("bad-2", passed="maybe"), row("ok-3"),
            {**row("bad-4"), "subject": "hello"}, row("bad-5", latency_ms=-1),
            row("bad-6", latency_ms=1e308)]  # found by schemathesis: once a 500
    answer = server.post("/v1/verdicts", content=jsonl(rows))
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid_verdicts"
    named = {(p["line"], p["field"]) for p in body["problems"]}
    assert named == {(2, "passed"), (4, "subject"), (5, "latency_ms"), (6, "latency_ms")}
    assert server.get("/v1/windows").json() == []


def test_malformed_bodies_are_422_json(server: Server) -> None:
    for body in (b'{"run_id": "x", ', b"[1, 2", b"", b"\xff\xfe{}", b'{"run_id": NaN}'):
        answer = server.post("/v1/verdicts", content=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["error"] in ("invalid_input", "invalid_verdicts")
    answer = server.post("/v1/decisions", content=b"{not json",
                         headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_input"


def test_oversize_bodies_are_refused_413(make_server: ServerFactory) -> None:
    srv = make_server(max_body=4096)
    big = jsonl(fleet(days=1, per_day=60))
    assert len(big) > 4096
    answer = srv.post("/v1/verdicts", content=big)
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 1000):
            yield big[start:start + 1000]

    answer = srv.post("/v1/verdicts", content=chunks())
    assert answer.status_code == 413
    assert srv.get("/v1/windows").json() == []


def test_same_run_id_with_other_content_is_a_409_conflict(server: Server) -> None:
    assert server.post("/v1/verdicts", json=[row("r1")]).status_code == 200
    answer = server.post("/v1/verdicts", json=[row("r1", passed=False)])
    assert answer.status_code == 409
    assert "r1" in answer.json()["message"]


def test_decision_is_answered_persisted_and_counted(server: Server) -> None:
    server.post("/v1/verdicts", json=fleet(days=3, per_day=10, fail_every=100))
    answer = server.post("/v1/decisions", json={"graph": "composer", "version": "v2"})
    assert answer.status_code == 201, answer.text
    decision = answer.json()
    assert decision["decision"] == "PROMOTE"
    assert decision["reason"].startswith("success 1.00 ≥ 0.80")
    assert decision["evidence"]["n"] == 30 and decision["mode"] == "advisory"
    history = server.get("/v1/decisions", params={"graph": "composer", "version": "v2"}).json()
    assert [h["id"] for h in history] == [decision["id"]]
    stored = server.wiring.store.history("composer", "v2")
    assert [r.id for r in stored] == [decision["id"]]
    metrics = server.get("/metrics").text
    assert 'releasegate_decisions_total{decision="PROMOTE"} 1.0' in metrics
    assert 'releasegate_verdicts_ingested_total{result="stored"} 30.0' in metrics
    assert 'releasegate_request_duration_seconds_count{method="POST",route="/v1/decisions"' \
        in metrics


def test_decision_windows_and_bad_requests(server: Server) -> None:
    server.post("/v1/verdicts", json=fleet(days=4, per_day=3))
    last = server.post("/v1/decisions", json={"graph": "composer", "version": "v2", "last": 4})
    assert last.json()["evidence"]["n"] == 4
    for body, field in (({"graph": "composer", "version": "v2", "colour": 1}, "colour"),
                        ({"graph": "composer"}, "version"),
                        ({"graph": "a b", "version": "v2"}, "graph"),
                        ({"graph": "composer", "version": "v2", "last": 0}, "last")):
        answer = server.post("/v1/decisions", json=body)
        assert answer.status_code == 422, body
        assert field in {p["field"] for p in answer.json()["problems"]}
    answer = server.post("/v1/decisions",
                         json={"graph": "composer", "version": "v2", "since": "yesterday"})
    assert answer.status_code == 422
    assert "window" in answer.json()["message"]


def test_windows_route_touches_and_rollouts(server: Server) -> None:
    server.post("/v1/verdicts", json=fleet(days=2, per_day=6))
    windows = server.get("/v1/windows", params={"graph": "composer"}).json()
    assert [(w["evidence"]["prompt_version"], w["current_judge"]) for w in windows] == \
        [("v2", True)]
    routes = [server.get("/v1/route", params={"graph": "composer", "thread_id": f"t{i}"}).json()
              for i in range(200)]
    cohorts = {r["cohort"] for r in routes}
    assert cohorts == {"control", "candidate"}
    assert all(r["bucket"] < 1000 for r in routes if r["cohort"] == "candidate")
    unknown = server.get("/v1/route", params={"graph": "nope", "thread_id": "t"})
    assert unknown.status_code == 422 and "not in the registry" in unknown.json()["message"]
    for raw in ("%FF", "%ED%A0%80"):  # invalid UTF-8 would collide with U+FFFD: refused
        bad = server.get(f"/v1/route?graph=composer&thread_id={raw}")
        assert bad.status_code == 422 and "UTF-8" in bad.json()["message"]
    assert server.get("/v1/route?graph=composer&thread_id=%E2%9C%93").status_code == 200
    touch = {"graph": "composer", "thread_id": "t1", "cohort": routes[1]["cohort"],
             "version_id": routes[1]["version_id"], "event": "sent"}
    assert server.post("/v1/touches", json=touch).status_code == 201
    assert server.post("/v1/touches", json={**touch, "event": "clicked"}).status_code == 422
    assert len(server.wiring.store.cohort_counts("composer")) == 1

    status = server.get("/v1/rollouts").json()
    assert status[0]["graph"] == "composer" and status[0]["routed_percent"] == "10"
    refused = server.post("/v1/rollouts/composer",
                          json={"action": "set", "percent": "100", "reason": "go"})
    assert refused.status_code == 409 and refused.json()["error"] == "refused"
    assert "needs a PROMOTE" in refused.json()["message"]
    halted = server.post("/v1/rollouts/composer", json={"action": "halt", "reason": "oops"})
    assert halted.status_code == 200 and halted.json()["halted"] is True
    assert halted.json()["actor"] == "api"
    after = [server.get("/v1/route", params={"graph": "composer", "thread_id": f"t{i}"}).json()
             for i in range(50)]
    assert {r["cohort"] for r in after} == {"control"}
    server.post("/v1/decisions", json={"graph": "composer", "version": "v2"})
    widened = server.post("/v1/rollouts/composer",
                          json={"action": "set", "percent": "100", "reason": "promoted",
                                "by": "alice"})
    assert widened.status_code == 200, widened.text
    assert widened.json()["percent"] == "100" and widened.json()["actor"] == "alice"


def test_probes_and_unknown_paths(server: Server) -> None:
    assert server.get("/healthz").json() == {"status": "ok"}
    assert server.get("/readyz").json() == {"status": "ready"}
    missing = server.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = server.client.delete("/v1/verdicts")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_a_failing_database_never_yields_a_decision(make_server: ServerFactory) -> None:
    """Nothing listens on port 9: every store call fails, and each answer is a JSON 503."""
    dead = Store(create_store_engine("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    srv = make_server(store=dead)
    assert srv.get("/healthz").status_code == 200
    for answer in (srv.get("/readyz"),
                   srv.post("/v1/decisions", json={"graph": "composer", "version": "v2"}),
                   srv.get("/v1/windows"), srv.post("/v1/verdicts", json=[row("x")]),
                   srv.get("/")):
        assert answer.status_code == 503, answer.text
        body = answer.json()
        assert body["error"] == "store_unavailable"
        assert "Traceback" not in answer.text
    dead.close()


def test_errors_are_json_never_a_traceback(server: Server) -> None:
    answer = server.get("/v1/decisions")  # graph is required
    assert answer.status_code == 422
    assert json.loads(answer.text)["problems"][0]["field"] == "graph"
