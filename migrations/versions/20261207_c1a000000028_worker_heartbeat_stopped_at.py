"""worker_heartbeat.stopped_at: when a worker told to stop signed off

Revision ID: c1a000000028
Revises: c19f00000027
Create Date: 2026-12-07 22:30:00.000000

A worker stopped with SIGTERM or Ctrl-C left a heartbeat row seen moments before, which read
"active" on the dashboard, in `flask outbox status` and in /api/health for three more minutes:
after a restart the old worker and the new one were both listed as sending. A worker now writes
when it stopped as it leaves. Earlier rows have none (judged by their last beat, as before).
"""

import sqlalchemy as sa
from alembic import op

import webapp.database

revision = "c1a000000028"
down_revision = "c19f00000027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worker_heartbeat", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stopped_at", webapp.database.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # In place, as c19f00000027's downgrade: a batch rebuild would drop and recreate the table.
    op.execute("ALTER TABLE worker_heartbeat DROP COLUMN stopped_at")
