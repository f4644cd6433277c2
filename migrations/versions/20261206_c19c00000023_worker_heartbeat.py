"""worker_heartbeat: each outbox worker says it is alive, so the dashboard can tell when none runs

Revision ID: c19c00000023
Revises: c19b00000022
Create Date: 2026-12-06 03:20:00.000000

A worker that died or refused to start left the site taking letters with nothing on any page
saying they were not being sent (operator walk-through, defect 4). Starts empty.
"""

import sqlalchemy as sa
from alembic import op

import webapp.database

revision = "c19c00000023"
down_revision = "c19b00000022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker_id", sa.String(length=200), nullable=False),
        sa.Column("started_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seen_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("round_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_heartbeat")),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeat")
