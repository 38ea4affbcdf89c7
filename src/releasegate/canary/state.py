"""Rollout state as the router sees it, and the two interfaces the router reads through.

`RolloutStateSource` answers "is this graph's canary halted, was its candidate promoted?";
`StickyBook` keeps each sticky thread's first assignment. The store implements both
(`releasegate.canary.storage`); `MemoryRollouts` implements both in memory, for tests and scripts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, NamedTuple, Protocol

from releasegate.canary.percent import PercentReader

__all__ = [
    "COHORTS",
    "Assignment",
    "Cohort",
    "MemoryRollouts",
    "RolloutEvent",
    "RolloutState",
    "RolloutStateSource",
    "SpecMemory",
    "StickyBook",
    "StickyKey",
]

Cohort = Literal["control", "candidate"]
COHORTS: tuple[Cohort, Cohort] = ("control", "candidate")


class Assignment(NamedTuple):
    """Where one thread runs: the version, its cohort and the bucket that decided it."""

    graph: str
    version_id: str
    cohort: Cohort
    bucket: int


# tuple.__new__ skips NamedTuple's Python-level __new__: the router builds one per call.
new_assignment = tuple.__new__


class StickyKey(NamedTuple):
    """A sticky assignment lives as long as the (control, candidate) pair it was made under."""

    graph: str
    control_version: str
    candidate_version: str
    thread_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RolloutState:
    """What the store says about one graph's rollout; the env var still holds the live percent."""

    graph: str
    active_version: str
    candidate_version: str | None
    percent_bp: int | None = None  # the operator's recorded percent, in hundredths
    halted: bool = False
    updated_at_us: int = 0
    updated_by: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RolloutEvent:
    """One entry of a rollout's audit trail: who did what, when, why, and the state after it."""

    graph: str
    at_us: int
    actor: str
    action: str  # set, halt, promote, recommend_halt
    active_version: str
    candidate_version: str | None
    percent_before_bp: int | None
    percent_bp: int | None
    halted: bool
    reason: str
    mode: str | None = None
    decision_id: int | None = None
    id: int | None = None


class RolloutStateSource(Protocol):
    def rollout_state(self, graph: str) -> RolloutState | None: ...


class StickyBook(Protocol):
    def sticky_cohort(self, key: StickyKey) -> Cohort | None: ...

    def claim(self, key: StickyKey, cohort: Cohort, bucket: int, at_us: int) -> Cohort:
        """Record `cohort` unless the thread already has one; return the one that stands."""
        ...


class MemoryRollouts:
    """Rollout state and sticky assignments in a dict: the in-process implementation."""

    def __init__(self, states: dict[str, RolloutState] | None = None) -> None:
        self.states: dict[str, RolloutState] = dict(states or {})
        self.assignments: dict[StickyKey, Cohort] = {}

    def rollout_state(self, graph: str) -> RolloutState | None:
        return self.states.get(graph)

    def sticky_cohort(self, key: StickyKey) -> Cohort | None:
        return self.assignments.get(key)

    def claim(self, key: StickyKey, cohort: Cohort, bucket: int, at_us: int) -> Cohort:
        return self.assignments.setdefault(key, cohort)

    def put(self, state: RolloutState) -> None:
        self.states[state.graph] = state

    def halt(self, graph: str, active_version: str, candidate_version: str | None) -> None:
        current = self.states.get(graph) or RolloutState(
            graph=graph, active_version=active_version, candidate_version=candidate_version)
        self.states[graph] = replace(current, halted=True)

    def promote(self, graph: str, candidate_version: str) -> None:
        self.states[graph] = RolloutState(graph=graph, active_version=candidate_version,
                                          candidate_version=None)


class SpecMemory:
    """What a GraphSpec remembers between calls: the last percent seen, in-process sticky cohorts.

    Not configuration (it never takes part in equality); it lets `resolve_version(spec, id)` warn
    once per bad value and keep sticky threads without a store.
    """

    __slots__ = ("percent", "prefix", "sticky")

    def __init__(self) -> None:
        self.prefix = ""  # "salt:", set by GraphSpec so the hot path hashes prefix + thread_id
        self.percent = PercentReader()
        self.sticky = MemoryRollouts()
