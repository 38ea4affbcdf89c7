"""Routing a thread to control or candidate (SPEC §5).

The hot path reads the percent env var (at call time, by design), hashes the thread id, and
consults rollout state through a TTL cache: no I/O beyond that cached read, plus one look-up and
one insert the first time a sticky thread is seen.

A thread runs the candidate when a candidate exists, the canary is not halted, the percent is a
valid non-zero value and the thread's bucket is below it. A halt, a percent of 0 and an invalid
percent are kill switches: every thread runs control, sticky or not.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Final

from releasegate.canary.bucketing import bucket_of_key
from releasegate.canary.percent import LOGGER_NAME
from releasegate.canary.registry import GraphSpec
from releasegate.canary.state import (
    Assignment,
    Cohort,
    MemoryRollouts,
    RolloutState,
    RolloutStateSource,
    StickyBook,
    StickyKey,
    new_assignment,
)
from releasegate.errors import StoreError

__all__ = [
    "DEFAULT_STATE_TTL_S",
    "DEFAULT_STICKY_CACHE",
    "CanaryRouter",
    "effective_versions",
    "resolve_version",
]

DEFAULT_STATE_TTL_S: Final = 5.0
DEFAULT_STICKY_CACHE: Final = 100_000
_NO_STATE: Final = RolloutState(graph="", active_version="", candidate_version=None)
_FAIL_CLOSED: Final = RolloutState(graph="", active_version="", candidate_version=None,
                                   halted=True, reason="rollout state unavailable")


def _wall_us() -> int:
    return time.time_ns() // 1000


def effective_versions(spec: GraphSpec, state: RolloutState | None) -> tuple[str, str | None]:
    """(control, candidate) after the store's say: a promoted candidate is the new control."""
    if (state is not None and state.graph == spec.name and spec.candidate_version is not None
            and state.active_version == spec.candidate_version):
        return spec.candidate_version, None
    return spec.active_version, spec.candidate_version


class CanaryRouter:
    """Routes threads with rollout state from `states` (cached `ttl_s`) and sticky `book`.

    Both are optional: without `states` nothing is halted or promoted; without `book` a sticky spec
    keeps assignments in this router's memory only. `clock` (monotonic seconds) drives the cache,
    `wall_us` stamps sticky claims, `environ` is where the percent is read.
    """

    def __init__(self, states: RolloutStateSource | None = None, book: StickyBook | None = None,
                 *, ttl_s: float = DEFAULT_STATE_TTL_S, clock: Callable[[], float] = time.monotonic,
                 wall_us: Callable[[], int] = _wall_us, environ: Mapping[str, str] | None = None,
                 sticky_cache: int = DEFAULT_STICKY_CACHE) -> None:
        self.states = states
        self.book: StickyBook = book if book is not None else MemoryRollouts()
        self.ttl_s = ttl_s
        self.clock = clock
        self.wall_us = wall_us
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self._states: dict[str, tuple[float, RolloutState]] = {}
        self._sticky: dict[StickyKey, Cohort] = {}
        self._sticky_cache = sticky_cache
        self._log = logging.getLogger(LOGGER_NAME)

    def state(self, graph: str) -> RolloutState | None:
        """The graph's rollout state, read at most once per `ttl_s`."""
        if self.states is None:
            return None
        now = self.clock()
        cached = self._states.get(graph)
        if cached is None or cached[0] <= now:
            state = self._load(graph, cached[1] if cached else None)
            cached = self._states[graph] = (now + self.ttl_s, state)
        return None if cached[1] is _NO_STATE else cached[1]

    def _load(self, graph: str, stale: RolloutState | None) -> RolloutState:
        assert self.states is not None
        try:
            return self.states.rollout_state(graph) or _NO_STATE
        except StoreError as exc:
            # An unreachable store must not send the fleet to a candidate: keep what we knew,
            # or fail closed to control until the next read.
            self._log.warning("rollout state of %r unavailable (%s): %s", graph, exc,
                              "keeping the last known state" if stale else "routing to control")
            return stale if stale is not None else _FAIL_CLOSED

    def invalidate(self, graph: str | None = None) -> None:
        """Forget cached state (all graphs, or one): the next call reads the store."""
        if graph is None:
            self._states.clear()
        else:
            self._states.pop(graph, None)

    def resolve(self, spec: GraphSpec, thread_id: str) -> Assignment:
        """Route one thread of `spec`; raises InputError for an empty thread id."""
        slot = bucket_of_key(spec.memory.prefix, thread_id)
        state = self.state(spec.name) if self.states is not None else None
        candidate = spec.candidate_version
        control = spec.active_version
        if state is not None and candidate is not None and state.active_version == candidate:
            control, candidate = candidate, None  # promoted: the candidate is the control now
        if candidate is None:
            return new_assignment(Assignment, (spec.name, control, "control", slot))
        points = spec.memory.percent.read(spec.canary_percent_env, self.environ)
        live = points is not None and points > 0 and not (state is not None and state.halted)
        cohort: Cohort = "candidate" if live and slot < points else "control"  # type: ignore[operator]
        if spec.sticky:
            recorded = self._stick(StickyKey(spec.name, control, candidate, thread_id), cohort,
                                   slot)
            cohort = recorded if live else "control"
        version = candidate if cohort == "candidate" else control
        return new_assignment(Assignment, (spec.name, version, cohort, slot))

    def _stick(self, key: StickyKey, cohort: Cohort, slot: int) -> Cohort:
        recorded = self._sticky.get(key)
        if recorded is None:
            recorded = self.book.sticky_cohort(key)
            if recorded is None:
                recorded = self.book.claim(key, cohort, slot, self.wall_us())
            if len(self._sticky) >= self._sticky_cache:
                self._sticky.clear()  # the book holds the truth; the cache only saves reads
            self._sticky[key] = recorded
        return recorded


def resolve_version(spec: GraphSpec, thread_id: str, *,
                    router: CanaryRouter | None = None) -> Assignment:
    """Route `thread_id` of `spec` to its control or candidate version (SPEC §5).

    Without a router the percent env var alone decides (nothing is halted or promoted) and a
    sticky spec keeps its assignments in this process only. Pass a `CanaryRouter` built over the
    store (`store_router`) for halts, promotions and durable sticky cohorts.
    """
    if router is not None:
        return router.resolve(spec, thread_id)
    slot = bucket_of_key(spec.memory.prefix, thread_id)
    candidate = spec.candidate_version
    if candidate is None:
        return new_assignment(Assignment, (spec.name, spec.active_version, "control", slot))
    if spec.sticky:
        return CanaryRouter(book=spec.memory.sticky).resolve(spec, thread_id)
    points = spec.memory.percent.read(spec.canary_percent_env, os.environ)
    if points is not None and slot < points:
        return new_assignment(Assignment, (spec.name, candidate, "candidate", slot))
    return new_assignment(Assignment, (spec.name, spec.active_version, "control", slot))
