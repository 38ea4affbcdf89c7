"""The gate inside LangGraph, and canary routing of a thread with LangSmith run metadata.

`build_release_gate_graph(gate)` compiles a `StateGraph` of four nodes:

    load_window → decide → persist → apply_actions

`load_window` reads the candidate's and the baseline's windows in one snapshot, `decide` applies the
gate's policy (pure), `persist` appends the decision to the store, `apply_actions` runs the gate's
actions — the rollout controller halts the canary on a ROLLBACK in enforce mode and only records
its advice in advisory mode, exactly as `releasegate decide` does. A gate without actions ends after
`persist`. Invoke it with `{"graph": ..., "version": ...}` (and optionally `baseline`, `judge`,
`window`); the final state carries `decision` and `record`.

`route_thread(spec, thread_id, config)` picks the thread's version with `resolve_version` and
returns the RunnableConfig stamped with `cohort` and `version_id` (tags and metadata, for
LangSmith) and LangGraph's `configurable.thread_id`. LangGraph is imported only by
`build_release_gate_graph` (the `langgraph` extra).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from releasegate.canary.registry import GraphSpec
from releasegate.canary.router import CanaryRouter, resolve_version
from releasegate.canary.stamping import stamp_run_config
from releasegate.canary.state import Assignment
from releasegate.decision import Decision, release_decision
from releasegate.errors import InputError
from releasegate.gate import Gate
from releasegate.store import DecisionRecord
from releasegate.timestamps import epoch_us
from releasegate.window import ALL_TIME, WindowSpec, WindowStats

__all__ = ["GateState", "RoutedRun", "build_release_gate_graph", "route_thread"]


class GateState(TypedDict, total=False):
    """The graph's state: the question asked, then what each node added."""

    graph: str
    version: str
    baseline: str | None
    judge: str | None
    window: WindowSpec
    stats: WindowStats
    prior: WindowStats | None
    decision: Decision
    record: DecisionRecord
    actions_run: int


Node = Callable[[GateState], dict[str, Any]]


def _nodes(gate: Gate) -> dict[str, Node]:
    def load_window(state: GateState) -> dict[str, Any]:
        graph, version = state["graph"], state["version"]
        baseline = gate.baseline_for(graph, version, state.get("baseline"))
        stats, prior = gate.store.decision_windows(
            graph, version, baseline, state.get("judge"), state.get("window", ALL_TIME),
            gate.policy.hard_codes)
        return {"stats": stats, "prior": prior}

    def decide(state: GateState) -> dict[str, Any]:
        decided = release_decision(state["stats"], state.get("prior"), gate.policy)
        window = state.get("window", ALL_TIME)
        evidence = {**decided.evidence, "window": window.as_evidence()}
        return {"decision": Decision(decided.decision, decided.reason, decided.source, evidence)}

    def persist(state: GateState) -> dict[str, Any]:
        decided_at = epoch_us(gate.clock())
        record_id = gate.store.record(state["decision"], decided_at_us=decided_at, mode=gate.mode)
        return {"record": DecisionRecord(id=record_id, decided_at_us=decided_at, mode=gate.mode,
                                         decision=state["decision"])}

    def apply_actions(state: GateState) -> dict[str, Any]:
        for action in gate.actions:
            action(state["record"])
        return {"actions_run": len(gate.actions)}

    return {"load_window": load_window, "decide": decide, "persist": persist,
            "apply_actions": apply_actions}


def build_release_gate_graph(gate: Gate, *, checkpointer: Any = None) -> Any:
    """A compiled LangGraph graph that decides like `gate.decide` (see the module docstring)."""
    try:
        from langgraph.graph import END, START, StateGraph
    except ImportError:
        raise InputError("the LangGraph integration needs langgraph: "
                         "pip install 'releasegate[langgraph]'") from None
    builder: Any = StateGraph(GateState)
    for name, node in _nodes(gate).items():
        builder.add_node(name, node)
    builder.add_edge(START, "load_window")
    builder.add_edge("load_window", "decide")
    builder.add_edge("decide", "persist")
    builder.add_conditional_edges(
        "persist", lambda _state: "apply_actions" if gate.actions else END,
        ["apply_actions", END])
    builder.add_edge("apply_actions", END)
    return builder.compile(checkpointer=checkpointer, name="releasegate")


@dataclass(frozen=True, slots=True)
class RoutedRun:
    """Where a thread runs, and the RunnableConfig to invoke the agent with."""

    assignment: Assignment
    config: dict[str, Any]

    @property
    def version_id(self) -> str:
        return self.assignment.version_id


def route_thread(spec: GraphSpec, thread_id: str, config: Mapping[str, Any] | None = None, *,
                 router: CanaryRouter | None = None) -> RoutedRun:
    """Route `thread_id` (SPEC §5) and stamp `config` with `cohort` and `version_id`.

    The returned config keeps what `config` held, adds tags `cohort:…`, `version:…`, metadata
    `cohort`, `version_id`, `target_graph`, `canary_bucket` (LangSmith shows and filters them),
    and sets `configurable.thread_id` when it is missing, so a checkpointer keys the same thread.
    """
    assignment = resolve_version(spec, thread_id, router=router)
    stamped = stamp_run_config(assignment, config)
    configurable = dict(stamped.get("configurable") or {})
    configurable.setdefault("thread_id", thread_id)
    stamped["configurable"] = configurable
    return RoutedRun(assignment, stamped)
