"""releasegate: an evidence-driven PROMOTE / HOLD / ROLLBACK release gate for LLM agents.

The public API. The pure core (verdicts, window statistics, the decision) needs no database;
`Store` and `Gate` add persistence.
"""

from releasegate.decision import EXIT_CODES, Decision, release_decision
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
from releasegate.ingestion import IngestReport, ingest_sources
from releasegate.policy import DEFAULT_HARD_CODES, DEFAULT_POLICY, GatePolicy
from releasegate.sources import open_source
from releasegate.store import DecisionRecord, Store
from releasegate.verdicts import Verdict, parse_verdict
from releasegate.window import WindowSpec, WindowStats, nearest_rank, wilson_interval

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_HARD_CODES",
    "DEFAULT_POLICY",
    "EXIT_CODES",
    "ConfigError",
    "ConflictError",
    "Decision",
    "DecisionRecord",
    "Gate",
    "GatePolicy",
    "IngestReport",
    "InputError",
    "OverviewRow",
    "Problem",
    "RefusedError",
    "ReleasegateError",
    "SchemaError",
    "Store",
    "StoreError",
    "Verdict",
    "VerdictError",
    "WindowSpec",
    "WindowStats",
    "__version__",
    "ingest_sources",
    "nearest_rank",
    "open_source",
    "parse_verdict",
    "release_decision",
    "wilson_interval",
]
