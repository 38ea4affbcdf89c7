"""Canary rollout: rollout state, its audit trail, sticky assignments and touches.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rollouts",
        sa.Column("target_graph", sa.String(128), primary_key=True),
        sa.Column("active_version", sa.String(128), nullable=False),
        sa.Column("candidate_version", sa.String(128), nullable=True),
        sa.Column("percent_bp", sa.Integer, nullable=True),
        sa.Column("halted", sa.Boolean, nullable=False),
        sa.Column("updated_at_us", sa.BigInteger, nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "rollout_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target_graph", sa.String(128), nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(16), nullable=True),
        sa.Column("active_version", sa.String(128), nullable=False),
        sa.Column("candidate_version", sa.String(128), nullable=True),
        sa.Column("percent_before_bp", sa.Integer, nullable=True),
        sa.Column("percent_bp", sa.Integer, nullable=True),
        sa.Column("halted", sa.Boolean, nullable=False),
        sa.Column("decision_id", sa.Integer, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_rollout_events_graph", "rollout_events", ["target_graph", "at_us", "id"])
    op.create_table(
        "canary_assignments",
        sa.Column("target_graph", sa.String(128), primary_key=True),
        sa.Column("control_version", sa.String(128), primary_key=True),
        sa.Column("candidate_version", sa.String(128), primary_key=True),
        sa.Column("thread_id", sa.Text, primary_key=True),
        sa.Column("cohort", sa.String(16), nullable=False),
        sa.Column("bucket", sa.Integer, nullable=False),
        sa.Column("assigned_at_us", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "canary_touches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target_graph", sa.String(128), nullable=False),
        sa.Column("thread_id", sa.Text, nullable=False),
        sa.Column("cohort", sa.String(16), nullable=False),
        sa.Column("version_id", sa.String(128), nullable=False),
        sa.Column("bucket", sa.Integer, nullable=True),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("at_us", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_canary_touches_cohort", "canary_touches",
        ["target_graph", "cohort", "version_id", "event"],
    )


def downgrade() -> None:
    op.drop_index("ix_canary_touches_cohort", table_name="canary_touches")
    op.drop_table("canary_touches")
    op.drop_table("canary_assignments")
    op.drop_index("ix_rollout_events_graph", table_name="rollout_events")
    op.drop_table("rollout_events")
    op.drop_table("rollouts")
