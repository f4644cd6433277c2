"""notification.failed_at, notification.failure_reason: why a supporter's email last failed

Revision ID: c19f00000027
Revises: c19e00000026
Create Date: 2026-12-07 09:30:00.000000

An outage of the SMTP relay met only by supporters' emails (receipts, confirmation links) left
nothing the dashboard could read: those rows kept the raw error alone, so the channel-wide
trouble box stayed empty while no receipt went out. They now keep when and why, as deliveries
do. Earlier rows have neither.
"""

import sqlalchemy as sa
from alembic import op

import webapp.database

revision = "c19f00000027"
down_revision = "c19e00000026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_at", webapp.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=32), nullable=True))
    where = sa.text("failed_at IS NOT NULL")
    op.create_index(
        "ix_notification_failed_at",
        "notification",
        ["failed_at"],
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    op.drop_index("ix_notification_failed_at", table_name="notification")
    # In place, as c19c00000025's downgrade: a batch rebuild would drop and recreate the table.
    for column in ("failure_reason", "failed_at"):
        op.execute(f"ALTER TABLE notification DROP COLUMN {column}")
