"""loop_detected over a run trace."""

from __future__ import annotations

from releasegate.guardrails import GuardrailPolicy, TraceStep, detect_loops


def test_the_same_call_past_the_limit_is_a_loop_whatever_the_key_order() -> None:
    trace = [
        {"name": "search", "args": {"q": "acme", "limit": 5}},
        {"name": "search", "args": {"limit": 5, "q": "acme"}},
        {"tool": "search", "arguments": '{"limit": 5.0, "q": "acme"}'},
        {"name": "search", "args": {"q": "acme", "limit": 5}},
    ]
    (v,) = detect_loops(trace)
    assert (v.code, v.field, v.span, v.detail) == (
        "loop_detected",
        "trace",
        (0, 4),
        "repeated tool call",
    )


def test_successful_calls_are_still_a_loop() -> None:
    step = {"name": "send", "args": {"to": 1}, "status": "ok", "result": {"sent": True}}
    trace = [step | {"id": i, "ts": f"2026-01-0{i + 1}"} for i in range(4)]
    assert len(detect_loops(trace)) == 1


def test_at_the_limit_is_not_a_loop() -> None:
    trace = [{"name": "search", "args": {"q": "x"}}] * 3
    assert detect_loops(trace) == []


def test_a_paginated_walk_is_not_a_loop() -> None:
    trace = [{"name": "list_contacts", "args": {"page": page, "size": 50}} for page in range(1, 40)]
    assert detect_loops(trace) == []


def test_nested_arguments_are_compared_canonically() -> None:
    a = {"name": "f", "args": {"filter": {"a": [1, 2], "b": {"y": 1, "x": 2}}}}
    b = {"name": "f", "args": {"filter": {"b": {"x": 2, "y": 1}, "a": (1, 2)}}}
    assert len(detect_loops([a, b, a, b])) == 1


def test_node_visits_have_their_own_limit() -> None:
    cycle = ["plan", "act", "verify"] * 10
    assert detect_loops(cycle) == []
    found = detect_loops(cycle, policy=GuardrailPolicy(max_node_visits=5))
    assert [v.span for v in found] == [(0, 16), (1, 17), (2, 18)]
    assert {v.detail for v in found} == {"repeated node visit"}


def test_openai_style_and_dataclass_steps() -> None:
    call = {"type": "function", "function": {"name": "lookup", "arguments": '{"id": 7}'}}
    assert len(detect_loops([call] * 4)) == 1
    assert len(detect_loops([TraceStep("lookup", {"id": 7})] * 4)) == 1


def test_each_repeated_call_is_reported_once() -> None:
    trace = [{"name": "a", "args": {}}] * 10 + [{"name": "b", "args": {"k": 1}}] * 10
    assert [v.span[0] for v in detect_loops(trace)] == [0, 10]
