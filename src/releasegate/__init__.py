"""releasegate: an evidence-driven PROMOTE / HOLD / ROLLBACK release gate for LLM agents.

The public API. The pure core (verdicts, window statistics, the decision) needs no database;
`Store` and `Gate` add persistence.
"""

from releasegate.canary import (
    Assignment,
    CanaryRouter,
    GraphSpec,
    MemoryRollouts,
    Registry,
    RolloutState,
    bucket,
    load_registry,
    parse_percent,
    registry_from_tables,
    resolve_version,
)
from releasegate.canary.outcomes import CohortReport, cohort_report, two_proportion_z
from releasegate.canary.rollout import RolloutController
from releasegate.canary.stamping import (
    canary_metadata,
    record_touch,
    stamp_run_config,
    verdict_stamp,
)
from releasegate.canary.state import RolloutEvent
from releasegate.canary.status import RolloutStatus
from releasegate.decision import EXIT_CODES, Decision, release_decision
from releasegate.drafts import Draft, read_drafts
from releasegate.errors import (
    ConfigError,
    ConflictError,
    InputError,
    Problem,
    RefusedError,
    ReleasegateError,
    SchemaError,
    StoreError,
    VerdictError,
)
from releasegate.gate import Gate, OverviewRow
from releasegate.guardrails import (
    DEFAULT_CHECKS,
    DEFAULT_GUARDRAILS,
    GuardrailPolicy,
    TraceStep,
    Violation,
    check_draft,
    detect_loops,
    verdict_from_checks,
)
from releasegate.ingestion import IngestReport, ingest_sources
from releasegate.policy import DEFAULT_HARD_CODES, DEFAULT_POLICY, GatePolicy
from releasegate.sources import open_source
from releasegate.store import DecisionRecord, Store
from releasegate.verdicts import Verdict, parse_verdict
from releasegate.window import WindowSpec, WindowStats, nearest_rank, wilson_interval

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_CHECKS",
    "DEFAULT_GUARDRAILS",
    "DEFAULT_HARD_CODES",
    "DEFAULT_POLICY",
    "EXIT_CODES",
    "Assignment",
    "CanaryRouter",
    "CohortReport",
    "ConfigError",
    "ConflictError",
    "Decision",
    "DecisionRecord",
    "Draft",
    "Gate",
    "GatePolicy",
    "GraphSpec",
    "GuardrailPolicy",
    "IngestReport",
    "InputError",
    "MemoryRollouts",
    "OverviewRow",
    "Problem",
    "RefusedError",
    "Registry",
    "ReleasegateError",
    "RolloutController",
    "RolloutEvent",
    "RolloutState",
    "RolloutStatus",
    "SchemaError",
    "Store",
    "StoreError",
    "TraceStep",
    "Verdict",
    "VerdictError",
    "Violation",
    "WindowSpec",
    "WindowStats",
    "__version__",
    "bucket",
    "canary_metadata",
    "check_draft",
    "cohort_report",
    "detect_loops",
    "ingest_sources",
    "load_registry",
    "nearest_rank",
    "open_source",
    "parse_percent",
    "parse_verdict",
    "read_drafts",
    "record_touch",
    "registry_from_tables",
    "release_decision",
    "resolve_version",
    "stamp_run_config",
    "two_proportion_z",
    "verdict_from_checks",
    "verdict_stamp",
    "wilson_interval",
]
