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

__all__ = ["decisions", "metadata", "verdicts"]

metadata = MetaData()

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
    # The window query: equality on the first three, a range (or ORDER BY ... LIMIT) on the time.
    Index("ix_verdicts_window", "target_graph", "prompt_version", "judge_version",
          "created_at_us", "run_id"),
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
