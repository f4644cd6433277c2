"""delivery.failure_reason, mailing.failure_reason: why a letter failed, in the closed list

Revision ID: c19c00000025
Revises: c19c00000023
Create Date: 2026-12-06 08:30:00.000000

Organisers saw each office's raw last error (an SMTP reply, a CWC answer's body) and could not
tell what to do about it. The worker now records why, from FailureReason, when the error is
met; the dashboard says it in words with what to mend. Earlier rows have none and show the raw
error as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "c19c00000025"
down_revision = "c19c00000023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("delivery", "mailing"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("failure_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # In place, as the earlier migrations drop columns (SQLite 3.35+ and PostgreSQL): a batch
    # rebuild of the delivery table would drop and recreate what refers to it.
    for table in ("mailing", "delivery"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN failure_reason")
