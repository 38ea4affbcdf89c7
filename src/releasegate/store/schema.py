"""The tables, as SQLAlchemy Core metadata. Migrations (store/migrations) create and evolve them.

Timestamps are integer microseconds since the Unix epoch (UTC) and latencies integer microseconds:
exact, portable between SQLite and PostgreSQL, and cheap to index and compare.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

__all__ = [
    "canary_assignments",
    "canary_touches",
    "decisions",
    "metadata",
    "rollout_events",
    "rollouts",
    "verdicts",
]

metadata = MetaData()

WINDOW_KEY = ("target_graph", "prompt_version", "judge_version", "created_at_us", "run_id")
WINDOW_COVER = ("passed", "hard_violation", "levels_requested", "levels_scored", "latency_us")

verdicts = Table(
    "verdicts",
    metadata,
    Column("run_id", String(128), primary_key=True),
    Column("target_graph", String(128), nullable=False),
    Column("prompt_version", String(128), nullable=False),
    Column("judge_version", String(128), nullable=False),
    Column("passed", Boolean, nullable=True),
    Column("composite", Float, nullable=True),
    # Sorted codes framed by commas (",a,b,"), "" when none: one LIKE finds a code exactly.
    Column("violations", Text, nullable=False),
    Column("hard_violation", Boolean, nullable=False),
    Column("levels_requested", SmallInteger, nullable=False),
    Column("levels_scored", SmallInteger, nullable=False),
    Column("latency_us", BigInteger, nullable=True),
    Column("cost_usd", Float, nullable=True),
    Column("cohort", String(16), nullable=True),
    Column("created_at_us", BigInteger, nullable=False),
    Column("created_at_given", Boolean, nullable=False),
    Column("ingested_at_us", BigInteger, nullable=False),
    # The window query: equality on the first three, a range (or ORDER BY ... LIMIT) on the time,
    # then every column the statistics read, so a decision is an index-only scan (migration 0003).
    # PostgreSQL keeps `violations` out of the key (a B-tree entry has a size limit); SQLite has
    # none and reads the codes without touching the table.
    Index("ix_verdicts_window", *WINDOW_KEY, *WINDOW_COVER, "violations").ddl_if(
        dialect="sqlite"),
    Index("ix_verdicts_window", *WINDOW_KEY, postgresql_include=list(WINDOW_COVER)).ddl_if(
        dialect="postgresql"),
    # "The judge of the most recent verdict": one index seek, whatever the judge.
    Index("ix_verdicts_latest", "target_graph", "prompt_version", "created_at_us", "run_id",
          "judge_version"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decided_at_us", BigInteger, nullable=False),
    Column("target_graph", String(128), nullable=False),
    Column("prompt_version", String(128), nullable=False),
    Column("judge_version", String(128), nullable=False),
    Column("baseline_version", String(128), nullable=True),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("source", String(128), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("evidence", Text, nullable=False),
    Index("ix_decisions_version", "target_graph", "prompt_version", "decided_at_us"),
)

# --- Canary rollout (migration 0002) -------------------------------------------------------------
# Percents are integer basis points (hundredths of a percent, 0..10000): exact, like the SPEC's
# "at most two decimals".

rollouts = Table(
    "rollouts",
    metadata,
    Column("target_graph", String(128), primary_key=True),
    Column("active_version", String(128), nullable=False),
    Column("candidate_version", String(128), nullable=True),
    Column("percent_bp", Integer, nullable=True),
    Column("halted", Boolean, nullable=False),
    Column("updated_at_us", BigInteger, nullable=False),
    Column("updated_by", String(128), nullable=False),
    Column("reason", Text, nullable=False),
)

# Append-only audit trail: who changed which rollout, when and why (and what the gate advised).
rollout_events = Table(
    "rollout_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_graph", String(128), nullable=False),
    Column("at_us", BigInteger, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("mode", String(16), nullable=True),
    Column("active_version", String(128), nullable=False),
    Column("candidate_version", String(128), nullable=True),
    Column("percent_before_bp", Integer, nullable=True),
    Column("percent_bp", Integer, nullable=True),
    Column("halted", Boolean, nullable=False),
    Column("decision_id", Integer, nullable=True),
    Column("reason", Text, nullable=False),
    Index("ix_rollout_events_graph", "target_graph", "at_us", "id"),
)

# A sticky thread's first assignment, valid for one (control, candidate) pair: a promotion starts
# a new pair, so stickiness starts afresh.
canary_assignments = Table(
    "canary_assignments",
    metadata,
    Column("target_graph", String(128), primary_key=True),
    Column("control_version", String(128), primary_key=True),
    Column("candidate_version", String(128), primary_key=True),
    Column("thread_id", Text, primary_key=True),
    Column("cohort", String(16), nullable=False),
    Column("bucket", Integer, nullable=False),
    Column("assigned_at_us", BigInteger, nullable=False),
)

# Online outcomes per routed touch: sent, error, replied. Outcomes per cohort are a GROUP BY away.
canary_touches = Table(
    "canary_touches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_graph", String(128), nullable=False),
    Column("thread_id", Text, nullable=False),
    Column("cohort", String(16), nullable=False),
    Column("version_id", String(128), nullable=False),
    Column("bucket", Integer, nullable=True),
    Column("event", String(16), nullable=False),
    Column("at_us", BigInteger, nullable=False),
    Index("ix_canary_touches_cohort", "target_graph", "cohort", "version_id", "event"),
)
