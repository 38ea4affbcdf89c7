"""How the edges (CLI, service, report) assemble the library: one construction, shared.

A Gate over a Store, with the rollout controller plugged in as its action, for the settings read at
the edge. Nothing here reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from releasegate.canary.registry import registry_from_tables
from releasegate.canary.rollout import RolloutController
from releasegate.config import Settings
from releasegate.errors import InputError
from releasegate.gate import Gate
from releasegate.integrations.webhooks import WebhookSender
from releasegate.store import Store
from releasegate.timestamps import epoch_us
from releasegate.window import WindowSpec, parse_when

__all__ = ["Wiring", "build", "window_spec"]


@dataclass(frozen=True, slots=True)
class Wiring:
    """The objects every edge uses: the gate and the rollout controller over one store."""

    gate: Gate
    rollout: RolloutController

    @property
    def store(self) -> Store:
        return self.gate.store


def build(settings: Settings, store: Store) -> Wiring:
    """The gate and the rollout controller for `settings`, over an open `store`."""
    registry = registry_from_tables(settings.graphs, str(settings.config_path or ""))
    hooks = WebhookSender(settings.webhooks) if settings.webhooks else None
    rollout = RolloutController(store, registry, mode=settings.mode,
                                on_change=hooks.on_rollout if hooks else None)
    gate = Gate(store, policy=settings.policy, controls=settings.controls, mode=settings.mode,
                actions=[rollout.on_decision, *([hooks.on_decision] if hooks else [])])
    return Wiring(gate, rollout)


def window_spec(since: str | None, until: str | None, last: int | None,
                now: datetime) -> WindowSpec:
    """A window from the user's words: RFC 3339 times, dates or ages (7d), and a count."""
    try:
        return WindowSpec(
            since_us=epoch_us(parse_when(since, now)) if since else None,
            until_us=epoch_us(parse_when(until, now)) if until else None,
            last=last,
        )
    except ValueError as exc:
        raise InputError(f"window: {exc}") from None
