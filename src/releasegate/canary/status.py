"""The rollout status view: what routes now, what the store recorded, and where they disagree.

Pure: the controller hands in the spec, the stored state, the environment, the candidate's latest
decision and the last audit event; this module only compares them and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from releasegate.canary.bucketing import FULL_BASIS_POINTS, format_basis_points, parse_percent
from releasegate.canary.percent import DEFAULT_PERCENT_ENV
from releasegate.canary.registry import GraphSpec
from releasegate.canary.router import effective_versions
from releasegate.canary.state import RolloutEvent, RolloutState
from releasegate.store.decisions import DecisionRecord
from releasegate.timestamps import iso

__all__ = ["RolloutStatus", "rollout_status"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RolloutStatus:
    graph: str
    spec: GraphSpec | None
    state: RolloutState | None
    control_version: str
    candidate_version: str | None
    env_name: str
    env_raw: str | None
    env_percent_bp: int | None  # None: the env var holds an invalid value
    routed_percent_bp: int  # what the router sends to the candidate right now
    latest_decision: DecisionRecord | None
    last_event: RolloutEvent | None
    flags: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.flags

    def as_dict(self) -> dict[str, Any]:
        state, event, latest = self.state, self.last_event, self.latest_decision
        return {
            "graph": self.graph,
            "registered": self.spec is not None,
            "control_version": self.control_version,
            "candidate_version": self.candidate_version,
            "routed_percent": format_basis_points(self.routed_percent_bp),
            "env": {"name": self.env_name, "value": self.env_raw,
                    "percent": (format_basis_points(self.env_percent_bp)
                                if self.env_percent_bp is not None else None)},
            "stored": None if state is None else {
                "percent": (format_basis_points(state.percent_bp)
                            if state.percent_bp is not None else None),
                "halted": state.halted, "active_version": state.active_version,
                "candidate_version": state.candidate_version,
                "updated_at": iso(state.updated_at_us), "updated_by": state.updated_by,
                "reason": state.reason},
            "latest_decision": None if latest is None else {
                "id": latest.id, "decision": latest.decision.decision,
                "reason": latest.decision.reason, "decided_at": iso(latest.decided_at_us),
                "mode": latest.mode},
            "last_change": None if event is None else {
                "action": event.action, "actor": event.actor, "at": iso(event.at_us),
                "reason": event.reason},
            "sticky": bool(self.spec and self.spec.sticky),
            "flags": list(self.flags),
        }


def _flags(graph: str, spec: GraphSpec | None, state: RolloutState | None, candidate: str | None,
           env_name: str, raw: str | None, env_bp: int | None,
           latest: DecisionRecord | None) -> list[str]:
    flags: list[str] = []
    halted = state is not None and state.halted
    if spec is None:
        flags.append(f"{graph} has rollout state but is not in the registry (releasegate.toml)")
    if env_bp is None:
        flags.append(f"{env_name}={raw!r} is invalid: every thread runs control")
    if halted:
        flags.append(f"halted: every thread runs control whatever {env_name} says "
                     "(`releasegate rollout set` lifts it)")
    stored_bp = state.percent_bp if state is not None else None
    if candidate is not None and env_bp is not None and env_bp != (stored_bp or 0):
        recorded = "nothing" if stored_bp is None else f"{format_basis_points(stored_bp)}%"
        flags.append(f"{env_name} says {format_basis_points(env_bp)}% but the store recorded "
                     f"{recorded}: env var and stored state disagree")
    if candidate is None and env_bp:
        flags.append(f"{env_name}={format_basis_points(env_bp)} but {graph} has no candidate: "
                     "nobody is routed (set it back to 0)")
    full = candidate is not None and not halted and FULL_BASIS_POINTS in (env_bp, stored_bp)
    if full and (latest is None or latest.decision.decision != "PROMOTE"):
        why = "no decision is recorded" if latest is None else (
            f"the latest decision is {latest.decision.decision}")
        flags.append(f"FULL ROLLOUT NOT AUTHORIZED: {candidate} at 100% but {why}; "
                     "only a PROMOTE may widen to 100")
    if spec is not None and state is not None and spec.candidate_version == state.active_version \
            and spec.candidate_version is not None:
        flags.append(f"{state.active_version} was promoted: update releasegate.toml "
                     f"(active_version = {state.active_version!r}, no candidate_version)")
    return flags


def rollout_status(graph: str, spec: GraphSpec | None, state: RolloutState | None,
                   environ: Mapping[str, str], latest: DecisionRecord | None,
                   last_event: RolloutEvent | None) -> RolloutStatus:
    if spec is not None:
        control, candidate = effective_versions(spec, state)
    else:
        control = state.active_version if state else ""
        candidate = state.candidate_version if state else None
    env_name = spec.canary_percent_env if spec else DEFAULT_PERCENT_ENV
    raw = environ.get(env_name)
    env_bp = parse_percent(raw)
    halted = state is not None and state.halted
    routed = env_bp if (spec is not None and candidate is not None and env_bp and not halted) else 0
    return RolloutStatus(
        graph=graph, spec=spec, state=state, control_version=control,
        candidate_version=candidate, env_name=env_name, env_raw=raw, env_percent_bp=env_bp,
        routed_percent_bp=routed, latest_decision=latest, last_event=last_event,
        flags=tuple(_flags(graph, spec, state, candidate, env_name, raw, env_bp, latest)),
    )
