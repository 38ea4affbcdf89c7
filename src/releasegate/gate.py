"""The one orchestrator: store → window → decide → persist → act.

The CLI and the service call the same methods; neither computes anything the gate does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from releasegate.decision import Decision, release_decision
from releasegate.errors import InputError
from releasegate.policy import DEFAULT_POLICY, GatePolicy
from releasegate.store import DecisionRecord, Store
from releasegate.timestamps import epoch_us
from releasegate.verdicts import check_name
from releasegate.window import ALL_TIME, WindowSpec, WindowStats

__all__ = ["Gate", "GateMode", "OverviewRow", "utc_now"]

GateMode = str  # "advisory" or "enforce"
Action = Callable[[DecisionRecord], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class OverviewRow:
    """One window in the overview: its statistics and what the gate would decide now."""

    stats: WindowStats
    decision: Decision
    current: bool  # the judge version a decision on this pair would use
    control: bool = False  # the graph's control version (the baseline of the others)


class Gate:
    """Decides releases from a Store under a policy.

    `controls` maps a graph to its control version: the default baseline of its candidates.
    `actions` run after a decision is persisted (the rollout controller plugs in here).
    """

    def __init__(self, store: Store, *, policy: GatePolicy = DEFAULT_POLICY,
                 controls: Mapping[str, str] | None = None, mode: GateMode = "advisory",
                 clock: Callable[[], datetime] = utc_now, actions: Sequence[Action] = ()) -> None:
        self.store = store
        self.policy = policy
        self.controls = dict(controls or {})
        self.mode = mode
        self.clock = clock
        self.actions = tuple(actions)

    def baseline_for(self, graph: str, version: str, baseline: str | None = None,
                     stored: Mapping[str, str] | None = None) -> str | None:
        """The version to compare against: the one named, else the graph's control.

        The control is the stored rollout's active version when there is one (a `rollout
        promote` moves it at once), else the configured one. `stored` saves a lookup per call.
        """
        if baseline is not None:
            return baseline
        if stored is None:
            state = self.store.rollout_state(graph)
            stored = {graph: state.active_version} if state is not None else {}
        control = stored.get(graph, self.controls.get(graph))
        return control if control is not None and control != version else None

    def evaluate(self, graph: str, version: str, *, baseline: str | None = None,
                 judge: str | None = None, window: WindowSpec = ALL_TIME,
                 policy: GatePolicy | None = None) -> Decision:
        """Decide without persisting (what `windows` and dry runs use), under `policy` if given,
        else the gate's.

        Names that no verdict could carry are an InputError, and so is a baseline named
        explicitly that has no verdicts at all: a typo must not switch the regression rule off.
        """
        for value, field in ((graph, "graph"), (version, "version"), (baseline, "baseline"),
                             (judge, "judge")):
            if value is not None:
                check_name(value, field)
        if baseline is not None and not self.store.has_verdicts(graph, baseline):
            raise InputError(f"baseline: {baseline!r} has no verdicts in graph {graph!r}; "
                             "check the name, or leave --baseline out")
        policy = policy or self.policy
        stats, prior = self.store.decision_windows(
            graph, version, self.baseline_for(graph, version, baseline), judge, window,
            policy.hard_codes,
        )
        decision = release_decision(stats, prior, policy)
        evidence = {**decision.evidence, "window": window.as_evidence()}
        return Decision(decision.decision, decision.reason, decision.source, evidence)

    def decide(self, graph: str, version: str, *, baseline: str | None = None,
               judge: str | None = None, window: WindowSpec = ALL_TIME,
               policy: GatePolicy | None = None) -> DecisionRecord:
        """Decide, persist (append-only), then run the actions for the gate's mode."""
        decision = self.evaluate(graph, version, baseline=baseline, judge=judge, window=window,
                                 policy=policy)
        decided_at = epoch_us(self.clock())
        record_id = self.store.record(decision, decided_at_us=decided_at, mode=self.mode)
        record = DecisionRecord(id=record_id, decided_at_us=decided_at, mode=self.mode,
                                decision=decision)
        for action in self.actions:
            action(record)
        return record

    def overview(self, graph: str | None = None) -> list[OverviewRow]:
        """Every (graph, version, judge) window with its stats and what the gate says now."""
        windows, latest = self.store.windows(graph, self.policy.hard_codes)
        stored = {s.graph: s.active_version for s in self.store.rollout_states()}
        by_key = {(w.target_graph, w.prompt_version, w.judge_version): w for w in windows}
        rows = []
        for stats in windows:
            g, ver, judge = stats.target_graph, stats.prompt_version, stats.judge_version
            base_version = self.baseline_for(g, ver, stored=stored)
            prior = None
            if base_version is not None:
                prior = by_key.get((g, base_version, judge)) or WindowStats(
                    target_graph=g, prompt_version=base_version, judge_version=judge)
            decision = release_decision(stats, prior, self.policy)
            is_control = stored.get(g, self.controls.get(g)) == ver
            rows.append(OverviewRow(stats, decision, latest.get((g, ver)) == judge, is_control))
        return rows
