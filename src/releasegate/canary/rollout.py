"""The rollout controller: widen, halt and promote a graph's canary, with an audit trail.

Only a PROMOTE authorizes a full rollout or a promotion; every change records who, when and why.
`on_decision` is the gate's action: in enforce mode a ROLLBACK of the candidate halts its canary,
in advisory mode it records the recommended halt and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Final

from releasegate.canary.bucketing import FULL_BASIS_POINTS, PERCENT_RULE, parse_percent
from releasegate.canary.registry import GraphSpec, Registry
from releasegate.canary.router import effective_versions
from releasegate.canary.state import RolloutEvent, RolloutState
from releasegate.canary.status import RolloutStatus, rollout_status
from releasegate.errors import InputError, RefusedError
from releasegate.store import DecisionRecord, Store
from releasegate.timestamps import epoch_us, iso

__all__ = ["GATE_ACTOR", "RolloutController"]

GATE_ACTOR: Final = "releasegate-gate"
Latest = Callable[[str], DecisionRecord | None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _require_reason(reason: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InputError("--reason is required: the audit trail records why a rollout changed")
    return text


def _percent(value: str | int | float) -> int:
    # Blank means "unset" for the env var; for an operator's command it is a mistake, not 0 %.
    if not str(value).strip():
        raise InputError(f"--percent is blank: give {PERCENT_RULE}")
    points = parse_percent(str(value))
    if points is None:
        raise InputError(f"--percent {value!r} is not {PERCENT_RULE}")
    return points


def _decision_note(record: DecisionRecord | None, version: str, graph: str) -> str:
    if record is None:
        return (f"no whole-window decision is recorded for {version} (decisions over --since, "
                f"--until or --last never authorize a rollout): run "
                f"`releasegate decide --graph {graph} --version {version}`")
    return (f"the latest whole-window decision for {version} is {record.decision.decision} "
            f"({record.decision.reason}) at {iso(record.decided_at_us)}")


def _authorize(latest: Latest, graph: str, candidate: str, what: str) -> None:
    record = latest(candidate)
    if record is None or record.decision.decision != "PROMOTE":
        raise RefusedError(f"{what} needs a PROMOTE for candidate {candidate}; "
                           + _decision_note(record, candidate, graph))


class RolloutController:
    """Changes rollout state in `store` for the graphs of `registry`."""

    def __init__(self, store: Store, registry: Registry, *, mode: str = "advisory",
                 clock: Callable[[], datetime] = _utc_now,
                 on_change: Callable[[RolloutEvent], None] | None = None) -> None:
        self.store = store
        self.registry = registry
        self.mode = mode
        self.clock = clock
        self.on_change = on_change  # called with each recorded event (webhooks plug in here)

    def _recorded(self, event: RolloutEvent | None) -> RolloutEvent | None:
        if event is not None and self.on_change is not None:
            self.on_change(event)
        return event

    def _event(self, state: RolloutState, before: RolloutState | None, *, actor: str,
               action: str, reason: str, decision_id: int | None = None) -> RolloutEvent:
        return RolloutEvent(
            graph=state.graph, at_us=state.updated_at_us, actor=actor, action=action,
            mode=self.mode, active_version=state.active_version,
            candidate_version=state.candidate_version,
            percent_before_bp=before.percent_bp if before else None,
            percent_bp=state.percent_bp, halted=state.halted, reason=reason,
            decision_id=decision_id,
        )

    def _new_state(self, spec: GraphSpec, state: RolloutState | None, *, actor: str,
                   reason: str) -> RolloutState:
        control, candidate = effective_versions(spec, state)
        base = state or RolloutState(graph=spec.name, active_version=control,
                                     candidate_version=candidate)
        return replace(base, active_version=control, candidate_version=candidate,
                       updated_at_us=epoch_us(self.clock()), updated_by=actor, reason=reason)

    def set_percent(self, graph: str, percent: str | int | float, *, reason: str,
                    actor: str) -> RolloutEvent:
        """Record the canary percent (and lift a halt). 100 only after a PROMOTE."""
        spec, points, why = self.registry.spec(graph), _percent(percent), _require_reason(reason)

        def plan(state: RolloutState | None, latest: Latest
                 ) -> tuple[RolloutState, RolloutEvent]:
            new = self._new_state(spec, state, actor=actor, reason=why)
            if new.candidate_version is None:
                raise RefusedError(f"{graph} has no candidate version "
                                   f"(control is {new.active_version}): nothing to roll out")
            if points == FULL_BASIS_POINTS:
                _authorize(latest, graph, new.candidate_version, f"widening {graph} to 100%")
            new = replace(new, percent_bp=points, halted=False)
            action = "resume" if state is not None and state.halted else "set"
            return new, self._event(new, state, actor=actor, action=action, reason=why)

        event = self._recorded(self.store.change_rollout(graph, plan))
        assert event is not None
        return event

    def halt(self, graph: str, *, reason: str, actor: str) -> RolloutEvent:
        """Send every thread to control whatever the env var says, until `set` lifts it."""
        spec, why = self.registry.spec(graph), _require_reason(reason)

        def plan(state: RolloutState | None, latest: Latest
                 ) -> tuple[RolloutState, RolloutEvent]:
            new = replace(self._new_state(spec, state, actor=actor, reason=why),
                          halted=True, percent_bp=0)
            return new, self._event(new, state, actor=actor, action="halt", reason=why)

        event = self._recorded(self.store.change_rollout(graph, plan))
        assert event is not None
        return event

    def promote(self, graph: str, *, reason: str, actor: str) -> RolloutEvent:
        """Make the candidate the control, after a PROMOTE only; sticky cohorts start afresh."""
        spec, why = self.registry.spec(graph), _require_reason(reason)

        def plan(state: RolloutState | None, latest: Latest
                 ) -> tuple[RolloutState, RolloutEvent]:
            current = self._new_state(spec, state, actor=actor, reason=why)
            candidate = current.candidate_version
            if candidate is None:
                raise RefusedError(f"{graph} has no candidate to promote "
                                   f"(control is {current.active_version})")
            _authorize(latest, graph, candidate, f"promoting {candidate} on {graph}")
            new = replace(current, active_version=candidate, candidate_version=None,
                          percent_bp=None, halted=False)
            event = self._event(new, state, actor=actor, action="promote",
                                reason=f"{candidate} replaces {current.active_version}: {why}")
            return new, event

        event = self._recorded(self.store.change_rollout(graph, plan))
        assert event is not None
        return event

    def on_decision(self, record: DecisionRecord) -> None:
        """The gate's action: a ROLLBACK of a graph's candidate halts (enforce) or advises."""
        decision = record.decision
        graph = decision.evidence.get("target_graph")
        version = decision.evidence.get("prompt_version")
        if decision.decision != "ROLLBACK" or not isinstance(graph, str) \
                or graph not in self.registry:
            return
        spec = self.registry.spec(graph)
        enforce = record.mode == "enforce"

        def plan(state: RolloutState | None, latest: Latest
                 ) -> tuple[RolloutState | None, RolloutEvent | None]:
            why = f"ROLLBACK of {version}: {decision.reason}"
            new = self._new_state(spec, state, actor=GATE_ACTOR, reason=why)
            if new.candidate_version != version:
                return None, None  # not the canary's candidate: nothing to halt
            if enforce:
                new = replace(new, halted=True, percent_bp=0)
                return new, self._event(new, state, actor=GATE_ACTOR, action="halt", reason=why,
                                        decision_id=record.id)
            advice = state or new
            event = replace(self._event(advice, state, actor=GATE_ACTOR, action="recommend_halt",
                                        reason=f"advisory, nothing changed: {why}",
                                        decision_id=record.id),
                            at_us=new.updated_at_us, mode="advisory")
            return None, event

        self._recorded(self.store.change_rollout(graph, plan))

    def status(self, graph: str | None, environ: Mapping[str, str]) -> list[RolloutStatus]:
        """What routes now, what the store recorded, and where they disagree."""
        states = {s.graph: s for s in self.store.rollout_states()}
        names = sorted(set(self.registry) | set(states)) if graph is None else [graph]
        if graph is not None and graph not in self.registry and graph not in states:
            self.registry.spec(graph)  # raises, naming the registered graphs
        result = []
        for name in names:
            spec = self.registry.get(name)
            state = states.get(name)
            candidate = (effective_versions(spec, state)[1] if spec else
                         state.candidate_version if state else None)
            latest = self.store.authorizing_decision(name, candidate) if candidate else None
            events = self.store.rollout_history(name, 1)
            result.append(rollout_status(name, spec, state, environ, latest,
                                         events[-1] if events else None))
        return result
