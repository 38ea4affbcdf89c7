"""Canary rollout: stable buckets, the version registry, routing, rollout control and outcomes.

`bucketing` is pure; `router` reads rollout state through interfaces the store implements.
"""

from releasegate.canary.bucketing import BUCKETS, bucket, parse_percent
from releasegate.canary.registry import GraphSpec, Registry, load_registry, registry_from_tables
from releasegate.canary.router import CanaryRouter, resolve_version
from releasegate.canary.state import Assignment, MemoryRollouts, RolloutState

__all__ = [
    "BUCKETS",
    "Assignment",
    "CanaryRouter",
    "GraphSpec",
    "MemoryRollouts",
    "Registry",
    "RolloutState",
    "bucket",
    "load_registry",
    "parse_percent",
    "registry_from_tables",
    "resolve_version",
]
