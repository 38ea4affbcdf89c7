"""The gate as a real compiled LangGraph graph over a real SQLite store (no LLM), advisory and
enforce; thread routing stamps the run config that a LangGraph node then sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph

from releasegate.canary.registry import GraphSpec, Registry
from releasegate.canary.rollout import RolloutController
from releasegate.gate import Gate
from releasegate.ingestion import ingest_sources
from releasegate.integrations import ImportTarget, import_langsmith, import_promptfoo
from releasegate.integrations.langgraph import build_release_gate_graph, route_thread
from releasegate.store import Store
from tests.integrations.conftest import LANGSMITH, PROMPTFOO

GRAPH = "campaign_composer"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(str(tmp_path / "graph.db")) as opened:
        target = ImportTarget(graph=GRAPH, version="v2")
        ingest_sources(opened, [import_promptfoo(PROMPTFOO, target).as_source()], now_us=0)
        yield opened


def _gate(store: Store, mode: str) -> Gate:
    registry = Registry([GraphSpec(GRAPH, "v1", "v2")])
    rollout = RolloutController(store, registry, mode=mode)
    return Gate(store, mode=mode, controls={GRAPH: "v1"}, actions=[rollout.on_decision])


def test_graph_nodes_and_decision_match_gate_decide(store: Store) -> None:
    gate = _gate(store, "advisory")
    graph = build_release_gate_graph(gate)
    assert {"load_window", "decide", "persist", "apply_actions"} <= set(graph.get_graph().nodes)
    state = graph.invoke({"graph": GRAPH, "version": "v2"})
    assert state["stats"].n == 8 and state["prior"].n == 0  # baseline v1 has no verdicts
    assert state["decision"] == gate.evaluate(GRAPH, "v2")
    assert state["decision"].decision == "ROLLBACK"
    assert state["actions_run"] == 1
    history = store.history(GRAPH, "v2")
    assert [r.id for r in history] == [state["record"].id]  # persisted once, append-only
    assert history[0].decision == state["decision"] and history[0].mode == "advisory"


def test_advisory_rollback_records_advice_and_changes_nothing(store: Store) -> None:
    graph = build_release_gate_graph(_gate(store, "advisory"))
    graph.invoke({"graph": GRAPH, "version": "v2"})
    assert store.rollout_state(GRAPH) is None  # nothing halted
    events = store.rollout_history(GRAPH)
    assert [e.action for e in events] == ["recommend_halt"]


def test_enforce_rollback_halts_the_canary(store: Store) -> None:
    graph = build_release_gate_graph(_gate(store, "enforce"))
    state = graph.invoke({"graph": GRAPH, "version": "v2"})
    rollout = store.rollout_state(GRAPH)
    assert rollout is not None and rollout.halted and rollout.percent_bp == 0
    [event] = store.rollout_history(GRAPH)
    assert event.action == "halt" and event.decision_id == state["record"].id


def test_promote_in_enforce_mode_leaves_the_canary_alone(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "promote.db")) as store:
        target = ImportTarget(graph=GRAPH, version="v2")
        ingest_sources(store, [import_langsmith(LANGSMITH, target).as_source()], now_us=0)
        state = build_release_gate_graph(_gate(store, "enforce")).invoke(
            {"graph": GRAPH, "version": "v2", "judge": "default"})
        assert state["decision"].decision == "PROMOTE"
        assert store.rollout_state(GRAPH) is None and store.rollout_history(GRAPH) == []


def test_a_gate_without_actions_ends_after_persist(store: Store) -> None:
    state = build_release_gate_graph(Gate(store)).invoke({"graph": GRAPH, "version": "v2"})
    assert "actions_run" not in state and state["record"].id >= 1


class _AgentState(TypedDict):
    seen: dict[str, Any]


def _agent() -> Any:
    def node(state: _AgentState, config: RunnableConfig) -> dict[str, Any]:
        metadata = config.get("metadata") or {}
        return {"seen": {"cohort": metadata.get("cohort"),
                         "version_id": metadata.get("version_id"),
                         "thread_id": (config.get("configurable") or {}).get("thread_id")}}

    builder: Any = StateGraph(_AgentState)
    builder.add_node("compose", node)
    builder.add_edge(START, "compose")
    builder.add_edge("compose", END)
    return builder.compile()


@pytest.mark.parametrize(("percent", "cohort", "version"), [("100", "candidate", "v2"),
                                                            ("0", "control", "v1"),
                                                            ("abc", "control", "v1")])
def test_route_thread_stamps_the_config_a_langgraph_node_sees(
        percent: str, cohort: str, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGN_CANARY_PERCENT", percent)
    spec = GraphSpec(GRAPH, "v1", "v2")
    routed = route_thread(spec, "thread-42", {"tags": ["prod"], "metadata": {"team": "growth"}})
    assert routed.version_id == version and routed.assignment.cohort == cohort
    config = routed.config
    assert config["tags"] == ["prod", f"cohort:{cohort}", f"version:{version}"]
    assert config["metadata"]["team"] == "growth"
    assert config["metadata"]["cohort"] == cohort and config["metadata"]["version_id"] == version
    assert config["configurable"] == {"thread_id": "thread-42"}
    seen = _agent().invoke({"seen": {}}, config)["seen"]
    assert seen == {"cohort": cohort, "version_id": version, "thread_id": "thread-42"}


def test_route_thread_keeps_an_existing_thread_id_and_is_stable() -> None:
    spec = GraphSpec(GRAPH, "v1", "v2")
    first = route_thread(spec, "t-1", {"configurable": {"thread_id": "lg-1", "user": "u"}})
    assert first.config["configurable"] == {"thread_id": "lg-1", "user": "u"}
    assert route_thread(spec, "t-1").assignment == first.assignment
