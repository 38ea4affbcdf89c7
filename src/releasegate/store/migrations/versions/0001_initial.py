"""Verdicts and decisions.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verdicts",
        sa.Column("run_id", sa.String(128), primary_key=True),
        sa.Column("target_graph", sa.String(128), nullable=False),
        sa.Column("prompt_version", sa.String(128), nullable=False),
        sa.Column("judge_version", sa.String(128), nullable=False),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("composite", sa.Float, nullable=True),
        sa.Column("violations", sa.Text, nullable=False),
        sa.Column("hard_violation", sa.Boolean, nullable=False),
        sa.Column("levels_requested", sa.SmallInteger, nullable=False),
        sa.Column("levels_scored", sa.SmallInteger, nullable=False),
        sa.Column("latency_us", sa.BigInteger, nullable=True),
        sa.Column("cost_usd", sa.Float, nullable=True),
        sa.Column("cohort", sa.String(16), nullable=True),
        sa.Column("created_at_us", sa.BigInteger, nullable=False),
        sa.Column("created_at_given", sa.Boolean, nullable=False),
        sa.Column("ingested_at_us", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_verdicts_window",
        "verdicts",
        ["target_graph", "prompt_version", "judge_version", "created_at_us", "run_id"],
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decided_at_us", sa.BigInteger, nullable=False),
        sa.Column("target_graph", sa.String(128), nullable=False),
        sa.Column("prompt_version", sa.String(128), nullable=False),
        sa.Column("judge_version", sa.String(128), nullable=False),
        sa.Column("baseline_version", sa.String(128), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_decisions_version", "decisions", ["target_graph", "prompt_version", "decided_at_us"]
    )


def downgrade() -> None:
    op.drop_index("ix_decisions_version", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_verdicts_window", table_name="verdicts")
    op.drop_table("verdicts")
